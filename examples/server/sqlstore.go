package main

// The SQL both backends run. Queries use $1-style parameters, which PostgreSQL and SQLite both
// read; what differs (locking a row, opening, migrating) comes from the backend's dialect.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFiles embed.FS

type dialect struct {
	name      string
	forUpdate string // appended to a SELECT that must lock its row until the transaction ends
	// lockMigrations serialises servers that start at once on one database.
	lockMigrations string
}

type sqlStore struct {
	writer  *sql.DB
	reader  *sql.DB
	dialect dialect
}

func (s *sqlStore) Close() error {
	err := s.writer.Close()
	if s.reader != s.writer {
		if err2 := s.reader.Close(); err == nil {
			err = err2
		}
	}
	return err
}

func (s *sqlStore) run(ctx context.Context, db *sql.DB, readOnly bool, fn func(Tx) error) error {
	opts := &sql.TxOptions{}
	if readOnly && s.dialect.name == "postgres" {
		// One snapshot for the whole read (READ COMMITTED takes one per statement): a head and
		// the secrets listed with it are of one version. SQLite's read transactions are
		// snapshots already (WAL).
		opts = &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	}
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	if err := fn(&sqlTx{tx: tx, d: s.dialect}); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (s *sqlStore) Update(ctx context.Context, fn func(Tx) error) error {
	return s.run(ctx, s.writer, false, fn)
}
func (s *sqlStore) View(ctx context.Context, fn func(Tx) error) error {
	return s.run(ctx, s.reader, true, fn)
}

// migrate applies, in one transaction, every migration of the backend not yet applied, in order of
// their version numbers (the file names' prefixes).
func (s *sqlStore) migrate(ctx context.Context) error {
	dir := "migrations/" + s.dialect.name
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return err
	}
	type migration struct {
		version int
		sql     string
	}
	var list []migration
	for _, e := range entries {
		prefix, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(prefix)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return fmt.Errorf("migration %s: name must be NNNN_what.sql", e.Name())
		}
		text, err := migrationFiles.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return err
		}
		list = append(list, migration{v, string(text)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })

	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if s.dialect.lockMigrations != "" {
		if _, err := tx.ExecContext(ctx, s.dialect.lockMigrations); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)"); err != nil {
		return err
	}
	var current int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return err
	}
	for _, m := range list {
		if m.version <= current {
			continue
		}
		for _, stmt := range splitStatements(m.sql) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migration %d: %w", m.version, err)
			}
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", m.version); err != nil {
			return err
		}
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO settings (name, value) VALUES ('server_key', $1) ON CONFLICT DO NOTHING", key); err != nil {
		return err
	}
	return tx.Commit()
}

// splitStatements cuts a migration at the semicolons that end lines, dropping comment lines.
func splitStatements(text string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(t, ";") {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, cur.String())
	}
	return out
}

type sqlTx struct {
	tx *sql.Tx
	d  dialect
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// affected turns an INSERT ... ON CONFLICT DO NOTHING that inserted nothing into ErrConflict.
func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrConflict
	}
	return nil
}

func (t *sqlTx) ServerKey() ([]byte, error) {
	var key []byte
	err := t.tx.QueryRow("SELECT value FROM settings WHERE name = 'server_key'").Scan(&key)
	return key, notFound(err)
}

