package cloak_test

import (
	"bufio"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"libcloak.dev/cloak"
)

// The worked examples of docs/protocol-examples.md, read from the file itself: what is
// deterministic is recomputed through the binding and compared, what holds a random nonce or
// ephemeral key is opened through the binding.

type examples struct {
	hex  map[string][]byte // "Label" of a "Label (N bytes):" block
	text map[string]string // the "Its text form:" following a block, under that block's label
	doc  string
}

var blockRE = regexp.MustCompile(`^(.*) \((\d+) bytes\):$`)

func loadExamples(t *testing.T) *examples {
	t.Helper()
	data, err := os.ReadFile(repoPath("docs", "protocol-examples.md"))
	must(t, err)
	ex := &examples{hex: map[string][]byte{}, text: map[string]string{}, doc: string(data)}
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	indented := func(i int) (string, int) { // the indented block starting after line i's blank line
		var sb strings.Builder
		j := i + 2
		for ; j < len(lines) && strings.HasPrefix(lines[j], "    "); j++ {
			sb.WriteString(strings.TrimSpace(lines[j]))
		}
		return sb.String(), j
	}
	last := ""
	for i, line := range lines {
		if m := blockRE.FindStringSubmatch(line); m != nil {
			s, _ := indented(i)
			b := unhex(t, s)
			if n, _ := strconv.Atoi(m[2]); n != len(b) {
				t.Fatalf("%q says %s bytes, holds %d", m[1], m[2], len(b))
			}
			ex.hex[m[1]] = b
			last = m[1]
		} else if line == "Its text form:" {
			s, _ := indented(i)
			ex.text[last] = s
		}
	}
	return ex
}

func (ex *examples) get(t *testing.T, label string) []byte {
	t.Helper()
	b, found := ex.hex[label]
	if !found {
		t.Fatalf("docs/protocol-examples.md has no block %q", label)
	}
	return b
}

// quoted checks that the document states the value used here.
func (ex *examples) quoted(t *testing.T, s string) {
	t.Helper()
	if !strings.Contains(ex.doc, s) {
		t.Fatalf("docs/protocol-examples.md does not say %q", s)
	}
}

