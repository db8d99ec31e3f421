package cloak_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"

	"libcloak.dev/cloak"
)

// The story libcloak serves: Alice registers, creates a vault, shares it with Bob, and re-encrypts
// it for a CI service account, which reads it with only its own key and Alice's identity.
func Example() {
	// Registration: the server stores the record, the bundle and the wrapped keys.
	record, err := cloak.NewPasswordRecord(cloak.PasswordParams{MemoryKiB: 16384, Iterations: 1, Parallelism: 1})
	if err != nil {
		log.Fatal(err)
	}
	master, login, err := cloak.DerivePassword([]byte("correct horse battery staple"), record)
	if err != nil {
		log.Fatal(err)
	}
	defer master.Wipe()
	defer login.Wipe() // login.SecretBytes() goes to the server as proof of the password
	alice, _ := cloak.GenerateIdentityKey()
	aliceEnc, _ := cloak.GenerateEncryptionKey()
	wrappedIdentity, _ := alice.Wrap(master)
	_, _ = aliceEnc.Wrap(master)

	// Bob registers too; Alice checks his bundle and, out of band, his fingerprint.
	bob, _ := cloak.GenerateIdentityKey()
	bobEnc, _ := cloak.GenerateEncryptionKey()
	bobBundle, _ := bob.Bundle(bobEnc.Public())
	bobID, bobKey, err := cloak.VerifyBundle(bobBundle)
	if err != nil || bobID.Fingerprint() != bob.Public().Fingerprint() {
		log.Fatal("Bob's bundle")
	}

	// A vault, one secret in it, and a share of its key for Bob.
	vaultID := []byte("vault-1")
	vaultKey, _ := cloak.GenerateVaultKey()
	vault, _ := cloak.NewVault(vaultKey, vaultID)
	defer vault.Wipe()
	sealed, _ := vault.Seal([]byte("DATABASE_URL"), []byte("postgres://app:s3cret@db/app"), nil)
	share, _ := cloak.SealShare(vaultKey, vaultID, bobKey, alice)

	// Bob, on his machine: the share must come from Alice, whom he trusts.
	bobVaultKey, err := cloak.OpenShare(share, vaultID, bobEnc, alice.Public())
	if err != nil {
		log.Fatal(err)
	}
	bobVault, _ := cloak.NewVault(bobVaultKey, vaultID)
	value, _ := bobVault.Open([]byte("DATABASE_URL"), sealed, nil)
	fmt.Printf("Bob reads %s\n", value)

	// A service account for CI: Alice re-encrypts the vault for it and signs the batch.
	ci, _ := cloak.GenerateEncryptionKey()
	w, _ := cloak.NewBatchWriter(ci.Public(), vaultID)
	item, _ := w.SealItem([]byte("DATABASE_URL"), value)
	batch, _ := w.Finish(alice)

	// On the CI machine: the account's key (from a CI variable) and Alice's identity.
	exported, _ := ci.ExportServiceAccountPrivate()
	text, _ := cloak.TextEncode(exported)
	blob, _ := cloak.TextDecode(text)
	account, _ := cloak.ImportServiceAccountPrivate(blob)
	reader, err := cloak.VerifyBatch(batch, account, []cloak.IdentityPublicKey{alice.Public()})
	if err != nil {
		log.Fatal(err)
	}
	name, v, _ := reader.OpenItem(item)
	fmt.Printf("CI reads %s=%s\n", name, v)

	// Alice, on a new device: her password gives back her identity.
	master2, _, _ := cloak.DerivePassword([]byte("correct horse battery staple"), record)
	again, _ := cloak.UnwrapIdentityKey(master2, wrappedIdentity)
	fmt.Println("same identity:", again.Public() == alice.Public())
	// Output:
	// Bob reads postgres://app:s3cret@db/app
	// CI reads DATABASE_URL=postgres://app:s3cret@db/app
	// same identity: true
}

// Errors are values: test them with errors.Is against the sentinel of their code.
func ExampleError() {
	key, _ := cloak.GenerateVaultKey()
	vault, _ := cloak.NewVault(key, []byte("vault-1"))
	sealed, _ := vault.Seal([]byte("API_TOKEN"), []byte("tok_123"), nil)

	// Opened under another name: the server swapped two secrets.
	_, err := vault.Open([]byte("SMTP_PASSWORD"), sealed, nil)
	fmt.Println(errors.Is(err, cloak.ErrAuth))

	// Opened with a rotated vault key: this is not tampering, fetch the other key.
	rotated, _ := cloak.GenerateVaultKey()
	newVault, _ := cloak.NewVault(rotated, []byte("vault-1"))
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
	// Output: 95759 28761 85120 65414 05923 96030
}

func ExampleVault_Reseal() {
	oldKey, _ := cloak.GenerateVaultKey()
	oldVault, _ := cloak.NewVault(oldKey, []byte("vault-1"))
	sealed, _ := oldVault.Seal([]byte("API_TOKEN"), []byte("tok_123"), nil)

	// A member left: rotate the vault key, and move every secret to it.
	newKey, _ := cloak.GenerateVaultKey()
	newVault, _ := cloak.NewVault(newKey, []byte("vault-1"))
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
