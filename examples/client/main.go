// Command client plays libcloak's whole story against the reference server (examples/server)
// over HTTP(S): registration with an account secret key, sign-in on a new device, a vault with
// signed heads and secrets committed with them, sharing, two writers racing for one head version
// (the loser verifies the winner's head, re-reads, rebases and signs the next one), a CI service
// account registered with its public key and credential verifier and given a batch, and a member
// removed with a rotation to a post-quantum-only epoch. Every key is made and used on the client;
// every request passes a guard that stops the program if a password, kit, private or vault key or
// secret value would reach the server.
//
//	client -server https://127.0.0.1:8443 -ca ca.pem \
//	    -account-key cloak-pubkey-... -account-verifier 64HEX -export DIR
//
// examples/walkthrough.sh --server builds it, starts the server and runs the CI side with the
// `cloak` tool, which fetches the batch from the server.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"libcloak.dev/cloak"
)

func main() {
	base := flag.String("server", "", "the server's base URL (https://HOST:PORT, or http:// on this machine); several, comma-separated, for instances on one database: members are spread over them")
	caFile := flag.String("ca", "", "PEM file of the CA that signed the server's certificate (default: the system's)")
	vaultName := flag.String("vault", "acme-production", "the vault id")
	accountKey := flag.String("account-key", "", "the CI service account's public key (cloak pubkey: cloak-pubkey-...)")
	verifier := flag.String("account-verifier", "", "its credential verifier (cloak credential --verifier)")
	export := flag.String("export", "", "directory to write the identity the CI side trusts (trusted.identity; and bob.identity)")
	scan := flag.String("scan", "", "after the story, search this SQLite database of the server (and its -wal journal) for every secret value, key, password, login key and token")
	flag.Parse()
	if *base == "" || *accountKey == "" || *verifier == "" {
		fmt.Fprintln(os.Stderr, "usage: client -server URL [-ca FILE] -account-key cloak-pubkey-... -account-verifier HEX [-export DIR] [-vault ID]")
		os.Exit(2)
	}
	if err := cloak.Init(); err != nil {
		fatal("libcloak", err)
	}
	g := &guard{}
	defer g.wipe()
	var servers []*server
	for i, u := range strings.Split(*base, ",") {
		srv, err := newServer(u, *caFile, g)
		if err != nil {
			fatal("the server", err)
		}
		if strings.Contains(*base, ",") {
			srv.name = string(rune('A' + i))
		}
		servers = append(servers, srv)
	}
	if len(servers) > 1 {
		logf("\n== The members' clients talk to %d server instances on one database (as behind a load balancer): instance A and instance B, shown as name@A and name@B", len(servers))
	}
	stored, err := story(servers, []byte(*vaultName), *accountKey, *verifier, *export)
	if err != nil {
		g.wipe()
		fatal("the story", err)
	}
	requests, files := g.count()
	logf("\nstory over HTTP complete: %d values the server must never see were searched for in every request", requests)
	if *scan != "" {
		n, err := g.scanFiles([]string{*scan, *scan + "-wal"})
		if err != nil {
			g.wipe()
			fatal("the server's database", err)
		}
		if n == 0 || !filesHold([]string{*scan, *scan + "-wal"}, stored) {
			g.wipe()
			fatal("the server's database", fmt.Errorf("%s: the scan does not find a value the server does store (an identity public key), so it would prove nothing", *scan))
		}
		logf("the server's database files (%s) hold none of %d values: passwords, kits, account secret keys, master and login keys, private keys, vault keys, secret values, bearer tokens", size(n), files)
	}
}

func fatal(what string, err error) {
	fmt.Fprintf(os.Stderr, "FAILED: %s: %v\n", what, err)
	os.Exit(1)
}

func step(format string, args ...any) { logf("\n== "+format, args...) }

// must stops the story at the first failure, naming the step.
func must(what string, err error) {
	if err != nil {
		fatal(what, err)
	}
}

// refusedWith checks that err is the server's refusal with this status.
func refusedWith(err error, status int) bool {
	var e *apiError
	return errors.As(err, &e) && e.status == status
}

