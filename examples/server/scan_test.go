package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestDatabaseScan plays a whole story, then reads every row of every table (and, for SQLite,
// every byte of the database files, where deleted rows may linger) looking for what the server
// must never keep: the login keys and service-account credentials it is sent, the session tokens
// it hands out, and what only clients hold (passwords, private keys, the vault key, secret values).
// A planted marker at the end shows that the scan finds what is there.
func TestDatabaseScan(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b, nil)
			markers := map[string][]byte{}
			alice, bob := newMember("alice"), newMember("bob")
			for _, m := range []*member{alice, bob} {
				e.register(m)
				markers[m.login+" login key"] = m.loginKey
				markers[m.login+" identity seed"] = m.identity.Seed()
				markers[m.login+" token"] = []byte(m.token)
				raw, _ := base64.RawURLEncoding.DecodeString(m.token)
				markers[m.login+" token bytes"] = raw
			}
			markers["alice password"] = []byte("correct horse battery staple, alice")
			vaultKey := randBytes(32)
			markers["vault key"] = vaultKey
			sa := newServiceAcct()
			markers["service-account credential"] = sa.credential

			v := e.createVault(alice, "story", memberEntry(bob, permWrite), sa.entry())
			e.must(204, "PUT", vaultPath(v.id)+"/shares/bob", alice, map[string]any{"share": b64(bob.share(alice, 1))})
			values := []string{"postgres://app:s3cr3t-db-password@db/prod", "AKIA-EXAMPLE-ACCESS-KEY-0123456789"}
			for i, val := range values {
				markers[fmt.Sprintf("secret value %d", i)] = []byte(val)
				idx := randBytes(32)
				e.must(204, "PUT", vaultPath(v.id)+"/secrets/"+hex.EncodeToString(idx), bob,
					map[string]any{"secret": b64(sealWithGCM(vaultKey, v.spec.keyID, []byte(val)))})
				e.advanceHead(v, bob, nil)
			}
			e.must(201, "POST", vaultPath(v.id)+"/service-accounts", alice,
				map[string]any{"public_key": b64(sa.blob()), "verifier": hex.EncodeToString(sa.verifier())})
			batch, items := sa.batch(bob, v.id, v.spec.version, 2)
			e.must(204, "PUT", vaultPath(v.id)+"/service-accounts/"+hex.EncodeToString(sa.keyID())+"/batch", bob, batchBody(batch, items))
			e.must(200, "GET", "/v1/service-accounts/self/batches/"+pathEscape(v.id), sa.authorization(), nil)
			e.must(204, "DELETE", "/v1/sessions/current", bob, nil)

			store := e.store.(*sqlStore)
			if hits := scanStore(t, store, markers); len(hits) != 0 {
				t.Fatalf("the database holds: %v", hits)
			}
			// The control: a secret whose bytes hold a marker must be found.
			planted := sealedSecret(v.spec.keyID, 1)
			copy(planted[48:], sa.credential)
			e.must(204, "PUT", vaultPath(v.id)+"/secrets/"+hex.EncodeToString(randBytes(32)), alice, map[string]any{"secret": b64(planted)})
			if hits := scanStore(t, store, markers); len(hits) == 0 {
				t.Fatal("the scan missed a planted marker: it cannot be trusted")
			}
		})
	}
}

// sealWithGCM stands in for libcloak's sealing: a secret blob whose body is the value encrypted
// under the vault key, with the layout of protocol.md section 7.1.
func sealWithGCM(key, keyID, value []byte) []byte {
	blob := binary.BigEndian.AppendUint32(hdr(typeSecret, 1, keyID), 1)
	nonce := randBytes(24)
	blob = append(blob, nonce...)
	plain := binary.BigEndian.AppendUint32(nil, uint32(len(value)))
	plain = append(plain, value...)
	plain = append(plain, make([]byte, pad(len(plain))-len(plain))...)
	block, _ := aes.NewCipher(key)
	gcm, _ := cipher.NewGCM(block)
	return gcm.Seal(blob, nonce[:12], plain, blob[:24])
}

// scanStore returns the markers found in any row, in any of the encodings a careless server
// might use (raw, hex, base64), and for SQLite in the database files themselves.
func scanStore(t *testing.T, s *sqlStore, markers map[string][]byte) []string {
	t.Helper()
	var corpus [][]byte
	q := "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
	if s.dialect.name == "sqlite" {
		q = "SELECT name FROM sqlite_master WHERE type = 'table'"
	}
	tables := queryStrings(t, s.writer, q)
	if len(tables) < 10 {
		t.Fatalf("only %d tables found: %v", len(tables), tables)
	}
	for _, table := range tables {
		rows, err := s.writer.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				switch x := v.(type) {
				case []byte:
					corpus = append(corpus, x)
				case string:
					corpus = append(corpus, []byte(x))
				default:
					corpus = append(corpus, []byte(fmt.Sprint(x)))
				}
			}
		}
		rows.Close()
	}
	if s.dialect.name == "sqlite" {
		var path string
		if err := s.writer.QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(path + "*")
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			corpus = append(corpus, data)
		}
	}
	var hits []string
	for name, m := range markers {
		forms := [][]byte{m, []byte(hex.EncodeToString(m)), []byte(base64.StdEncoding.EncodeToString(m)),
			[]byte(base64.RawURLEncoding.EncodeToString(m))}
		for _, c := range corpus {
			for _, f := range forms {
				if bytes.Contains(c, f) {
					hits = append(hits, name)
				}
			}
		}
	}
	return hits
}

func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}
