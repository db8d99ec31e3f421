package main

// Test fixtures: blobs with the layouts of docs/protocol.md built from random bytes and real
// Ed25519 signatures (the server checks layouts and signatures, never opens anything), an HTTP
// client, and the two backends. PostgreSQL runs when CLOAK_TEST_PG_HOST names a server
// (tests/server/run.sh starts one); CLOAK_TEST_REQUIRE_PG=1 makes its absence a failure.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/mlkem"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func hdr(typ byte, suite uint16, keyID []byte) []byte {
	h := []byte{0x02, typ, byte(suite >> 8), byte(suite)}
	if keyID == nil {
		keyID = make([]byte, 16)
	}
	return append(h, keyID...)
}

func sign(priv ed25519.PrivateKey, label string, content []byte) []byte {
	pub := priv.Public().(ed25519.PublicKey)
	return ed25519.Sign(priv, labelledMessage(label, pub, content))
}

func passwordRecord() []byte {
	r := hdr(typePassword, 1, nil)
	r = binary.BigEndian.AppendUint32(r, 65536)
	r = binary.BigEndian.AppendUint32(r, 3)
	r = binary.BigEndian.AppendUint32(r, 4)
	return append(r, randBytes(16)...)
}

// member is a test client's account and what only the client knows.
type member struct {
	login    string
	loginKey []byte
	identity ed25519.PrivateKey
	encPub   []byte
	token    string
}

func (m *member) pub() []byte { return m.identity.Public().(ed25519.PublicKey) }

func newMember(login string) *member {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	return &member{login: login, loginKey: randBytes(32), identity: priv, encPub: x25519Key()}
}

func (m *member) bundle() []byte {
	b := append(hdr(typeBundle, 1, publicKeyID(m.pub())), m.pub()...)
	b = append(b, m.encPub...)
	return append(b, sign(m.identity, "libcloak v2 bundle", b)...)
}

func (m *member) encKeyID() []byte { return publicKeyID(m.encPub) }

func wrapped(typ byte) []byte { return append(hdr(typ, 1, randBytes(16)), randBytes(104)...) }

// wrappedFor is a wrapped key whose public key is pub (a nonce and ciphertext of random bytes).
func wrappedFor(typ byte, pub []byte) []byte {
	return append(append(hdr(typ, 1, randBytes(16)), pub...), randBytes(72)...)
}

func (m *member) registration() map[string]any {
	return map[string]any{"login": m.login, "record": b64(passwordRecord()), "login_key": b64(m.loginKey),
		"bundle": b64(m.bundle()), "wrapped_identity": b64(wrappedFor(typeWrappedID, m.pub())),
		"wrapped_encryption": b64(wrappedFor(typeWrappedEnc, m.encPub))}
}

// share makes a share to m of the given epoch (random encapsulation and ciphertext).
func (m *member) share(from *member, epoch uint32) []byte {
	s := append(hdr(typeShare, 1, m.encKeyID()), from.pub()...)
	s = binary.BigEndian.AppendUint32(s, epoch)
	s = append(s, randBytes(32+48)...)
	return append(s, sign(from.identity, "libcloak v2 share", s)...)
}

type entry struct {
	kind, perms byte
	suite       uint16 // 0: suite 1
	key         []byte // identity key or service-account binding
	encKeyID    []byte
}

func memberEntry(m *member, perms byte) entry {
	return entry{kind: kindMember, perms: perms, key: m.pub(), encKeyID: m.encKeyID()}
}

// headSpec is a head's content before signing.
type headSpec struct {
	vault   []byte
	version uint64
	prev    []byte
	epoch   uint32
	keyID   []byte
	root    []byte
	roster  []entry
}

func (h headSpec) sign(by *member) []byte {
	b := hdr(typeHead, 1, h.keyID)
	b = binary.BigEndian.AppendUint64(b, h.version)
	prev := h.prev
	if prev == nil {
		prev = make([]byte, 32)
	}
	b = append(b, prev...)
	b = binary.BigEndian.AppendUint32(b, h.epoch)
	b = append(b, byte(len(h.vault)))
	b = append(b, h.vault...)
	b = binary.BigEndian.AppendUint64(b, uint64(time.Now().Add(time.Hour).Unix()))
	root := h.root
	if root == nil {
		root = randBytes(32)
	}
	b = append(b, root...)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = append(b, 0)
	roster := append([]entry{}, h.roster...)
	sort.Slice(roster, func(i, j int) bool {
		if roster[i].kind != roster[j].kind {
			return roster[i].kind < roster[j].kind
		}
		return bytes.Compare(roster[i].key, roster[j].key) < 0
	})
	b = binary.BigEndian.AppendUint16(b, uint16(len(roster)))
	for _, e := range roster {
		suite := e.suite
		if suite == 0 {
			suite = suiteX25519
		}
		b = append(b, e.kind, e.perms, byte(suite>>8), byte(suite))
		b = append(b, e.key...)
		b = append(b, e.encKeyID...)
	}
	b = append(b, by.pub()...)
	return append(b, sign(by.identity, "libcloak v2 head", b)...)
}

