package main

// A member's view of one vault: the newest head it verified (following the chain from a first
// head signed by an identity it trusts), the vault key of the head's epoch, and the secrets, read
// only after their list matched the head's Merkle root. Changes go through commit, which sends a
// head and the secrets it covers in one request and, when another writer got there first, follows
// the chain to the new head, re-reads, applies the change again on top and signs the next version.

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"libcloak.dev/cloak"
)

// namesEntry holds the list of secret names, itself a sealed secret: the server sees only blind
// indexes.
const namesEntry = "__names__"

// headLifetime is how long a head stays fresh for readers (protocol.md's expiry): a vault whose
// admins make no change for this long must be re-signed.
const headLifetime = 7 * 24 * time.Hour

type vaultView struct {
	m       *member
	id      []byte
	trusted []cloak.IdentityPublicKey
	head    *cloak.Head
	key     *cloak.VaultKey
	vault   *cloak.Vault
	values  map[string]string // name -> value, as of head
	indexes map[string][]byte // name (and namesEntry) -> blind index, as of head
	sealed  map[string][]byte // blind index -> sealed secret, as the head's tree holds it
}

func (v *vaultView) wipe() {
	if v.head != nil {
		v.head.Wipe()
	}
	if v.vault != nil {
		v.vault.Wipe()
	}
	if v.key != nil {
		v.key.Wipe()
	}
}

