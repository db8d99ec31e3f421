package main

// Vaults: creation with the first head, the head's compare-and-swap, member shares and sealed
// secrets. Reads need a share of the vault; writes need the permission the current head's roster
// gives the caller's identity key.

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// One message for "no such vault" and "not yours", so a caller cannot probe for vault ids it has
// no share of by reading.
const noVault = "no such vault, or you have no share of it"

func vaultParam(r *http.Request) ([]byte, error) {
	id := []byte(r.PathValue("vault"))
	if len(id) < 1 || len(id) > 255 {
		return nil, refuse(http.StatusBadRequest, "vault id must be 1 to 255 bytes (percent-escaped in the path)")
	}
	return id, nil
}

// readAccess: the caller has a share of the vault.
func readAccess(tx Tx, vaultID []byte, a Account) error {
	ok, err := tx.HasShare(vaultID, a.Login)
	if err != nil {
		return err
	}
	if !ok {
		return refuse(http.StatusNotFound, noVault)
	}
	return nil
}

// writeAccess returns the current head (locked if asked) after checking that the caller's
// identity has, in its roster, admin (need = permAdmin) or write or admin (need = permWrite).
func writeAccess(tx Tx, vaultID []byte, a Account, need byte, lock bool) (headBlob, error) {
	get := tx.CurrentHead
	if lock {
		get = tx.LockHead
	}
	raw, err := get(vaultID)
	if errors.Is(err, ErrNotFound) {
		return headBlob{}, refuse(http.StatusNotFound, noVault)
	}
	if err != nil {
		return headBlob{}, err
	}
	cur, err := parseHead(raw)
	if err != nil {
		return headBlob{}, err
	}
	perms, in := cur.permissionsOf(a.Identity)
	if !in {
		has, err := tx.HasShare(vaultID, a.Login)
		if err != nil {
			return headBlob{}, err
		}
		if !has {
			return headBlob{}, refuse(http.StatusNotFound, noVault)
		}
		return headBlob{}, refuse(http.StatusForbidden, "your identity key is not in the vault's current roster")
	}
	if need == permAdmin && perms&permAdmin == 0 {
		return headBlob{}, refuse(http.StatusForbidden, "this needs the admin permission in the vault's current roster")
	}
	if perms&(permWrite|permAdmin) == 0 {
		return headBlob{}, refuse(http.StatusForbidden, "this needs the write permission in the vault's current roster")
	}
	return cur, nil
}

type headRequest struct {
	Head  string `json:"head"`
	Share string `json:"share"` // creation only: the creator's own share
	// The secret changes the head's Merkle root covers, stored in the same transaction as the
	// head or not at all: a lost race leaves none of them behind, and readers never see secrets
	// that no stored head covers.
	Secrets []secretChange `json:"secrets"`
	Deleted []string       `json:"deleted"`
	// Shares of the head's epoch, stored with it: a head that starts a new epoch must carry the
	// signer's own, so the new vault key is never only in the memory of a client that may crash.
	Shares []shareChange `json:"shares"`
}

type shareChange struct {
	Login string `json:"login"`
	Share string `json:"share"`
}

type secretChange struct {
	Index  string `json:"index"`
	Secret string `json:"secret"`
}

// headChanges is what a head request stores with the head: secrets, deletions and shares.
type headChanges struct {
	put     []SecretRow
	deleted [][]byte
	shares  []loginShare
}

type loginShare struct {
	login string
	raw   []byte
	share shareBlob
}

