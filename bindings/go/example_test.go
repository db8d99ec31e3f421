package cloak_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"libcloak.dev/cloak"
)

// The story libcloak serves: Alice registers, creates a vault and signs its first head, shares
// the vault key with Bob, rotates it when a member leaves (and makes the vault post-quantum only),
// and re-encrypts the vault for a CI service account, which reads it with only its own key, Alice's
// identity and the vault id. Encryption keys are X-Wing keys (ML-KEM-768 with X25519) unless asked
// otherwise. The server may withhold, but what it serves from the past is refused, and so is an
// older X25519 key of Bob's it serves in place of his current one.
func Example() {
	// Registration: the server stores the record, the bundle and the wrapped keys. The account
	// secret key stays on Alice's devices and in her emergency kit (its text form); the server
	// never sees it, so what it stores is useless for guessing her password.
	accountID := []byte("alice@example.com") // the normalised login Alice types
	// The cheapest costs, to keep the example fast, and so a policy that admits them; a real client
	// uses cloak.DefaultPasswordParams() and passes a nil policy (the library's default, which
	// refuses a record a server made cheaper or slower).
	record, err := cloak.NewPasswordRecord(cloak.PasswordParams{MemoryKiB: 16384, Iterations: 1, Parallelism: 1})
	if err != nil {
		log.Fatal(err)
	}
	policy, _ := cloak.NewPasswordPolicy(cloak.PasswordPolicyBounds{MemoryKiBMin: 16384, CostMin: 16384,
		MemoryKiBMax: 65536, CostMax: 3 * 65536, IterationsMax: 3, ParallelismMax: 4})
	secretKey, _ := cloak.GenerateAccountSecretKey()
	defer secretKey.Wipe()
	kit, _ := secretKey.Encode(accountID) // "CK1-XXXXX-...", printed for Alice
	master, login, err := cloak.DerivePassword([]byte("correct horse battery staple"), accountID, secretKey, record, policy)
	if err != nil {
		log.Fatal(err)
	}
	defer master.Wipe()
	defer login.Wipe() // login.SecretBytes() goes to the server as proof of the password
	alice, _ := cloak.GenerateIdentityKey()
	aliceEnc, _ := cloak.GenerateEncryptionKey() // X-Wing
	wrappedIdentity, _ := alice.Wrap(master)
	_, _ = aliceEnc.Wrap(master)

	// Bob registered long ago with an X25519 key, and has since added an X-Wing key; both bundles
	// are validly signed. Alice checks his current bundle and, out of band, his fingerprint.
	bob, _ := cloak.GenerateIdentityKey()
	bobOld, _ := cloak.GenerateEncryptionKeyOfSuite(cloak.SuiteX25519)
	bobOldBundle, _ := bob.Bundle(bobOld.Public())
	bobEnc, _ := cloak.GenerateEncryptionKey()
	bobBundle, _ := bob.Bundle(bobEnc.Public())
	bobID, bobKey, err := cloak.VerifyBundle(bobBundle)
	if err != nil || bobID.Fingerprint() != bob.Public().Fingerprint() {
		log.Fatal("Bob's bundle")
	}
	fmt.Println("Bob's key:", bobKey.Suite())

	// A vault at epoch 1 and one secret in it; the first head names each member's current key
	// (and the CI account's) and commits to the secrets by a Merkle root, signed by Alice.
	vaultID := []byte("vault-1")
	vaultKey, _ := cloak.GenerateVaultKey()
	vault, _ := cloak.NewVault(vaultKey, 1, vaultID)
	defer vault.Wipe()
	name := []byte("DATABASE_URL")
	sealed, _ := vault.Seal(name, []byte("postgres://app:s3cret@db/app"), nil)
	blindIndex, _ := vault.BlindIndex(name)
	leaf, _ := cloak.NewMerkleLeaf(blindIndex, sealed)
	leaves := []cloak.MerkleLeaf{leaf}
	root, _ := cloak.MerkleRoot(leaves)
	ci, _ := cloak.GenerateEncryptionKey() // a CI service account, made on the CI side
	aliceEntry, _ := cloak.MemberEntry(alice.Public(), cloak.PermissionAdmin|cloak.PermissionWrite, aliceEnc.Public())
	bobEntry, _ := cloak.MemberEntry(bobID, cloak.PermissionWrite, bobKey)
	ciEntry, _ := cloak.ServiceAccountEntry(ci.Public())
	roster := []cloak.RosterEntry{aliceEntry, bobEntry, ciEntry}
	cloak.SortRoster(roster)
	expiry := time.Now().Add(24 * time.Hour)
	head1, _ := cloak.CreateHead(vaultID, 1, vaultKey.ID(), 1, cloak.HeadHash{}, expiry, root, 1, 0, roster, alice)
	aliceHead, _ := cloak.VerifyFirstHead(head1, vaultID, []cloak.IdentityPublicKey{alice.Public()})
	share, err := aliceHead.SealShare(vaultKey, bobID, bobKey, alice) // checked against the roster
	if err != nil {
		log.Fatal(err)
	}

	// Bob, on his machine: the head and the share must come from Alice, whom he trusts.
	head, err := cloak.VerifyFirstHead(head1, vaultID, []cloak.IdentityPublicKey{alice.Public()})
	if err != nil {
		log.Fatal(err)
	}
	bobVaultKey, err := head.OpenShare(share, bob.Public(), bobEnc, alice.Public())
	if err != nil {
		log.Fatal(err)
	}
	bobVault, _ := cloak.NewVault(bobVaultKey, head.Epoch(), vaultID)
	proof, _ := cloak.MerkleProveInclusion(leaves, 0) // served by the server with the secret
	if err := head.VerifyInclusion(leaf, proof); err != nil {
		log.Fatal(err)
	}
	value, _ := bobVault.Open(name, sealed, nil)
	fmt.Printf("Bob reads %s at epoch %d\n", value, head.Epoch())

	// The server serves Alice Bob's old bundle: the head names his X-Wing key, not that one.
	_, oldKey, _ := cloak.VerifyBundle(bobOldBundle)
	_, err = aliceHead.SealShare(vaultKey, bobID, oldKey, alice)
	fmt.Println("share to the older key:", errors.Is(err, cloak.ErrMismatch))

	// A member leaves: Alice rotates to epoch 2 in head 2, reseals the secret, and, every key of
	// the roster being an X-Wing key, makes the vault post-quantum only (a rotation must go with
	// it: the old vault key went to members over whatever suite their keys had).
	newKey, _ := cloak.GenerateVaultKey()
	newVault, _ := cloak.NewVault(newKey, 2, vaultID)
	defer newVault.Wipe()
	resealed, _ := vault.Reseal(newVault, name, sealed, nil)
	newIndex, _ := newVault.BlindIndex(name)
	leaf2, _ := cloak.NewMerkleLeaf(newIndex, resealed)
	root2, _ := cloak.MerkleRoot([]cloak.MerkleLeaf{leaf2})
	head2, _ := cloak.CreateHead(vaultID, 2, newKey.ID(), 2, head.Hash(), expiry, root2, 1,
		cloak.VaultPostQuantumOnly, roster, alice)
	current, err := head.VerifyNext(head2)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("post-quantum only:", current.PostQuantumOnly())
	newShare, _ := current.SealShare(newKey, bobID, bobKey, alice)
	// The server serves Bob the old share again: it is not of the head's epoch.
	_, err = current.OpenShare(share, bob.Public(), bobEnc, alice.Public())
	fmt.Println("old share:", errors.Is(err, cloak.ErrMismatch))
	// ...and the old head: the chain only moves forward.
	_, err = current.VerifyNext(head1)
	fmt.Println("old head:", errors.Is(err, cloak.ErrStale))
	_, _ = current.OpenShare(newShare, bob.Public(), bobEnc, alice.Public())
	// An X25519 key is refused outright now.
	_, err = current.SealShare(newKey, bobID, oldKey, alice)
	fmt.Println("X25519 key in a post-quantum-only vault:", errors.Is(err, cloak.ErrPolicy))

	// Alice re-encrypts the vault for the CI account at head 2 and signs the batch.
	w, _ := current.NewBatchWriter(ci.Public(), alice.Public())
	item, index, digest, _ := w.SealItem(name, value)
	digests := make([]cloak.BatchDigest, index+1)
	digests[index] = digest
	batch, _ := w.Finish(digests, alice)

	// On the CI machine: the account's key (from a CI variable), Alice's identity, the vault's
	// head it verified, and the highest epoch and head version it has seen.
	exported, _ := ci.ExportServiceAccountPrivate()
	text, _ := cloak.TextEncode(exported)
	blob, _ := cloak.TextDecode(text)
	account, _ := cloak.ImportServiceAccountPrivate(blob)
	reader, err := current.VerifyBatch(batch, account, []cloak.IdentityPublicKey{alice.Public()})
	if err != nil {
		log.Fatal(err)
	}
	defer reader.Wipe()
	if err := reader.Check(2, 2, time.Now()); err != nil {
		log.Fatal(err)
	}
	n, v, _ := reader.OpenItem(item)
	fmt.Printf("CI reads %s=%s\n", n, v)
	_, _, err = reader.OpenItem(item)
	fmt.Println("item again:", errors.Is(err, cloak.ErrBadSignature))
	_, err = cloak.VerifyBatch(batch, []byte("vault-2"), account, []cloak.IdentityPublicKey{alice.Public()})
	fmt.Println("as another vault's batch:", errors.Is(err, cloak.ErrMismatch))

	// Alice, on a new device: her password and her emergency kit give back her identity; her
	// password alone opens nothing.
	secretKey2, _ := cloak.DecodeAccountSecretKey(kit, accountID)
	master2, _, _ := cloak.DerivePassword([]byte("correct horse battery staple"), accountID, secretKey2, record, policy)
	again, _ := cloak.UnwrapIdentityKey(master2, wrappedIdentity)
	fmt.Println("same identity:", again.Public() == alice.Public())
	master3, _, _ := cloak.DerivePassword([]byte("correct horse battery staple"), accountID, nil, record, policy)
	_, err = cloak.UnwrapIdentityKey(master3, wrappedIdentity)
	fmt.Println("without the kit:", errors.Is(err, cloak.ErrWrongKey))
	// Output:
	// Bob's key: X-Wing
	// Bob reads postgres://app:s3cret@db/app at epoch 1
	// share to the older key: true
	// post-quantum only: true
	// old share: true
	// old head: true
	// X25519 key in a post-quantum-only vault: true
	// CI reads DATABASE_URL=postgres://app:s3cret@db/app
	// item again: true
	// as another vault's batch: true
	// same identity: true
	// without the kit: true
}

