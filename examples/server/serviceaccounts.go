package main

// Service accounts: registered per vault by an admin with their public key and the verifier of
// their access credential; members upload each account's batch; the account fetches it as the
// CLI's batch file.

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

type serviceAccountRequest struct {
	PublicKey string `json:"public_key"`
	Verifier  string `json:"verifier"` // 32 bytes: 64 hex digits or standard base64
}

func keyIDParam(r *http.Request) ([]byte, error) {
	s := r.PathValue("keyid")
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != keyIDBytes || !lowerHex(s) {
		return nil, refuse(http.StatusBadRequest, "service-account key id must be 32 lowercase hex digits")
	}
	return b, nil
}

func parseVerifier(s string) ([]byte, error) {
	if s == "" {
		return nil, refuse(http.StatusBadRequest, "field \"verifier\" is required")
	}
	if len(s) == 64 {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	return nil, refuse(http.StatusBadRequest, "verifier: 32 bytes expected, as 64 hex digits or standard base64")
}

func (s *Server) addServiceAccount(w http.ResponseWriter, r *http.Request, a Account) {
	vaultID, err := vaultParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	var req serviceAccountRequest
	if err := decode(w, r, s.cfg.MaxBody, &req); err != nil {
		s.respond(w, r, err)
		return
	}
	raw, err := blobField("public_key", req.PublicKey)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	pk, err := parsePubkey(raw)
	if err != nil {
		fail(w, http.StatusBadRequest, "public_key: "+err.Error())
		return
	}
	verifier, err := parseVerifier(req.Verifier)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	err = s.store.Update(r.Context(), func(tx Tx) error {
		if _, err := writeAccess(tx, vaultID, a, permAdmin, true); err != nil {
			return err
		}
		sa, err := tx.ServiceAccount(pk.keyID)
		switch {
		case errors.Is(err, ErrNotFound):
			if err := tx.CreateServiceAccount(ServiceAccount{KeyID: pk.keyID, PublicKey: raw, Binding: pk.binding, Verifier: verifier}); err != nil {
				return err
			}
		case err != nil:
			return err
		case !bytes.Equal(sa.Verifier, verifier) || !bytes.Equal(sa.PublicKey, raw):
			// The same key in another vault must keep its credential: replacing it here would
			// lock the account out of its other vaults' batches.
			return refuse(http.StatusConflict, "this service-account key is registered with another credential verifier")
		}
		return tx.LinkServiceAccount(vaultID, pk.keyID)
	})
	if errors.Is(err, ErrConflict) {
		fail(w, http.StatusConflict, "this service-account key is being registered concurrently; retry")
		return
	}
	if err != nil {
		s.respond(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"key_id": hex.EncodeToString(pk.keyID)})
}

func (s *Server) removeServiceAccount(w http.ResponseWriter, r *http.Request, a Account) {
	vaultID, err := vaultParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	keyID, err := keyIDParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	err = s.store.Update(r.Context(), func(tx Tx) error {
		if _, err := writeAccess(tx, vaultID, a, permAdmin, true); err != nil {
			return err
		}
		ok, err := tx.UnlinkServiceAccount(vaultID, keyID)
		if err == nil && !ok {
			return refuse(http.StatusNotFound, "no such service account in this vault")
		}
		return err
	})
	if err != nil {
		s.respond(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type batchRequest struct {
	Batch string   `json:"batch"`
	Items []string `json:"items"`
}

func (s *Server) putBatch(w http.ResponseWriter, r *http.Request, a Account) {
	vaultID, err := vaultParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	keyID, err := keyIDParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	var req batchRequest
	if err := decode(w, r, s.cfg.MaxBatchBody, &req); err != nil {
		s.respond(w, r, err)
		return
	}
	raw, err := blobField("batch", req.Batch)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	b, err := parseBatch(raw)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	if !bytes.Equal(b.keyID, keyID) || !bytes.Equal(b.vaultID, vaultID) {
		fail(w, http.StatusBadRequest, "the batch is for another service account or vault than the path names")
		return
	}
	if len(req.Items) != int(b.items) {
		fail(w, http.StatusBadRequest, "the number of items is not the batch's item count")
		return
	}
	items := make([][]byte, len(req.Items))
	for i, text := range req.Items {
		if items[i], err = blobField("items", text); err != nil {
			s.respond(w, r, err)
			return
		}
		if err := checkItem(items[i], b, i); err != nil {
			fail(w, http.StatusBadRequest, "items["+strconv.Itoa(i)+"]: "+err.Error())
			return
		}
	}
	err = s.store.Update(r.Context(), func(tx Tx) error {
		cur, err := writeAccess(tx, vaultID, a, permWrite, true)
		if err != nil {
			return err
		}
		linked, err := tx.ServiceAccountLinked(vaultID, keyID)
		if err != nil {
			return err
		}
		if !linked {
			return refuse(http.StatusNotFound, "no such service account in this vault")
		}
		sa, err := tx.ServiceAccount(keyID)
		if err != nil {
			return err
		}
		inRoster := false
		for _, e := range cur.roster {
			inRoster = inRoster || (e.kind == kindServiceAccount && bytes.Equal(e.key, sa.Binding))
		}
		if !inRoster {
			return refuse(http.StatusBadRequest, "the service account is not in the vault's current roster")
		}
		old, err := tx.Batch(vaultID, keyID)
		if err == nil && old.HeadVersion > b.headVersion {
			return refuse(http.StatusConflict, "a batch of a newer head version is stored")
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		return tx.PutBatch(Batch{VaultID: vaultID, KeyID: keyID, HeadVersion: b.headVersion, Batch: raw, Items: items})
	})
	if err != nil {
		s.respond(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// serviceBatch serves a service account its batch of one vault as docs/cli.md's batch file.
func (s *Server) serviceBatch(w http.ResponseWriter, r *http.Request) {
	vaultID, err := vaultParam(r)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	keyID, verifier, err := s.saCredential(r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="libcloak"`)
		s.respond(w, r, err)
		return
	}
	// One read transaction: the credential check, the registration and the batch.
	var b Batch
	address := limitCheck{s.byAddress, clientAddress(r)}
	err = s.store.View(r.Context(), func(tx Tx) error {
		if err := s.checkLimits(tx, "too many failed attempts from this address; try later", address); err != nil {
			return err
		}
		if _, err := authenticateSA(tx, keyID, verifier); err != nil {
			return err
		}
		linked, err := tx.ServiceAccountLinked(vaultID, keyID)
		if err != nil {
			return err
		}
		if linked {
			b, err = tx.Batch(vaultID, keyID)
		}
		if !linked || errors.Is(err, ErrNotFound) {
			return refuse(http.StatusNotFound, "no batch for this service account in that vault")
		}
		return err
	})
	if errors.Is(err, errBadCredential) {
		if err := s.countFailure(r.Context(), address); err != nil {
			s.internal(w, r, err)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="libcloak"`)
	}
	if err != nil {
		s.respond(w, r, err)
		return
	}
	var out strings.Builder
	if printableVaultLine(vaultID) {
		out.WriteString("vault " + string(vaultID) + "\n")
	}
	out.WriteString(textForm(b.Batch) + "\n")
	for _, it := range b.Items {
		out.WriteString(textForm(it) + "\n")
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(out.String()))
}

// printableVaultLine: the optional vault line is written only for an id the CLI reads back as is
// (printable ASCII, no space at either end, not starting a comment).
func printableVaultLine(id []byte) bool {
	if id[0] == ' ' || id[len(id)-1] == ' ' || id[0] == '#' {
		return false
	}
	for _, c := range id {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}