// next is the successor spec of a stored head.
func (h headSpec) next(stored []byte) headSpec {
	n := h
	cur, err := parseHead(stored)
	if err != nil {
		panic("test fixture: stored head does not parse: " + err.Error())
	}
	n.version = cur.version + 1
	n.prev = headHash(stored)
	n.root = nil
	return n
}

func sealedSecret(keyID []byte, epoch uint32) []byte {
	s := binary.BigEndian.AppendUint32(hdr(typeSecret, 1, keyID), epoch)
	return append(s, randBytes(24+64+16)...)
}

// serviceAcct is a test service account: an X25519-sized public key and its credential.
type serviceAcct struct {
	suite      uint16
	pub        []byte
	credential []byte
}

func newServiceAcct() *serviceAcct {
	return &serviceAcct{suite: suiteX25519, pub: x25519Key(), credential: randBytes(32)}
}

// newXWingServiceAcct has a real X-Wing public key (an ML-KEM-768 encapsulation key from the
// standard library, then an X25519 key), which the server's modulus check must accept.
func newXWingServiceAcct() *serviceAcct {
	dk, err := mlkem.GenerateKey768()
	if err != nil {
		panic(err)
	}
	return &serviceAcct{suite: suiteXWing, pub: append(dk.EncapsulationKey().Bytes(), x25519Key()...), credential: randBytes(32)}
}

func (s *serviceAcct) keyID() []byte { return publicKeyID(s.pub) }
func (s *serviceAcct) blob() []byte  { return append(hdr(typePubkey, s.suite, s.keyID()), s.pub...) }
func (s *serviceAcct) entry() entry {
	if s.suite == suiteXWing {
		return entry{kind: kindServiceAccount, suite: suiteXWing, key: keyHash(s.pub), encKeyID: s.keyID()}
	}
	return entry{kind: kindServiceAccount, key: s.pub, encKeyID: s.keyID()}
}
func (s *serviceAcct) verifier() []byte {
	sum := sha256.Sum256(append([]byte(saVerifierText), s.credential...))
	return sum[:]
}
func (s *serviceAcct) authorization() string {
	return "Bearer cloak-sa." + hex.EncodeToString(s.keyID()) + "." + hex.EncodeToString(s.credential)
}

// batch makes a batch of n items for the account, of a vault at a head version, signed by from.
func (s *serviceAcct) batch(from *member, vault []byte, version uint64, n int) ([]byte, [][]byte) {
	batchID := randBytes(16)
	var items [][]byte
	b := append(hdr(typeBatch, s.suite, s.keyID()), batchID...)
	b = append(b, randBytes(encapBytes(s.suite))...)
	b = append(b, from.pub()...)
	b = append(b, byte(len(vault)))
	b = append(b, vault...)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = binary.BigEndian.AppendUint64(b, version)
	b = append(b, randBytes(32)...)
	b = binary.BigEndian.AppendUint64(b, uint64(time.Now().Add(time.Hour).Unix()))
	b = binary.BigEndian.AppendUint32(b, uint32(n))
	for i := 0; i < n; i++ {
		it := append(hdr(typeItem, s.suite, s.keyID()), batchID...)
		it = binary.BigEndian.AppendUint32(it, uint32(i))
		it = append(it, randBytes(64+16)...)
		items = append(items, it)
		sum := sha256.Sum256(it) // stands in for BLAKE2b: the server does not check the manifest
		b = append(b, sum[:]...)
	}
	return append(b, sign(from.identity, "libcloak v2 batch", b)...), items
}

func batchBody(batch []byte, items [][]byte) map[string]any {
	var texts []string
	for _, it := range items {
		texts = append(texts, b64(it))
	}
	return map[string]any{"batch": b64(batch), "items": texts}
}

// backend is one database under test.
type backend struct {
	name string
	open func(t testing.TB) Store
}