// Errors are values: test them with errors.Is against the sentinel of their code.
func ExampleError() {
	key, _ := cloak.GenerateVaultKey()
	vault, _ := cloak.NewVault(key, 1, []byte("vault-1"))
	sealed, _ := vault.Seal([]byte("API_TOKEN"), []byte("tok_123"), nil)

	// Opened under another name: the server swapped two secrets.
	_, err := vault.Open([]byte("SMTP_PASSWORD"), sealed, nil)
	fmt.Println(errors.Is(err, cloak.ErrAuth))

	// Opened with a rotated vault key: this is not tampering, fetch the other key.
	rotated, _ := cloak.GenerateVaultKey()
	newVault, _ := cloak.NewVault(rotated, 2, []byte("vault-1"))
	_, err = newVault.Open([]byte("API_TOKEN"), sealed, nil)
	fmt.Println(errors.Is(err, cloak.ErrWrongKey))

	var ce *cloak.Error
	if errors.As(err, &ce) {
		fmt.Println(ce.Code, ce.Op)
	}
	// Output:
	// true
	// true
	// -5 secret open
}

func ExampleIdentityPublicKey_Fingerprint() {
	// Alice's identity of docs/protocol-examples.md: the seed is 32 bytes of 0x11.
	alice, _ := cloak.IdentityKeyFromSeed(bytes.Repeat([]byte{0x11}, 32))
	fmt.Println(alice.Public().Fingerprint())
	// Output: 50773 45684 33062 12705 54661 45976
}