// parseHeadChanges checks every change before any is applied: indexes of 64 lowercase hex
// digits, each at most once across both lists, secrets sealed under the head's vault key and
// epoch (the server cannot open them, but it can refuse a secret that no reader of this head
// could open), and shares of the head's epoch, one per login (checkShares checks their
// recipients inside the transaction).
func parseHeadChanges(req headRequest, h headBlob) (headChanges, error) {
	var out headChanges
	// Every secret a head's request stores is a leaf of its tree: more is not a commit.
	if uint64(len(req.Secrets)) > uint64(h.leafCount) {
		return out, refuse(http.StatusBadRequest, "secrets: %d of them, more than the head's %d leaves", len(req.Secrets), h.leafCount)
	}
	seen := map[string]bool{}
	index := func(field string, i int, s string) ([]byte, error) {
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != 32 || !lowerHex(s) {
			return nil, refuse(http.StatusBadRequest, "%s[%d].index: a blind index is 64 lowercase hex digits", field, i)
		}
		if seen[s] {
			return nil, refuse(http.StatusBadRequest, "%s[%d].index: a blind index appears twice in this request", field, i)
		}
		seen[s] = true
		return b, nil
	}
	for i, c := range req.Secrets {
		idx, err := index("secrets", i, c.Index)
		if err != nil {
			return out, err
		}
		raw, err := blobField(fmt.Sprintf("secrets[%d].secret", i), c.Secret)
		if err != nil {
			return out, err
		}
		sb, err := parseSecret(raw)
		if err != nil {
			return out, refuse(http.StatusBadRequest, "secrets[%d]: %v", i, err)
		}
		if !bytes.Equal(sb.keyID, h.keyID) || sb.epoch != h.epoch {
			return out, refuse(http.StatusBadRequest, "secrets[%d]: not sealed under the head's vault key and epoch", i)
		}
		out.put = append(out.put, SecretRow{Index: idx, Secret: raw})
	}
	for i, d := range req.Deleted {
		idx, err := index("deleted", i, d)
		if err != nil {
			return out, err
		}
		out.deleted = append(out.deleted, idx)
	}
	logins := map[string]bool{}
	for i, c := range req.Shares {
		if err := checkLogin(c.Login); err != nil {
			return out, refuse(http.StatusBadRequest, "shares[%d].login: not a login in normal form", i)
		}
		if logins[c.Login] {
			return out, refuse(http.StatusBadRequest, "shares[%d].login: a login appears twice in this request", i)
		}
		logins[c.Login] = true
		raw, err := blobField(fmt.Sprintf("shares[%d].share", i), c.Share)
		if err != nil {
			return out, err
		}
		sb, err := parseShare(raw)
		if err != nil {
			return out, refuse(http.StatusBadRequest, "shares[%d]: %v", i, err)
		}
		if sb.epoch != h.epoch {
			return out, refuse(http.StatusBadRequest, "shares[%d]: not of the head's epoch", i)
		}
		out.shares = append(out.shares, loginShare{login: c.Login, raw: raw, share: sb})
	}
	return out, nil
}

// checkShares, inside the head's transaction: each recipient exists, is in the new head's roster,
// and the share is to their registered encryption key; a head that starts a new epoch carries
// the signer's own share.
func (c headChanges) checkShares(tx Tx, next headBlob, signer Account, newEpoch bool) error {
	own := false
	for _, ls := range c.shares {
		to, err := tx.Account(ls.login)
		if errors.Is(err, ErrNotFound) {
			return refuse(http.StatusNotFound, "no such account")
		}
		if err != nil {
			return err
		}
		if _, in := next.permissionsOf(to.Identity); !in {
			return refuse(http.StatusBadRequest, "a share's recipient is not in the head's roster")
		}
		if !bytes.Equal(ls.share.keyID, to.EncKeyID) {
			return refuse(http.StatusBadRequest, "a share is not to its recipient's registered encryption key")
		}
		own = own || to.Login == signer.Login
	}
	if newEpoch && !own {
		return refuse(http.StatusBadRequest, "a head that starts a new epoch must carry the signer's own share of it")
	}
	return nil
}