func TestProtocolExamples(t *testing.T) {
	ex := loadExamples(t)
	checks := 0
	same := func(what string, got, want []byte) { t.Helper(); eq(t, what, got, want); checks++ }

	// Keys.
	alice := ok(cloak.IdentityKeyFromSeed(ex.get(t, "Alice's identity seed (Ed25519)")))
	alicePub := alice.Public()
	same("Alice's identity public key", alicePub[:], ex.get(t, "Alice's identity public key"))
	aliceEnc := ok(cloak.EncryptionKeyFromSeed(ex.get(t, "Alice's encryption seed (DeriveKeyPair input)")))
	same("Alice's encryption private key", aliceEnc.SecretBytes(), ex.get(t, "Alice's encryption private key"))
	aliceEncPub := aliceEnc.Public()
	same("Alice's encryption public key", aliceEncPub[:], ex.get(t, "Alice's encryption public key"))

	// Bob's key pair, used as a service account, is given as a clear export: import it.
	const bobLabel = "A service-account private key in the clear (type 0x0C), Bob's encryption key pair used as one"
	bobBlob := ex.get(t, bobLabel)
	bob := ok(cloak.ImportServiceAccountPrivate(bobBlob))
	same("Bob's encryption private key", bob.SecretBytes(), ex.get(t, "Bob's encryption private key"))
	bobPub := bob.Public()
	same("Bob's encryption public key", bobPub[:], ex.get(t, "Bob's encryption public key"))
	same("Bob's key exported again", ok(bob.ExportServiceAccountPrivate()), bobBlob)
	same("Bob's key from its text form", ok(cloak.TextDecode(ex.text[bobLabel])), bobBlob)
	if text := ok(cloak.TextEncode(bobBlob)); text != ex.text[bobLabel] {
		t.Fatalf("text form of Bob's key: %s", text)
	}

	// Password record and keys.
	ex.quoted(t, "Password: `correct horse battery staple`")
	record := ex.get(t, "Record (m = 16384, t = 1, p = 1, salt 5a...)")
	salt, params, err := cloak.DecodePasswordRecord(record)
	must(t, err)
	if params != (cloak.PasswordParams{MemoryKiB: 16384, Iterations: 1, Parallelism: 1}) {
		t.Fatalf("record parameters %+v", params)
	}
	same("record salt", salt, []byte(strings.Repeat("\x5a", 16)))
	same("record encoded again", ok(cloak.EncodePasswordRecord(salt, params)), record)
	master, login, err := cloak.DerivePassword([]byte("correct horse battery staple"), record)
	must(t, err)
	same("master key", master.SecretBytes(), ex.get(t, "Master key"))
	same("login key", login.SecretBytes(), ex.get(t, "Login key"))
	mid := master.ID()
	same("master key id", mid[:], ex.get(t, "Key id of the master key"))

	// Public key blob, text form.
	blob := ex.get(t, "Alice's identity public key blob")
	same("identity public key blob", alicePub.Export(), blob)
	if got := ok(cloak.ImportIdentityPublicKey(blob)); got != alicePub {
		t.Fatal("import of Alice's identity")
	}
	text := ex.text["Alice's identity public key blob"]
	if got := ok(cloak.TextEncode(blob)); got != text {
		t.Fatalf("text form %s, document %s", got, text)
	}
	same("text form decoded", ok(cloak.TextDecode(text)), blob)
	checks++

	// Bundle and signature (Ed25519 is deterministic).
	bundle := ex.get(t, "Alice's bundle")
	same("bundle", ok(alice.Bundle(aliceEnc.Public())), bundle)
	bi, be, err := cloak.VerifyBundle(bundle)
	must(t, err)
	if bi != alicePub || be != aliceEnc.Public() {
		t.Fatal("bundle keys")
	}
	ex.quoted(t, "Message `hello`, context `example`.")
	sig := ex.get(t, "Signature")
	same("signature", ok(alice.Sign([]byte("hello"), []byte("example"))), sig)
	must(t, alicePub.Verify(sig, []byte("hello"), []byte("example")))

	// Wrapped keys: random nonces, so unwrap them.
	wid := ex.get(t, "Alice's identity key wrapped under her master key (type 0x05)")
	uid := ok(cloak.UnwrapIdentityKey(master, wid))
	if uid.Public() != alicePub {
		t.Fatal("unwrapped identity")
	}
	same("signature by the unwrapped identity", ok(uid.Sign([]byte("hello"), []byte("example"))), sig)
	wenc := ex.get(t, "Alice's encryption key wrapped under her master key (type 0x06)")
	same("unwrapped encryption key", ok(cloak.UnwrapEncryptionKey(master, wenc)).SecretBytes(), aliceEnc.SecretBytes())

	// Secret and blind index.
	ex.quoted(t, "Vault key 77...77, vault id `vault-1`, name `DATABASE_URL`, context `prod`, value `postgres://app:s3cret@db/app`.")
	vk := ok(cloak.VaultKeyFromBytes([]byte(strings.Repeat("\x77", 32))))
	vkid := vk.ID()
	same("vault key id", vkid[:], ex.get(t, "Key id of the vault key"))
	vault := ok(cloak.NewVault(vk, []byte("vault-1")))
	same("secret", ok(vault.Open([]byte("DATABASE_URL"), ex.get(t, "Sealed secret"), []byte("prod"))),
		[]byte("postgres://app:s3cret@db/app"))
	same("blind index", ok(vault.BlindIndex([]byte("DATABASE_URL"))), ex.get(t, "Blind index of `DATABASE_URL`"))

	// Share from Alice to Bob.
	share := ex.get(t, "Share")
	if s := ok(cloak.ShareSender(share)); s != alicePub {
		t.Fatal("share sender")
	}
	same("shared vault key", ok(cloak.OpenShare(share, []byte("vault-1"), bob, alicePub)).SecretBytes(), vk.SecretBytes())

	// Batch of two items to Bob's key used as an account.
	batch := ex.get(t, "Batch (creator Alice)")
	r := ok(cloak.VerifyBatch(batch, bob, []cloak.IdentityPublicKey{alicePub}))
	if r.ItemCount() != 2 || r.Signer() != alicePub {
		t.Fatal("batch reader")
	}
	for i, c := range []struct{ label, name, value string }{
		{"Item 0: `API_TOKEN` = `tok_123`", "API_TOKEN", "tok_123"},
		{"Item 1: `SMTP_USER` = `mailer`", "SMTP_USER", "mailer"},
	} {
		item := ex.get(t, c.label)
		if idx := ok(cloak.BatchItemIndex(item)); idx != uint32(i) {
			t.Fatalf("item %d has index %d", i, idx)
		}
		name, value, err := r.OpenItem(item)
		must(t, err)
		same("item name", name, []byte(c.name))
		same("item value", value, []byte(c.value))
	}

	// Fingerprints.
	fp := alicePub.Fingerprint()
	ex.quoted(t, "Alice's fingerprint: `"+fp+"`")
	checks++
	// The pair code is of Alice's and Bob's identities. The document does not list Bob's identity
	// key, so check what it allows: one half is Alice's fingerprint, the smaller one comes first.
	m := regexp.MustCompile("Pair code of Alice and Bob: `([0-9 ]+)`").FindStringSubmatch(ex.doc)
	if m == nil || len(m[1]) != 71 {
		t.Fatalf("no pair code in the document: %v", m)
	}
	first, second := m[1][:35], m[1][36:]
	if !fingerprintRE.MatchString(first) || !fingerprintRE.MatchString(second) || first > second ||
		(first != fp && second != fp) {
		t.Fatalf("pair code %q: not two ordered fingerprints, one of them Alice's %s", m[1], fp)
	}
	checks++
	t.Logf("%d values of docs/protocol-examples.md checked through the binding", checks)
}
