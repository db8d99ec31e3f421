package main

import (
	"context"
	"sync"
	"testing"
)

// TestMigrations: a second start applies nothing again and keeps the server key; several servers
// starting at once on one database all come up with one schema (PostgreSQL's advisory lock, the
// SQLite writer's immediate transaction).
func TestMigrations(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, open func() (*sqlStore, error)) {
		var wg sync.WaitGroup
		stores := make([]*sqlStore, 4)
		errs := make([]error, 4)
		for i := range stores {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				stores[i], errs[i] = open()
			}(i)
		}
		wg.Wait()
		var keys [][]byte
		for i, s := range stores {
			if errs[i] != nil {
				t.Fatalf("start %d: %v", i, errs[i])
			}
			var n, max int
			if err := s.writer.QueryRow("SELECT COUNT(*), MAX(version) FROM schema_migrations").Scan(&n, &max); err != nil {
				t.Fatal(err)
			}
			if n != 2 || max != 2 {
				t.Fatalf("schema_migrations holds %d rows up to %d, want exactly versions 1 and 2", n, max)
			}
			s.View(ctx, func(tx Tx) error {
				k, err := tx.ServerKey()
				keys = append(keys, k)
				return err
			})
			s.Close()
		}
		for _, k := range keys[1:] {
			if string(k) != string(keys[0]) || len(k) != 32 {
				t.Fatal("the server key differs between starts")
			}
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		path := t.TempDir() + "/m.db"
		check(t, func() (*sqlStore, error) { return openSQLite(ctx, path) })
	})
	for _, b := range backends(t) {
		if b.name == "postgres" {
			t.Run("postgres", func(t *testing.T) {
				dsn := freshPostgres(t)
				check(t, func() (*sqlStore, error) { return openPostgres(ctx, dsn) })
			})
		}
	}
}