// names is the sorted list of names.
func (v *vaultView) names() []string {
	out := make([]string, 0, len(v.values))
	for n := range v.values {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

type headJSON struct {
	Version uint64
	Head    []byte
}

// follow verifies every head from the one held up to version `to` (walking a gap one version at a
// time) and keeps the newest. A head that does not chain, or is signed by someone the held head's
// roster does not allow, stops here: the server can withhold heads, not forge or fork them.
func (v *vaultView) follow(to uint64) error {
	for v.head.Version() < to {
		var h headJSON
		if err := v.m.sess.call("GET", vaultPath(v.id, fmt.Sprintf("/heads/%d", v.head.Version()+1)), nil, &h); err != nil {
			return err
		}
		next, err := v.head.VerifyNext(h.Head)
		if err != nil {
			return fmt.Errorf("head %d: %w", v.head.Version()+1, err)
		}
		v.head.Wipe()
		v.head = next
	}
	return v.head.Check(0, 0, time.Now())
}

// open starts a member's view of a vault: the first head, trusted because one of `trusted`
// signed it as an admin, then every later head up to the current one, then the vault key.
func openVault(m *member, id []byte, trusted []cloak.IdentityPublicKey) (*vaultView, error) {
	var first headJSON
	if err := m.sess.call("GET", vaultPath(id, "/heads/1"), nil, &first); err != nil {
		return nil, err
	}
	head, err := cloak.VerifyFirstHead(first.Head, id, trusted)
	if err != nil {
		return nil, fmt.Errorf("the first head: %w", err)
	}
	v := &vaultView{m: m, id: id, trusted: trusted, head: head}
	if err := v.refresh(); err != nil {
		v.wipe()
		return nil, err
	}
	return v, nil
}

// refresh follows the chain to the server's current head and re-reads the secrets.
func (v *vaultView) refresh() error {
	var cur headJSON
	if err := v.m.sess.call("GET", vaultPath(v.id, "/head"), nil, &cur); err != nil {
		return err
	}
	if err := v.follow(cur.Version); err != nil {
		return err
	}
	return v.read()
}

// shareKey opens the member's share of the head's epoch. It must come from an admin of the head
// (the only members who may share the vault key) and be to the key the roster names for this
// member.
func (v *vaultView) shareKey() error {
	epoch := v.head.Epoch()
	if v.key != nil && v.vault != nil && v.key.ID() == v.head.VaultKeyID() {
		return nil
	}
	var list struct {
		Shares []struct {
			Epoch uint32
			Share []byte
		}
	}
	if err := v.m.sess.call("GET", vaultPath(v.id, "/shares/self"), nil, &list); err != nil {
		return err
	}
	for _, s := range list.Shares {
		if s.Epoch != epoch {
			continue
		}
		sender, err := cloak.ShareSender(s.Share)
		if err != nil {
			return err
		}
		perms, _, _, err := v.head.RosterFind(cloak.RosterMember, sender)
		if err != nil || perms&cloak.PermissionAdmin == 0 {
			return fmt.Errorf("the share of epoch %d is not from an admin of the vault", epoch)
		}
		key, err := v.head.OpenShare(s.Share, v.m.identity.Public(), v.m.enc, sender)
		if err != nil {
			return fmt.Errorf("the share of epoch %d: %w", epoch, err)
		}
		return v.useKey(key)
	}
	return fmt.Errorf("no share of epoch %d for %s yet", epoch, v.m.name)
}

func (v *vaultView) useKey(key *cloak.VaultKey) error {
	vault, err := cloak.NewVault(key, v.head.Epoch(), v.id)
	if err != nil {
		return err
	}
	if v.vault != nil {
		v.vault.Wipe()
	}
	if v.key != nil && v.key != key {
		v.key.Wipe()
	}
	v.key, v.vault = key, vault
	v.m.sess.srv.guard.forbidCopy("the vault key of epoch "+fmt.Sprint(v.head.Epoch()), key.SecretBytes())
	return nil
}

// read fetches every sealed secret and accepts the list only if it is exactly what the head's
// Merkle root commits to (same leaves, same count): nothing added, dropped, replaced or rolled
// back. Then it opens the list of names and each secret under its name.
func (v *vaultView) read() error {
	if err := v.shareKey(); err != nil {
		return err
	}
	var list struct {
		Version uint64 // the head version the list was stored with
		Secrets []struct {
			Index  string
			Secret []byte
		}
	}
	if err := v.m.sess.call("GET", vaultPath(v.id, "/secrets"), nil, &list); err != nil {
		return err
	}
	// Another writer may have committed since the head was read: follow the chain to the list's
	// version first (a list older than the held head is a rollback, refused by the root check).
	if list.Version > v.head.Version() {
		if err := v.follow(list.Version); err != nil {
			return err
		}
		if err := v.shareKey(); err != nil {
			return err
		}
	}
	sealed := map[string][]byte{}
	for _, s := range list.Secrets {
		idx, err := hexIndex(s.Index)
		if err != nil {
			return err
		}
		if _, twice := sealed[string(idx)]; twice {
			return errors.New("the server listed a blind index twice")
		}
		sealed[string(idx)] = s.Secret
	}
	root, count, err := treeOf(sealed)
	if err != nil {
		return err
	}
	if root != v.head.MerkleRoot() || int(count) != v.head.LeafCount() {
		return fmt.Errorf("the secrets served are not the ones head %d commits to", v.head.Version())
	}
	v.values, v.indexes, v.sealed = map[string]string{}, map[string][]byte{}, sealed
	if count == 0 {
		return nil
	}
	namesIdx, err := v.vault.BlindIndex([]byte(namesEntry))
	if err != nil {
		return err
	}
	namesBlob, ok := sealed[string(namesIdx)]
	if !ok {
		return errors.New("the vault has secrets but no list of names")
	}
	namesText, err := v.vault.Open([]byte(namesEntry), namesBlob, nil)
	if err != nil {
		return fmt.Errorf("the list of names: %w", err)
	}
	v.indexes[namesEntry] = namesIdx
	defer clear(namesText)
	for _, name := range strings.Split(string(namesText), "\n") {
		if name == "" {
			continue
		}
		idx, err := v.vault.BlindIndex([]byte(name))
		if err != nil {
			return err
		}
		blob, ok := sealed[string(idx)]
		if !ok {
			return fmt.Errorf("a name in the list has no secret")
		}
		value, err := v.vault.Open([]byte(name), blob, nil)
		if err != nil {
			return fmt.Errorf("a secret: %w", err)
		}
		v.values[name], v.indexes[name] = string(value), idx
		clear(value)
	}
	if len(v.indexes) != int(count) {
		return errors.New("the vault holds secrets its list of names does not name")
	}
	return nil
}

// change is what a writer wants done, computed from the view it has (and computed again from the
// newer view after a lost race).
type change struct {
	set    map[string]string   // names to add or replace
	remove []string            // names to delete
	roster []cloak.RosterEntry // nil: unchanged
	rotate *cloak.VaultKey     // a new vault key: the next epoch, every secret resealed
	policy *uint32             // nil: unchanged
	shares []recipient         // members to share the new head's vault key with, in the same request
}

// recipient is a member to share a vault key with: login, identity and current encryption key.
type recipient struct {
	login string
	id    cloak.IdentityPublicKey
	key   cloak.EncryptionPublicKey
}

// commit applies a change as the next head, retrying on top of whatever head won a race: it
// returns how many races it lost.
func (v *vaultView) commit(what func(*vaultView) (change, error)) (int, error) {
	lost := 0
	for attempt := 0; attempt < 16; attempt++ {
		c, err := what(v)
		if err != nil {
			return lost, err
		}
		body, next, err := v.build(c)
		if err != nil {
			return lost, err
		}
		err = v.m.sess.call("PUT", vaultPath(v.id, "/head"), body, nil)
		var refusal *apiError
		if errors.As(err, &refusal) && refusal.status == http.StatusConflict {
			// Another writer's head is stored: verify it (the refusal carries it), re-read, rebase.
			lost++
			next.discard(v)
			var cur headJSON
			if err := jsonInto(refusal.body, &cur); err != nil {
				return lost, err
			}
			logf("      %-7s lost the race to head %d: verifying it, re-reading, applying the change again", v.m.name, cur.Version)
			if cur.Version == v.head.Version()+1 {
				// The refusal carries the winner's head: verify it as the held head's successor.
				won, err := v.head.VerifyNext(cur.Head)
				if err != nil {
					return lost, fmt.Errorf("the head a lost race returned: %w", err)
				}
				v.head.Wipe()
				v.head = won
			}
			if err := v.follow(cur.Version); err != nil {
				return lost, err
			}
			if err := v.read(); err != nil {
				return lost, err
			}
			continue
		}
		if err != nil {
			next.discard(v)
			return lost, err
		}
		v.adopt(next)
		return lost, nil
	}
	return lost, errors.New("lost 16 races in a row")
}

// discard wipes a view that was not stored, except what it shares with the current view cur.
func (v *vaultView) discard(cur *vaultView) {
	v.head.Wipe()
	if v.vault != cur.vault {
		v.vault.Wipe()
	}
	if v.key != cur.key {
		v.key.Wipe()
	}
}

// adopt makes a committed view the current one.
func (v *vaultView) adopt(next *vaultView) {
	if v.head != nil {
		v.head.Wipe()
	}
	if v.vault != nil && v.vault != next.vault {
		v.vault.Wipe()
	}
	if v.key != nil && v.key != next.key {
		v.key.Wipe()
	}
	*v = *next
}

// build makes the request for a change: the secrets to store and delete, and the next head
// over the resulting set, signed. It returns the view the vault will have once stored.
func (v *vaultView) build(c change) (map[string]any, *vaultView, error) {
	next := &vaultView{m: v.m, id: v.id, trusted: v.trusted, key: v.key, vault: v.vault,
		values: map[string]string{}, indexes: map[string][]byte{}, sealed: map[string][]byte{}}
	for n, val := range v.values {
		next.values[n] = val
	}
	for n, val := range c.set {
		if err := checkName(n); err != nil {
			return nil, nil, err
		}
		next.values[n] = val
	}
	for _, n := range c.remove {
		delete(next.values, n)
	}
	epoch, keyID := v.head.Epoch(), v.head.VaultKeyID()
	if c.rotate != nil {
		epoch++
		vault, err := cloak.NewVault(c.rotate, epoch, v.id)
		if err != nil {
			return nil, nil, err
		}
		next.key, next.vault, keyID = c.rotate, vault, c.rotate.ID()
	}
	// Seal what changed (everything, after a rotation) and the list of names.
	var secrets []map[string]any
	seal := func(name string, value []byte) error {
		idx, sealed, err := sealEntry(next.vault, name, value)
		if err != nil {
			return err
		}
		next.indexes[name], next.sealed[string(idx)] = idx, sealed
		secrets = append(secrets, map[string]any{"index": fmt.Sprintf("%x", idx), "secret": sealed})
		return nil
	}
	names := next.names()
	if len(names) > 0 {
		if err := seal(namesEntry, namesText(names)); err != nil {
			return nil, nil, err
		}
	}
	for _, n := range names {
		if _, changed := c.set[n]; changed || c.rotate != nil {
			if err := seal(n, []byte(next.values[n])); err != nil {
				return nil, nil, err
			}
			continue
		}
		// Unchanged: the stored blob stays under its index, and its leaf in the tree.
		idx := v.indexes[n]
		next.indexes[n], next.sealed[string(idx)] = idx, v.sealed[string(idx)]
	}
	// What the old head held and the new one does not (or holds under a new index) goes.
	var deleted []string
	for n, idx := range v.indexes {
		if nidx, ok := next.indexes[n]; !ok || string(nidx) != string(idx) {
			deleted = append(deleted, fmt.Sprintf("%x", idx))
		}
	}
	root, count, err := treeOf(next.sealed)
	if err != nil {
		return nil, nil, err
	}
	policy := v.head.Policy()
	if c.policy != nil {
		policy = *c.policy
	}
	roster := rosterOf(v.head)
	if c.roster != nil {
		roster = slices.Clone(c.roster)
	}
	cloak.SortRoster(roster)
	blob, err := cloak.CreateHead(v.id, epoch, keyID, v.head.Version()+1, v.head.Hash(), time.Now().Add(headLifetime),
		root, count, policy, roster, v.m.identity)
	if err != nil {
		return nil, nil, err
	}
	head, err := v.head.VerifyNext(blob) // what every reader will check, checked before sending
	if err != nil {
		return nil, nil, fmt.Errorf("the head this change makes: %w", err)
	}
	next.head = head
	body := map[string]any{"head": blob}
	var shares []map[string]any
	for _, r := range c.shares {
		// Sealed against the new head's roster and epoch, checked by the library.
		share, err := head.SealShare(next.key, r.id, r.key, v.m.identity)
		if err != nil {
			head.Wipe()
			return nil, nil, fmt.Errorf("a share for %s: %w", r.login, err)
		}
		shares = append(shares, map[string]any{"login": r.login, "share": share})
	}
	if len(shares) > 0 {
		body["shares"] = shares
	}
	if len(secrets) > 0 {
		body["secrets"] = secrets
	}
	if len(deleted) > 0 {
		slices.Sort(deleted)
		body["deleted"] = deleted
	}
	return body, next, nil
}

// rosterOf is the roster of a verified head, as its entries. The library verified the head; this
// only reads the roster where protocol.md section 10.1 puts it: after the 20-byte envelope header,
// the version (8), previous hash (32), epoch (4), the vault id with its length byte, expiry (8),
// Merkle root (32), leaf count (4) and policy (1) comes the entry count (2), then the entries.
func rosterOf(h *cloak.Head) []cloak.RosterEntry {
	blob := h.Bytes()
	at := 20 + 8 + 32 + 4 + 1 + int(blob[64]) + 8 + 32 + 4 + 1
	n := int(blob[at])<<8 | int(blob[at+1])
	out := make([]cloak.RosterEntry, n)
	for i := range out {
		copy(out[i][:], blob[at+2+i*cloak.RosterEntryBytes:])
	}
	return out
}

func hexIndex(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != cloak.BlindIndexBytes {
		return nil, errors.New("the server sent a blind index that is not 32 bytes of hex")
	}
	return b, nil
}

func jsonInto(raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("the server's answer is not the expected JSON: %w", err)
	}
	return nil
}

// checkName refuses a name the list of names could not hold: empty, over the library's label
// limit, with a newline (the list's separator), or the list's own entry.
func checkName(name string) error {
	switch {
	case name == "" || len(name) > cloak.LabelBytesMax:
		return fmt.Errorf("a secret name is 1 to %d bytes", cloak.LabelBytesMax)
	case strings.ContainsRune(name, '\n'):
		return errors.New("a secret name cannot hold a newline")
	case name == namesEntry:
		return fmt.Errorf("%s is the list of names, not a secret name", namesEntry)
	}
	return nil
}