func backends(t testing.TB) []backend {
	list := []backend{{"sqlite", func(t testing.TB) Store {
		s, err := openSQLite(context.Background(), t.TempDir()+"/test.db")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}}}
	if os.Getenv("CLOAK_TEST_PG_HOST") != "" {
		list = append(list, backend{"postgres", func(t testing.TB) Store {
			s, err := openPostgres(context.Background(), freshPostgres(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}})
	} else if os.Getenv("CLOAK_TEST_REQUIRE_PG") == "1" {
		t.Fatal("CLOAK_TEST_REQUIRE_PG=1 but CLOAK_TEST_PG_HOST is not set")
	}
	return list
}

var pgCounter struct {
	sync.Mutex
	n int
}

func pgDSN(db string) string {
	return fmt.Sprintf("host=%s port=%s user=%s dbname=%s sslmode=disable", os.Getenv("CLOAK_TEST_PG_HOST"),
		envOr("CLOAK_TEST_PG_PORT", "5432"), envOr("CLOAK_TEST_PG_USER", "postgres"), db)
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

// freshPostgres creates an empty database for one test and drops it after.
func freshPostgres(t testing.TB) string {
	pgCounter.Lock()
	pgCounter.n++
	name := fmt.Sprintf("cloak_test_%d_%d", os.Getpid(), pgCounter.n)
	pgCounter.Unlock()
	admin, err := sql.Open("pgx", pgDSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	return pgDSN(name)
}

// env is one server over one backend, with a clock the test can move.
type env struct {
	t     testing.TB
	store Store
	srv   *httptest.Server
	mu    sync.Mutex
	clock time.Time
	cfg   Config
}

func newEnv(t testing.TB, b backend, tune func(*Config)) *env {
	e := &env{t: t, store: b.open(t), clock: time.Now()}
	e.cfg = DefaultConfig()
	e.cfg.Now = e.now
	e.cfg.Logger = testLogger(t)
	if tune != nil {
		tune(&e.cfg)
	}
	e.srv = httptest.NewServer(NewServer(e.store, e.cfg))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.clock
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.clock = e.clock.Add(d)
	e.mu.Unlock()
}

// response is a status and a body, decoded when it is JSON.
type response struct {
	status int
	raw    []byte
	json   map[string]any
}

func (r response) str(k string) string {
	s, _ := r.json[k].(string)
	return s
}

func (r response) blob(k string) []byte {
	b, _ := base64.StdEncoding.DecodeString(r.str(k))
	return b
}

// call sends body (a map marshalled to JSON, raw bytes, or nil) with an Authorization header
// built from auth: a member's token, a full header value ("Bearer ..."), or nothing.
func (e *env) call(method, path string, auth any, body any) response {
	r, err := doRequest(context.Background(), e.srv.Client(), e.srv.URL+path, method, auth, body)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func doRequest(ctx context.Context, client *http.Client, url, method string, auth any, body any) (response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return response{}, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return response{}, err
	}
	switch a := auth.(type) {
	case *member:
		req.Header.Set("Authorization", "Bearer "+a.token)
	case string:
		req.Header.Set("Authorization", a)
	}
	resp, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	r := response{status: resp.StatusCode, raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.json); err != nil {
			return r, fmt.Errorf("%s %s: response is not JSON: %q", method, url, raw)
		}
	}
	return r, nil
}

// must calls and fails the test unless the status is want.
func (e *env) must(want int, method, path string, auth, body any) response {
	e.t.Helper()
	r := e.call(method, path, auth, body)
	if r.status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.raw)
	}
	return r
}

// refused checks a refusal's status and that it carries a JSON error message.
func (e *env) refused(want int, method, path string, auth, body any) response {
	e.t.Helper()
	r := e.must(want, method, path, auth, body)
	if r.str("error") == "" {
		e.t.Fatalf("%s %s: refusal %d without an error message: %s", method, path, want, r.raw)
	}
	return r
}

func (e *env) register(m *member) {
	e.t.Helper()
	e.must(201, "POST", "/v1/accounts", nil, m.registration())
	e.login(m)
}

func (e *env) login(m *member) {
	e.t.Helper()
	r := e.must(200, "POST", "/v1/sessions", nil, map[string]any{"login": m.login, "login_key": b64(m.loginKey)})
	m.token = r.str("token")
}

func vaultPath(vault []byte) string {
	return "/v1/vaults/" + pathEscape(vault)
}

// pathEscape escapes every byte outside the unreserved set, '/' included.
func pathEscape(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "%%%02X", c)
		}
	}
	return sb.String()
}

// vaultFixture is a vault made by its admin through the API.
type vaultFixture struct {
	id    []byte
	spec  headSpec
	head  []byte // the stored head
	admin *member
}

func (e *env) createVault(admin *member, id string, others ...entry) *vaultFixture {
	e.t.Helper()
	spec := headSpec{vault: []byte(id), version: 1, epoch: 1, keyID: randBytes(16),
		roster: append([]entry{memberEntry(admin, permAdmin|permWrite)}, others...)}
	head := spec.sign(admin)
	e.must(201, "POST", "/v1/vaults", admin, map[string]any{"head": b64(head), "share": b64(admin.share(admin, 1))})
	return &vaultFixture{id: []byte(id), spec: spec, head: head, admin: admin}
}

// advance signs and stores the next head with the given roster (nil: unchanged).
func (e *env) advanceHead(v *vaultFixture, by *member, roster []entry) {
	e.t.Helper()
	next := v.spec.next(v.head)
	if roster != nil {
		next.roster = roster
	}
	head := next.sign(by)
	e.must(200, "PUT", vaultPath(v.id)+"/head", by, map[string]any{"head": b64(head)})
	v.spec, v.head = next, head
}

type logWriter struct{ t testing.TB }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func testLogger(t testing.TB) *log.Logger { return log.New(logWriter{t}, "server: ", 0) }

func httptestServer(t *testing.T, h http.Handler) *httptest.Server {
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// x25519Key is a canonical X25519 public key (random bits, the top one clear): the server checks
// the encoding, not that a private key stands behind it.
func x25519Key() []byte {
	k := randBytes(32)
	k[31] &= 0x7f
	return k
}