// apply writes the changes inside the head's transaction. Deleting an index that holds no secret
// is not an error: the head's Merkle root says what the vault holds, and clients check it.
func (c headChanges) apply(tx Tx, vaultID []byte) error {
	for _, idx := range c.deleted {
		if _, err := tx.DeleteSecret(vaultID, idx); err != nil {
			return err
		}
	}
	for _, row := range c.put {
		if err := tx.PutSecret(vaultID, row.Index, row.Secret); err != nil {
			return err
		}
	}
	for _, ls := range c.shares {
		if err := tx.PutShare(vaultID, ls.login, Share{Epoch: ls.share.epoch, Share: ls.raw}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) createVault(w http.ResponseWriter, r *http.Request, a Account) {
	var req headRequest
	if err := decode(w, r, s.cfg.MaxHeadBody, &req); err != nil {
		s.respond(w, r, err)
		return
	}
	raw, err := blobField("head", req.Head)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	h, err := parseHead(raw)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	if h.version != 1 {
		fail(w, http.StatusBadRequest, "a new vault starts with a head of version 1")
		return
	}
	if id := string(h.vaultID); id == "." || id == ".." {
		// HTTP clients and the router clean these path segments away: no route could reach it.
		fail(w, http.StatusBadRequest, "the vault ids \".\" and \"..\" cannot be addressed in a URL")
		return
	}
	if !bytes.Equal(h.signer, a.Identity) {
		fail(w, http.StatusForbidden, "the head is not signed by your identity key")
		return
	}
	if perms, _ := h.permissionsOf(a.Identity); perms&permAdmin == 0 {
		fail(w, http.StatusBadRequest, "the creator must be an admin in the first head's roster")
		return
	}
	shareRaw, err := blobField("share", req.Share)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	share, err := parseShare(shareRaw)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	if !bytes.Equal(share.keyID, a.EncKeyID) || share.epoch != h.epoch {
		fail(w, http.StatusBadRequest, "share: not to your encryption key, or not of the head's epoch")
		return
	}
	if len(req.Deleted) > 0 || len(req.Shares) > 0 {
		fail(w, http.StatusBadRequest, "a new vault takes \"secrets\" and the creator's \"share\", not \"deleted\" or \"shares\"")
		return
	}
	changes, err := parseHeadChanges(req, h)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	vaultID := append([]byte{}, h.vaultID...)
	err = s.store.Update(r.Context(), func(tx Tx) error {
		if err := tx.CreateVault(vaultID, a.Login, raw); err != nil {
			return err
		}
		if err := tx.PutShare(vaultID, a.Login, Share{Epoch: share.epoch, Share: shareRaw}); err != nil {
			return err
		}
		return changes.apply(tx, vaultID)
	})
	if errors.Is(err, ErrConflict) {
		fail(w, http.StatusConflict, "a vault with this id exists")
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"vault_id": b64(vaultID), "version": 1})
}

func (s *Server) listVaults(w http.ResponseWriter, r *http.Request, a Account) {
	var ids [][]byte
	err := s.store.View(r.Context(), func(tx Tx) error {
		var err error
		ids, err = tx.MemberVaults(a.Login)
		return err
	})
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out := []string{}
	for _, id := range ids {
		out = append(out, b64(id))
	}
	writeJSON(w, http.StatusOK, map[string]any{"vaults": out})
}

func headJSON(raw []byte) map[string]any {
	h, _ := parseHead(raw)
	return map[string]any{"version": h.version, "head": b64(raw)}
}

func (s *Server) getHead(w http.ResponseWriter, r *http.Request, a Account) {
	s.readHead(w, r, a, 0)
}

func (s *Server) getHeadAt(w http.ResponseWriter, r *http.Request, a Account) {
	v, err := strconv.ParseUint(r.PathValue("version"), 10, 64)
	if err != nil || v == 0 {
		fail(w, http.StatusBadRequest, "version must be a decimal integer of at least 1")
		return
	}
	s.readHead(w, r, a, v)
}

// readHead serves the current head (version 0) or the one of the given version, which a client
// fetches to walk the chain across a gap (protocol.md section 10.6).
func (s *Server) readHead(w http.ResponseWriter, r *http.Request, a Account, version uint64) {
	vaultID, err := vaultParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	var raw []byte
	err = s.store.View(r.Context(), func(tx Tx) error {
		if err := readAccess(tx, vaultID, a); err != nil {
			return err
		}
		var err error
		if version == 0 {
			raw, err = tx.CurrentHead(vaultID)
		} else {
			raw, err = tx.Head(vaultID, version)
		}
		if errors.Is(err, ErrNotFound) {
			return refuse(http.StatusNotFound, "no head of that version")
		}
		return err
	})
	if err != nil {
		s.respond(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, headJSON(raw))
}

// headConflict is the 409 of a lost compare-and-swap: the stored head, for the client to verify,
// rebase its change on and sign again.
type headConflict struct {
	raw []byte
}

func (headConflict) Error() string { return "head conflict" }

func (s *Server) putHead(w http.ResponseWriter, r *http.Request, a Account) {
	vaultID, err := vaultParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	var req headRequest
	if err := decode(w, r, s.cfg.MaxHeadBody, &req); err != nil {
		s.respond(w, r, err)
		return
	}
	if req.Share != "" {
		fail(w, http.StatusBadRequest, "field \"share\" belongs to vault creation only")
		return
	}
	raw, err := blobField("head", req.Head)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	next, err := parseHead(raw)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	if !bytes.Equal(next.vaultID, vaultID) {
		fail(w, http.StatusBadRequest, "the head is of another vault than the path names")
		return
	}
	if !bytes.Equal(next.signer, a.Identity) {
		fail(w, http.StatusForbidden, "the head is not signed by your identity key")
		return
	}
	changes, err := parseHeadChanges(req, next)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	err = s.store.Update(r.Context(), func(tx Tx) error {
		curRaw, err := tx.LockHead(vaultID)
		if errors.Is(err, ErrNotFound) {
			return refuse(http.StatusNotFound, noVault)
		}
		if err != nil {
			return err
		}
		cur, err := parseHead(curRaw)
		if err != nil {
			return err
		}
		perms, in := cur.permissionsOf(a.Identity)
		if !in {
			if has, err := tx.HasShare(vaultID, a.Login); err != nil || !has {
				if err != nil {
					return err
				}
				return refuse(http.StatusNotFound, noVault)
			}
		}
		// The race check comes before the rights check: a writer that lost is told so, with the
		// head its rights will be judged against when it tries again.
		if next.version != cur.version+1 || !bytes.Equal(next.prevHash, headHash(curRaw)) {
			return headConflict{raw: curRaw}
		}
		if !in {
			return refuse(http.StatusForbidden, "your identity key is not in the vault's current roster")
		}
		if governanceChanged(cur, next) {
			if perms&permAdmin == 0 {
				return refuse(http.StatusForbidden, "changing the roster, policy, epoch or vault key needs the admin permission")
			}
		} else if perms&(permWrite|permAdmin) == 0 {
			return refuse(http.StatusForbidden, "this needs the write permission in the vault's current roster")
		}
		if len(changes.shares) > 0 && perms&permAdmin == 0 {
			return refuse(http.StatusForbidden, "sharing the vault key needs the admin permission")
		}
		if err := changes.checkShares(tx, next, a, next.epoch != cur.epoch); err != nil {
			return err
		}
		if err := tx.AdvanceHead(vaultID, cur.version, raw); err != nil {
			if errors.Is(err, ErrConflict) {
				return headConflict{raw: curRaw}
			}
			return err
		}
		return changes.apply(tx, vaultID)
	})
	var hc headConflict
	if errors.As(err, &hc) {
		body := headJSON(hc.raw)
		body["error"] = "the stored head is not this head's predecessor: verify the stored head, rebase and sign its successor"
		writeJSON(w, http.StatusConflict, body)
		return
	}
	if err != nil {
		s.respond(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"version": next.version})
}

type shareRequest struct {
	Share string `json:"share"`
}

func (s *Server) putShare(w http.ResponseWriter, r *http.Request, a Account) {
	vaultID, err := vaultParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	login := r.PathValue("login")
	if err := checkLogin(login); err != nil {
		s.respond(w, r, err)
		return
	}
	var req shareRequest
	if err := decode(w, r, s.cfg.MaxBody, &req); err != nil {
		s.respond(w, r, err)
		return
	}
	raw, err := blobField("share", req.Share)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	share, err := parseShare(raw)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	err = s.store.Update(r.Context(), func(tx Tx) error {
		cur, err := writeAccess(tx, vaultID, a, permAdmin, true)
		if err != nil {
			return err
		}
		to, err := tx.Account(login)
		if errors.Is(err, ErrNotFound) {
			return refuse(http.StatusNotFound, "no such account")
		}
		if err != nil {
			return err
		}
		if _, in := cur.permissionsOf(to.Identity); !in {
			return refuse(http.StatusBadRequest, "the recipient is not in the vault's current roster: sign a head that adds them first")
		}
		if !bytes.Equal(share.keyID, to.EncKeyID) {
			return refuse(http.StatusBadRequest, "the share is not to the recipient's registered encryption key")
		}
		if share.epoch != cur.epoch {
			return refuse(http.StatusBadRequest, "the share's epoch is not the current head's")
		}
		return tx.PutShare(vaultID, login, Share{Epoch: share.epoch, Share: raw})
	})
	if err != nil {
		s.respond(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) ownShares(w http.ResponseWriter, r *http.Request, a Account) {
	vaultID, err := vaultParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	var shares []Share
	err = s.store.View(r.Context(), func(tx Tx) error {
		if err := readAccess(tx, vaultID, a); err != nil {
			return err
		}
		var err error
		shares, err = tx.Shares(vaultID, a.Login)
		return err
	})
	if err != nil {
		s.respond(w, r, err)
		return
	}
	out := []map[string]any{}
	for _, sh := range shares {
		out = append(out, map[string]any{"epoch": sh.Epoch, "share": b64(sh.Share)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"shares": out})
}

// removeMember drops every share of a member: from the next request on it reads nothing of the
// vault. Its removal from the roster (so it cannot sign) is the admin's head, signed as usual.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request, a Account) {
	vaultID, err := vaultParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	login := r.PathValue("login")
	if err := checkLogin(login); err != nil {
		s.respond(w, r, err)
		return
	}
	err = s.store.Update(r.Context(), func(tx Tx) error {
		if _, err := writeAccess(tx, vaultID, a, permAdmin, true); err != nil {
			return err
		}
		n, err := tx.DeleteShares(vaultID, login)
		if err == nil && n == 0 {
			return refuse(http.StatusNotFound, "that login has no share of this vault")
		}
		return err
	})
	if err != nil {
		s.respond(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func indexParam(r *http.Request) ([]byte, error) {
	s := r.PathValue("index")
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 || !lowerHex(s) {
		return nil, refuse(http.StatusBadRequest, "blind index must be 64 lowercase hex digits")
	}
	return b, nil
}

type secretRequest struct {
	Secret string `json:"secret"`
}

func (s *Server) putSecret(w http.ResponseWriter, r *http.Request, a Account) {
	vaultID, err := vaultParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	index, err := indexParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	var req secretRequest
	if err := decode(w, r, s.cfg.MaxBody, &req); err != nil {
		s.respond(w, r, err)
		return
	}
	raw, err := blobField("secret", req.Secret)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	if _, err := parseSecret(raw); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	err = s.store.Update(r.Context(), func(tx Tx) error {
		if _, err := writeAccess(tx, vaultID, a, permWrite, false); err != nil {
			return err
		}
		return tx.PutSecret(vaultID, index, raw)
	})
	if err != nil {
		s.respond(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getSecret(w http.ResponseWriter, r *http.Request, a Account) {
	vaultID, err := vaultParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	index, err := indexParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	var raw []byte
	err = s.store.View(r.Context(), func(tx Tx) error {
		if err := readAccess(tx, vaultID, a); err != nil {
			return err
		}
		var err error
		raw, err = tx.Secret(vaultID, index)
		if errors.Is(err, ErrNotFound) {
			return refuse(http.StatusNotFound, "no secret under that blind index")
		}
		return err
	})
	if err != nil {
		s.respond(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"index": hex.EncodeToString(index), "secret": b64(raw)})
}

func (s *Server) listSecrets(w http.ResponseWriter, r *http.Request, a Account) {
	vaultID, err := vaultParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	var rows []SecretRow
	var head headBlob
	// One snapshot: the list is the one the current head's version was stored with.
	err = s.store.View(r.Context(), func(tx Tx) error {
		if err := readAccess(tx, vaultID, a); err != nil {
			return err
		}
		raw, err := tx.CurrentHead(vaultID)
		if err != nil {
			return err
		}
		if head, err = parseHead(raw); err != nil {
			return err
		}
		rows, err = tx.Secrets(vaultID)
		return err
	})
	if err != nil {
		s.respond(w, r, err)
		return
	}
	out := []map[string]string{}
	for _, row := range rows {
		out = append(out, map[string]string{"index": hex.EncodeToString(row.Index), "secret": b64(row.Secret)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"version": head.version, "secrets": out})
}

func (s *Server) deleteSecret(w http.ResponseWriter, r *http.Request, a Account) {
	vaultID, err := vaultParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	index, err := indexParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	err = s.store.Update(r.Context(), func(tx Tx) error {
		if _, err := writeAccess(tx, vaultID, a, permWrite, false); err != nil {
			return err
		}
		ok, err := tx.DeleteSecret(vaultID, index)
		if err == nil && !ok {
			return refuse(http.StatusNotFound, "no secret under that blind index")
		}
		return err
	})
	if err != nil {
		s.respond(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
