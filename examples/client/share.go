package main

// What an admin makes: a vault (its first head, secrets and the creator's share) and batches for
// service accounts, each checked by the library against the head's roster before it is sealed.
// Shares to other members travel with a head (vault.go's change.shares).

import (
	"fmt"
	"time"

	"libcloak.dev/cloak"
)

// issueBatch re-encrypts every secret of the held head for a service account named in its
// roster, signs the batch and stores it with its items in index order.
func (v *vaultView) issueBatch(account cloak.EncryptionPublicKey, keyID string) error {
	w, err := v.head.NewBatchWriter(account, v.m.identity.Public())
	if err != nil {
		return fmt.Errorf("a batch for the service account: %w", err)
	}
	names := v.names()
	items := make([][]byte, len(names))
	digests := make([]cloak.BatchDigest, len(names))
	for _, n := range names {
		item, index, digest, err := w.SealItem([]byte(n), []byte(v.values[n]))
		if err != nil {
			w.Wipe()
			return err
		}
		items[index], digests[index] = item, digest
	}
	batch, err := w.Finish(digests, v.m.identity)
	if err != nil {
		return err
	}
	return v.m.sess.call("PUT", vaultPath(v.id, "/service-accounts/"+keyID+"/batch"),
		map[string]any{"batch": batch, "items": items}, nil)
}

// createVault makes a vault: its key (epoch 1), its secrets and their list of names, the first
// head (the creator its only member, an admin) and the creator's own share, in one request.
func createVault(m *member, id []byte, values map[string]string) (*vaultView, error) {
	for n := range values {
		if err := checkName(n); err != nil {
			return nil, err
		}
	}
	key, err := cloak.GenerateVaultKey()
	if err != nil {
		return nil, err
	}
	m.sess.srv.guard.forbidCopy("the vault key of epoch 1", key.SecretBytes())
	vault, err := cloak.NewVault(key, 1, id)
	if err != nil {
		key.Wipe()
		return nil, err
	}
	v := &vaultView{m: m, id: id, trusted: []cloak.IdentityPublicKey{m.identity.Public()}, key: key, vault: vault,
		values: map[string]string{}, indexes: map[string][]byte{}, sealed: map[string][]byte{}}
	ok := false
	defer func() {
		if !ok {
			v.wipe()
		}
	}()
	var secrets []map[string]any
	seal := func(name string, value []byte) error {
		idx, sealed, err := sealEntry(vault, name, value)
		if err != nil {
			return err
		}
		v.indexes[name], v.sealed[string(idx)] = idx, sealed
		secrets = append(secrets, map[string]any{"index": fmt.Sprintf("%x", idx), "secret": sealed})
		return nil
	}
	for n, val := range values {
		v.values[n] = val
		if err := seal(n, []byte(val)); err != nil {
			return nil, err
		}
	}
	if err := seal(namesEntry, namesText(v.names())); err != nil {
		return nil, err
	}
	root, count, err := treeOf(v.sealed)
	if err != nil {
		return nil, err
	}
	me, err := cloak.MemberEntry(m.identity.Public(), cloak.PermissionAdmin|cloak.PermissionWrite, m.enc.Public())
	if err != nil {
		return nil, err
	}
	blob, err := cloak.CreateHead(id, 1, key.ID(), 1, cloak.HeadHash{}, time.Now().Add(headLifetime), root, count, 0,
		[]cloak.RosterEntry{me}, m.identity)
	if err != nil {
		return nil, err
	}
	if v.head, err = cloak.VerifyFirstHead(blob, id, v.trusted); err != nil {
		return nil, err
	}
	share, err := v.head.SealShare(key, m.identity.Public(), m.enc.Public(), m.identity)
	if err != nil {
		return nil, err
	}
	if err := m.sess.call("POST", "/v1/vaults", map[string]any{"head": blob, "share": share, "secrets": secrets}, nil); err != nil {
		return nil, err
	}
	ok = true
	return v, nil
}

// sealEntry seals a value under its name and returns it with its blind index.
func sealEntry(vault *cloak.Vault, name string, value []byte) (index, sealed []byte, err error) {
	if sealed, err = vault.Seal([]byte(name), value, nil); err != nil {
		return nil, nil, err
	}
	if index, err = vault.BlindIndex([]byte(name)); err != nil {
		return nil, nil, err
	}
	return index, sealed, nil
}

// treeOf is the Merkle root and leaf count over sealed secrets by blind index.
func treeOf(sealed map[string][]byte) (cloak.MerkleHash, uint32, error) {
	leaves := make([]cloak.MerkleLeaf, 0, len(sealed))
	for idx, s := range sealed {
		leaf, err := cloak.NewMerkleLeaf([]byte(idx), s)
		if err != nil {
			return cloak.MerkleHash{}, 0, err
		}
		leaves = append(leaves, leaf)
	}
	cloak.SortMerkleLeaves(leaves)
	root, err := cloak.MerkleRoot(leaves)
	return root, uint32(len(leaves)), err
}

func namesText(names []string) []byte {
	out := []byte{}
	for _, n := range names {
		out = append(append(out, n...), '\n')
	}
	return out
}
