package main

// PostgreSQL through pgx, for deployments that run several server instances on one database.
// Transactions are READ COMMITTED; the head's compare-and-swap locks the vault's row (FOR UPDATE),
// so concurrent writers of one vault queue and the losers see the winner's head.

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib"
)

func openPostgres(ctx context.Context, dsn string) (*sqlStore, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(16)
	s := &sqlStore{writer: db, reader: db, dialect: dialect{name: "postgres", forUpdate: " FOR UPDATE",
		// An arbitrary constant naming this server's migration lock.
		lockMigrations: "SELECT pg_advisory_xact_lock(7243100118)"}}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return s, nil
}