// story plays the story and returns a value the server stores as it is (Alice's identity public
// key), for the database scan to show that it does read the stored data.
func story(servers []*server, vaultID []byte, accountKeyText, verifierHex, export string) ([]byte, error) {
	srv := servers[0]
	// Each member talks to one instance (as a load balancer would place them): Alice to the first,
	// Bob to the second, Mallory to the third or the first again.
	instance := map[string]*server{}
	for i, who := range []string{"alice", "bob", "mallory"} {
		instance[who] = servers[i%len(servers)]
	}
	passwords := map[string][]byte{
		"alice":   []byte("correct horse battery staple"),
		"bob":     []byte("Tr0ub4dor&3 but longer"),
		"mallory": []byte("mallory's own password"),
	}
	logins := map[string]string{"alice": "alice@example.com", "bob": "bob@example.com", "mallory": "mallory@example.com"}

	step("1. Alice, Bob (X-Wing keys) and Mallory (an X25519 key) register; each client makes an account secret key (the emergency kit) and every key, and sends a password record, a login key, a signed bundle and wrapped keys")
	kits := map[string]string{}
	suites := map[string]cloak.Suite{"alice": cloak.SuiteXWing, "bob": cloak.SuiteXWing, "mallory": cloak.SuiteX25519}
	for _, who := range []string{"alice", "bob", "mallory"} {
		kit, err := register(instance[who], who, logins[who], passwords[who], suites[who])
		must(who+" registers", err)
		kits[who] = kit
	}
	logf("    Alice's emergency kit: CK1-... (%d characters, shown to her once, never sent)", len(kits["alice"]))

	step("2. Each signs in on a device that holds nothing: the password record from the server (checked against the cost policy), password + kit -> keys, login, wrapped keys opened")
	members := map[string]*member{}
	for _, who := range []string{"alice", "bob", "mallory"} {
		m, err := signIn(instance[who], who, logins[who], passwords[who], kits[who])
		must(who+" signs in", err)
		members[who] = m
		defer m.wipe()
	}
	alice, bob, mallory := members["alice"], members["bob"], members["mallory"]
	// An unknown login gets a record too, the same at each request, so logins reveal nothing.
	probe := &session{srv: servers[len(servers)-1], who: "anyone"}
	var fake1, fake2 struct{ Record []byte }
	must("a record for an unknown login", probe.call("GET", "/v1/accounts/nobody@example.com/password-record", nil, &fake1))
	must("the same again", probe.call("GET", "/v1/accounts/nobody@example.com/password-record", nil, &fake2))
	if string(fake1.Record) != string(fake2.Record) {
		return nil, errors.New("the record for an unknown login changed between requests")
	}
	if err := cloak.CheckPasswordRecord(fake1.Record, nil); err != nil {
		return nil, fmt.Errorf("the record for an unknown login is not one a client would accept: %w", err)
	}
	logf("    an unknown login gets a record shaped like a real one (%d bytes), the same each time", len(fake1.Record))

	step("3. Alice creates the vault %q: vault key of epoch 1, head 1 (her as admin, the Merkle root of two secrets), the secrets and her share, in one request", vaultID)
	first := map[string]string{
		"DATABASE_URL": "postgres://app:s3cret-db-password@db.internal/app",
		"API_TOKEN":    "tok_live_51HxQ2eGv8Wm3s9Kd",
	}
	for _, v := range first {
		srv.guard.forbid("a secret value", []byte(v))
	}
	av, err := createVault(alice, vaultID, first)
	must("creating the vault", err)
	defer av.wipe()

	step("4. Alice adds Bob (write) and Mallory (write): their bundles checked against the fingerprints they told her, head 2 names their current keys and carries a share for each, in one request")
	type known struct {
		id  cloak.IdentityPublicKey
		key cloak.EncryptionPublicKey
	}
	people := map[string]known{}
	for _, who := range []string{"bob", "mallory"} {
		id, key, err := alice.bundleOf(logins[who], members[who].identity.Public().Fingerprint())
		must("Alice reads "+who+"'s bundle", err)
		people[who] = known{id, key}
	}
	_, err = av.commit(func(v *vaultView) (change, error) {
		c := change{roster: rosterOf(v.head)}
		for _, who := range []string{"bob", "mallory"} {
			e, err := cloak.MemberEntry(people[who].id, cloak.PermissionWrite, people[who].key)
			if err != nil {
				return change{}, err
			}
			c.roster = append(c.roster, e)
			c.shares = append(c.shares, recipient{logins[who], people[who].id, people[who].key})
		}
		return c, nil
	})
	must("head 2", err)

	step("5. Bob's client follows the heads from the first one, which it trusts because Alice signed it, opens his share and reads: the list of secrets must be exactly what head %d commits to", av.head.Version())
	trusted := []cloak.IdentityPublicKey{alice.identity.Public()}
	bv, err := openVault(bob, vaultID, trusted)
	must("Bob opens the vault", err)
	defer bv.wipe()
	logf("    Bob reads %d secrets at head %d, epoch %d: %v", len(bv.values), bv.head.Version(), bv.head.Epoch(), bv.names())

	mv, err := openVault(mallory, vaultID, trusted)
	must("Mallory opens the vault", err)
	defer mv.wipe()

	start := av.head.Version()
	step("6. Alice, Bob and Mallory each add a secret at the same moment, all on head %d: one head %d is stored; each other writer gets 409 with the stored head, verifies it, re-reads the secrets (with the version they were stored with), applies its change again and signs the next head, until all three are in", start, start+1)
	writes := []struct {
		v           *vaultView
		name, value string
	}{
		{av, "SMTP_PASSWORD", "smtp-password-7c1d2e9a"},
		{bv, "FEATURE_FLAGS", `{"new_checkout":true}`},
		{mv, "SENTRY_DSN", "https://4f1c@errors.example.com/42"},
	}
	var wg sync.WaitGroup
	lost := make([]int, len(writes))
	errs := make([]error, len(writes))
	for i, w := range writes {
		srv.guard.forbid("a secret value", []byte(w.value))
		wg.Add(1)
		go func() {
			defer wg.Done()
			lost[i], errs[i] = w.v.commit(func(*vaultView) (change, error) {
				return change{set: map[string]string{w.name: w.value}}, nil
			})
		}()
	}
	wg.Wait()
	total := 0
	for i, w := range writes {
		must(w.v.m.name+"'s write", errs[i])
		total += lost[i]
	}
	// Three writers on one head: two lose the first round, and one of them may lose again.
	if total < 2 || total > 3 {
		return nil, fmt.Errorf("three writers on one head: %d lost races, expected 2 or 3", total)
	}
	for _, w := range writes {
		must(w.v.m.name+" catches up", w.v.refresh())
		if w.v.head.Version() != start+3 || len(w.v.values) != 5 || w.v.values[w.name] != w.value {
			return nil, fmt.Errorf("after the race %s's view is at head %d with %d secrets: a write is missing or doubled", w.v.m.name, w.v.head.Version(), len(w.v.values))
		}
	}
	logf("    %d lost races, each rebased; heads %d to %d hold one write each, and all three clients read the same 5 secrets", total, start+1, start+3)

	step("7. The CI service account: its key was made on the CI side (cloak keygen); Alice registers its public key and credential verifier, names it in head %d and gives it a batch", av.head.Version()+1)
	blob, err := cloak.TextDecode(accountKeyText)
	must("the account's public key text", err)
	account, err := cloak.ImportEncryptionPublicKey(blob)
	must("the account's public key", err)
	var reg struct {
		KeyID string `json:"key_id"`
	}
	must("registering the service account", alice.sess.call("POST", vaultPath(vaultID, "/service-accounts"),
		map[string]any{"public_key": blob, "verifier": verifierHex}, &reg))
	// The key id is the public key's (protocol.md section 1.5): the client uses its own, and a
	// server that answers another is not followed into another path.
	keyID := account.ID().String()
	if reg.KeyID != keyID {
		return nil, fmt.Errorf("the server registered the account under key id %q, not its own", reg.KeyID)
	}
	_, err = av.commit(func(v *vaultView) (change, error) {
		e, err := cloak.ServiceAccountEntry(account)
		return change{roster: append(rosterOf(v.head), e)}, err
	})
	must("the head naming the service account", err)
	must("the batch", av.issueBatch(account, keyID))
	logf("    batch of %d items at head %d, epoch %d, sealed to the account's %s key", len(av.values), av.head.Version(), av.head.Epoch(), account.Suite())

	step("8. Alice removes Mallory: head %d drops her from the roster, starts epoch 2 with a new vault key, reseals every secret, makes the vault post-quantum only and carries Alice's and Bob's shares of epoch 2, in one request; then Mallory's shares are deleted and the account gets a new batch", av.head.Version()+1)
	pq := uint32(cloak.VaultPostQuantumOnly)
	mallorysKey := [32]byte(people["mallory"].id)
	_, err = av.commit(func(v *vaultView) (change, error) {
		var roster []cloak.RosterEntry
		for _, e := range rosterOf(v.head) {
			// Every entry of her identity, whatever its permissions or key.
			if kind, key := rosterEntryKey(e); kind == cloak.RosterMember && key == mallorysKey {
				continue
			}
			roster = append(roster, e)
		}
		key, err := cloak.GenerateVaultKey()
		if err != nil {
			return change{}, err
		}
		srv.guard.forbidCopy("the vault key of epoch 2", key.SecretBytes())
		return change{roster: roster, rotate: key, policy: &pq, shares: []recipient{
			{logins["alice"], alice.identity.Public(), alice.enc.Public()},
			{logins["bob"], people["bob"].id, people["bob"].key},
		}}, nil
	})
	must("the rotation", err)
	if _, _, _, err := av.head.RosterFind(cloak.RosterMember, mallorysKey); err == nil {
		return nil, errors.New("Mallory is still in the roster after the rotation")
	}
	must("removing Mallory's access", alice.sess.call("DELETE", vaultPath(vaultID, "/members/"+logins["mallory"]), nil, nil))
	must("the new batch", av.issueBatch(account, keyID))
	must("Bob reads epoch 2", bv.refresh())
	logf("    Bob reads %d secrets at head %d, epoch %d (post-quantum only: %v)", len(bv.values), bv.head.Version(), bv.head.Epoch(), bv.head.PostQuantumOnly())
	var h headJSON
	err = mallory.sess.call("GET", vaultPath(vaultID, "/head"), nil, &h)
	if !refusedWith(err, 404) {
		return nil, fmt.Errorf("Mallory after her removal: %v, expected 404", err)
	}
	logf("    Mallory's client now gets 404 for the vault, like a stranger; what she read before is of epoch 1, and everything since is sealed under epoch 2's key, which she was never given")

	if export != "" {
		// Public keys only: the identity the CI side trusts (Alice's, who signs its batches) and
		// Bob's, which signs none of them.
		for file, id := range map[string]cloak.IdentityPublicKey{"trusted.identity": alice.identity.Public(), "bob.identity": bob.identity.Public()} {
			text, err := cloak.TextEncode(id.Export())
			must("an identity's text form", err)
			must("writing "+file, os.WriteFile(filepath.Join(export, file), []byte(text+"\n"), 0o644))
		}
		logf("\n    the identity the CI side trusts (Alice's) written to %s", filepath.Join(export, "trusted.identity"))
	}
	pub := alice.identity.Public()
	return pub[:], nil
}

// rosterEntryKey is a roster entry's kind and public key (protocol.md section 10.2: kind, then
// at byte 4 the 32-byte key).
func rosterEntryKey(e cloak.RosterEntry) (uint32, [32]byte) {
	return uint32(e[0]), [32]byte(e[4:36])
}

// filesHold tells whether one of the files holds value.
func filesHold(paths []string, value []byte) bool {
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil && bytes.Contains(data, value) {
			return true
		}
	}
	return false
}