func ExampleVault_Reseal() {
	oldKey, _ := cloak.GenerateVaultKey()
	oldVault, _ := cloak.NewVault(oldKey, 1, []byte("vault-1"))
	sealed, _ := oldVault.Seal([]byte("API_TOKEN"), []byte("tok_123"), nil)

	// A member left: rotate the vault key, and move every secret to it.
	newKey, _ := cloak.GenerateVaultKey()
	newVault, _ := cloak.NewVault(newKey, 2, []byte("vault-1"))
	resealed, _ := oldVault.Reseal(newVault, []byte("API_TOKEN"), sealed, nil)
	value, _ := newVault.Open([]byte("API_TOKEN"), resealed, nil)
	fmt.Printf("%s\n", value)
	// Output: tok_123
}

func ExampleHPKESealBase() {
	bob, _ := cloak.GenerateEncryptionKey()
	info, aad := []byte("my application v1"), []byte("header")
	enc, ct, _ := cloak.HPKESealBase(bob.Public(), []byte("hello"), info, aad)
	pt, _ := cloak.HPKEOpenBase(enc, ct, bob, info, aad)
	fmt.Printf("%s\n", pt)
	// Output: hello
}

// An application that wrote 16 MiB, one-pass records raises its floor (here to 16 MiB x 2 passes,
// to keep the example fast; the library's default policy is higher still): each user's old record
// is then refused, so at the next login the client reads it once under an explicit legacy policy
// and moves every wrapped key to the keys of a new record.
func ExampleRewrapKey() {
	accountID, password := []byte("alice@example.com"), []byte("correct horse battery staple")
	secretKey, _ := cloak.GenerateAccountSecretKey()
	oldRecord, _ := cloak.NewPasswordRecord(cloak.PasswordParams{MemoryKiB: 16384, Iterations: 1, Parallelism: 1})
	legacy, _ := cloak.NewPasswordPolicy(cloak.PasswordPolicyBounds{MemoryKiBMin: 16384, CostMin: 16384,
		MemoryKiBMax: 65536, CostMax: 3 * 65536, IterationsMax: 3, ParallelismMax: 4})
	oldMaster, _, _ := cloak.DerivePassword(password, accountID, secretKey, oldRecord, legacy)
	identity, _ := cloak.GenerateIdentityKey()
	wrapped, _ := identity.Wrap(oldMaster)

	// The next login, under the raised policy.
	raised, _ := cloak.NewPasswordPolicy(cloak.PasswordPolicyBounds{MemoryKiBMin: 16384, CostMin: 2 * 16384,
		MemoryKiBMax: 65536, CostMax: 3 * 65536, IterationsMax: 3, ParallelismMax: 4})
	err := cloak.CheckPasswordRecord(oldRecord, raised)
	fmt.Println("old record:", errors.Is(err, cloak.ErrWeakParams))
	newRecord, _ := cloak.NewPasswordRecord(cloak.PasswordParams{MemoryKiB: 16384, Iterations: 2, Parallelism: 1})
	newMaster, _, _ := cloak.DerivePassword(password, accountID, secretKey, newRecord, raised)
	rewrapped, err := cloak.RewrapKey(oldMaster, newMaster, wrapped)
	if err != nil {
		log.Fatal(err)
	}
	// The server stores newRecord, the new login key and rewrapped in place of the old ones.
	again, _ := cloak.UnwrapIdentityKey(newMaster, rewrapped)
	fmt.Println("same identity:", again.Public() == identity.Public())
	// Output:
	// old record: true
	// same identity: true
}

// The emergency kit's text form of an account secret key, and what reading it back refuses.
func ExampleDecodeAccountSecretKey() {
	accountID := []byte("alice@example.com")
	secretKey, _ := cloak.GenerateAccountSecretKey()
	kit, _ := secretKey.Encode(accountID)
	fmt.Println(len(kit), kit[:4])

	typed := strings.ToLower(strings.ReplaceAll(kit, "-", "")) // as a person may type it
	again, _ := cloak.DecodeAccountSecretKey(typed, accountID)
	fmt.Println("same key:", bytes.Equal(again.SecretBytes(), secretKey.SecretBytes()))
	_, err := cloak.DecodeAccountSecretKey(kit, []byte("bob@example.com"))
	fmt.Println("another account:", errors.Is(err, cloak.ErrChecksum))
	// Output:
	// 51 CK1-
	// same key: true
	// another account: true
}