func (t *sqlTx) CreateAccount(a Account) error {
	return affected(t.tx.Exec(`INSERT INTO accounts (login, record, verifier_salt, verifier, bundle, identity, enc_key_id,
		wrapped_identity, wrapped_encryption) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
		a.Login, a.Record, a.VerifierSalt, a.Verifier, a.Bundle, a.Identity, a.EncKeyID, a.WrappedIdentity, a.WrappedEncryption))
}

func (t *sqlTx) Account(login string) (Account, error) {
	a := Account{Login: login}
	err := t.tx.QueryRow(`SELECT record, verifier_salt, verifier, bundle, identity, enc_key_id, wrapped_identity,
		wrapped_encryption FROM accounts WHERE login = $1`, login).Scan(&a.Record, &a.VerifierSalt, &a.Verifier,
		&a.Bundle, &a.Identity, &a.EncKeyID, &a.WrappedIdentity, &a.WrappedEncryption)
	return a, notFound(err)
}

func (t *sqlTx) ReplaceCredentials(a Account) error {
	res, err := t.tx.Exec(`UPDATE accounts SET record = $1, verifier_salt = $2, verifier = $3, wrapped_identity = $4,
		wrapped_encryption = $5 WHERE login = $6`, a.Record, a.VerifierSalt, a.Verifier, a.WrappedIdentity, a.WrappedEncryption, a.Login)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = ErrNotFound
		}
		return err
	}
	return nil
}

func (t *sqlTx) DeleteSessionsOf(login string) error {
	_, err := t.tx.Exec("DELETE FROM sessions WHERE login = $1", login)
	return err
}

func (t *sqlTx) CreateSession(hash []byte, login string, expires int64) error {
	return affected(t.tx.Exec("INSERT INTO sessions (token_hash, login, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
		hash, login, expires))
}

func (t *sqlTx) Session(hash []byte) (string, int64, error) {
	var login string
	var expires int64
	err := t.tx.QueryRow("SELECT login, expires_at FROM sessions WHERE token_hash = $1", hash).Scan(&login, &expires)
	return login, expires, notFound(err)
}

func (t *sqlTx) DeleteSession(hash []byte) error {
	_, err := t.tx.Exec("DELETE FROM sessions WHERE token_hash = $1", hash)
	return err
}

func (t *sqlTx) DeleteExpiredSessions(now int64) error {
	_, err := t.tx.Exec("DELETE FROM sessions WHERE expires_at <= $1", now)
	return err
}

func (t *sqlTx) CreateVault(vaultID []byte, creator string, head []byte) error {
	if err := affected(t.tx.Exec("INSERT INTO vaults (vault_id, head_version, created_by) VALUES ($1, 1, $2) ON CONFLICT DO NOTHING",
		vaultID, creator)); err != nil {
		return err
	}
	_, err := t.tx.Exec("INSERT INTO heads (vault_id, version, head) VALUES ($1, 1, $2)", vaultID, head)
	return err
}

func (t *sqlTx) headAt(vaultID []byte, lock string) ([]byte, error) {
	var version int64
	if err := t.tx.QueryRow("SELECT head_version FROM vaults WHERE vault_id = $1"+lock, vaultID).Scan(&version); err != nil {
		return nil, notFound(err)
	}
	return t.Head(vaultID, uint64(version))
}

func (t *sqlTx) LockHead(vaultID []byte) ([]byte, error)    { return t.headAt(vaultID, t.d.forUpdate) }
func (t *sqlTx) CurrentHead(vaultID []byte) ([]byte, error) { return t.headAt(vaultID, "") }

func (t *sqlTx) Head(vaultID []byte, version uint64) ([]byte, error) {
	if version > 1<<62 {
		return nil, ErrNotFound
	}
	var head []byte
	err := t.tx.QueryRow("SELECT head FROM heads WHERE vault_id = $1 AND version = $2", vaultID, int64(version)).Scan(&head)
	return head, notFound(err)
}

func (t *sqlTx) AdvanceHead(vaultID []byte, from uint64, head []byte) error {
	if err := affected(t.tx.Exec("UPDATE vaults SET head_version = $1 WHERE vault_id = $2 AND head_version = $3",
		int64(from+1), vaultID, int64(from))); err != nil {
		return err
	}
	_, err := t.tx.Exec("INSERT INTO heads (vault_id, version, head) VALUES ($1, $2, $3)", vaultID, int64(from+1), head)
	return err
}

func (t *sqlTx) PutShare(vaultID []byte, login string, s Share) error {
	_, err := t.tx.Exec(`INSERT INTO shares (vault_id, login, epoch, share) VALUES ($1, $2, $3, $4)
		ON CONFLICT (vault_id, login, epoch) DO UPDATE SET share = excluded.share`, vaultID, login, int64(s.Epoch), s.Share)
	return err
}

func (t *sqlTx) Shares(vaultID []byte, login string) ([]Share, error) {
	rows, err := t.tx.Query("SELECT epoch, share FROM shares WHERE vault_id = $1 AND login = $2 ORDER BY epoch", vaultID, login)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Share
	for rows.Next() {
		var s Share
		var epoch int64
		if err := rows.Scan(&epoch, &s.Share); err != nil {
			return nil, err
		}
		s.Epoch = uint32(epoch)
		out = append(out, s)
	}
	return out, rows.Err()
}

func (t *sqlTx) HasShare(vaultID []byte, login string) (bool, error) {
	var n int64
	err := t.tx.QueryRow("SELECT COUNT(*) FROM shares WHERE vault_id = $1 AND login = $2", vaultID, login).Scan(&n)
	return n > 0, err
}

func (t *sqlTx) DeleteShares(vaultID []byte, login string) (int64, error) {
	res, err := t.tx.Exec("DELETE FROM shares WHERE vault_id = $1 AND login = $2", vaultID, login)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t *sqlTx) MemberVaults(login string) ([][]byte, error) {
	rows, err := t.tx.Query("SELECT DISTINCT vault_id FROM shares WHERE login = $1 ORDER BY vault_id", login)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var id []byte
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func (t *sqlTx) PutSecret(vaultID, index, secret []byte) error {
	_, err := t.tx.Exec(`INSERT INTO secrets (vault_id, blind_index, secret) VALUES ($1, $2, $3)
		ON CONFLICT (vault_id, blind_index) DO UPDATE SET secret = excluded.secret`, vaultID, index, secret)
	return err
}

func (t *sqlTx) Secret(vaultID, index []byte) ([]byte, error) {
	var secret []byte
	err := t.tx.QueryRow("SELECT secret FROM secrets WHERE vault_id = $1 AND blind_index = $2", vaultID, index).Scan(&secret)
	return secret, notFound(err)
}

func (t *sqlTx) Secrets(vaultID []byte) ([]SecretRow, error) {
	rows, err := t.tx.Query("SELECT blind_index, secret FROM secrets WHERE vault_id = $1 ORDER BY blind_index", vaultID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SecretRow
	for rows.Next() {
		var r SecretRow
		if err := rows.Scan(&r.Index, &r.Secret); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (t *sqlTx) DeleteSecret(vaultID, index []byte) (bool, error) {
	res, err := t.tx.Exec("DELETE FROM secrets WHERE vault_id = $1 AND blind_index = $2", vaultID, index)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func (t *sqlTx) CreateServiceAccount(sa ServiceAccount) error {
	return affected(t.tx.Exec("INSERT INTO service_accounts (key_id, public_key, binding, verifier) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
		sa.KeyID, sa.PublicKey, sa.Binding, sa.Verifier))
}

func (t *sqlTx) ServiceAccount(keyID []byte) (ServiceAccount, error) {
	sa := ServiceAccount{KeyID: keyID}
	err := t.tx.QueryRow("SELECT public_key, binding, verifier FROM service_accounts WHERE key_id = $1", keyID).Scan(
		&sa.PublicKey, &sa.Binding, &sa.Verifier)
	return sa, notFound(err)
}

func (t *sqlTx) LinkServiceAccount(vaultID, keyID []byte) error {
	_, err := t.tx.Exec("INSERT INTO vault_service_accounts (vault_id, key_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", vaultID, keyID)
	return err
}

func (t *sqlTx) ServiceAccountLinked(vaultID, keyID []byte) (bool, error) {
	var n int64
	err := t.tx.QueryRow("SELECT COUNT(*) FROM vault_service_accounts WHERE vault_id = $1 AND key_id = $2", vaultID, keyID).Scan(&n)
	return n > 0, err
}

func (t *sqlTx) UnlinkServiceAccount(vaultID, keyID []byte) (bool, error) {
	if _, err := t.tx.Exec("DELETE FROM batches WHERE vault_id = $1 AND key_id = $2", vaultID, keyID); err != nil {
		return false, err
	}
	res, err := t.tx.Exec("DELETE FROM vault_service_accounts WHERE vault_id = $1 AND key_id = $2", vaultID, keyID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Items are kept in one column as u32 length || item, in index order: one row per batch, written
// and replaced in one statement.
func (t *sqlTx) PutBatch(b Batch) error {
	var items []byte
	for _, it := range b.Items {
		items = binary.BigEndian.AppendUint32(items, uint32(len(it)))
		items = append(items, it...)
	}
	_, err := t.tx.Exec(`INSERT INTO batches (vault_id, key_id, head_version, batch, items) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (vault_id, key_id) DO UPDATE SET head_version = excluded.head_version, batch = excluded.batch,
		items = excluded.items`, b.VaultID, b.KeyID, int64(b.HeadVersion), b.Batch, items)
	return err
}

func (t *sqlTx) Batch(vaultID, keyID []byte) (Batch, error) {
	b := Batch{VaultID: vaultID, KeyID: keyID}
	var version int64
	var items []byte
	err := t.tx.QueryRow("SELECT head_version, batch, items FROM batches WHERE vault_id = $1 AND key_id = $2", vaultID, keyID).Scan(
		&version, &b.Batch, &items)
	if err != nil {
		return b, notFound(err)
	}
	b.HeadVersion = uint64(version)
	for len(items) > 0 {
		if len(items) < 4 || int(binary.BigEndian.Uint32(items)) > len(items)-4 {
			return b, errors.New("stored batch items are damaged")
		}
		n := int(binary.BigEndian.Uint32(items))
		b.Items = append(b.Items, items[4:4+n])
		items = items[4+n:]
	}
	return b, nil
}

func (t *sqlTx) Failures(counter []byte) (int64, int, error) {
	var start int64
	var failures int
	err := t.tx.QueryRow("SELECT window_start, failures FROM login_failures WHERE counter = $1", counter).Scan(&start, &failures)
	return start, failures, notFound(err)
}

func (t *sqlTx) AddFailure(counter []byte, now, windowFloor int64) error {
	// SET reads the row as it was: both CASEs see the old window start.
	_, err := t.tx.Exec(`INSERT INTO login_failures (counter, window_start, failures) VALUES ($1, $2, 1)
		ON CONFLICT (counter) DO UPDATE SET
		failures = CASE WHEN login_failures.window_start <= $3 THEN 1 ELSE login_failures.failures + 1 END,
		window_start = CASE WHEN login_failures.window_start <= $3 THEN $2 ELSE login_failures.window_start END`,
		counter, now, windowFloor)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec("DELETE FROM login_failures WHERE window_start <= $1", windowFloor)
	return err
}
