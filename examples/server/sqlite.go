package main

// SQLite: one file, through modernc.org/sqlite (pure Go, no cgo). One writer connection whose
// transactions start with BEGIN IMMEDIATE, so writers queue instead of failing with "database is
// locked", and a pool of readers that WAL mode lets run beside it.

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "modernc.org/sqlite"
)

func openSQLite(ctx context.Context, path string) (*sqlStore, error) {
	// synchronous(FULL): a commit the server acknowledged survives a crash of the machine too.
	base := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
	writer, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	writer.SetMaxOpenConns(1)
	reader, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		writer.Close()
		return nil, err
	}
	reader.SetMaxOpenConns(8)
	s := &sqlStore{writer: writer, reader: reader, dialect: dialect{name: "sqlite"}}
	// Switching a new file to WAL fails with SQLITE_BUSY, without waiting, when another process
	// does the same at that moment (two servers started at once): retry the first connection.
	for attempt := 0; ; attempt++ {
		err = s.migrate(ctx)
		if err == nil {
			return s, nil
		}
		if attempt == 50 || !strings.Contains(err.Error(), "SQLITE_BUSY") {
			s.Close()
			return nil, fmt.Errorf("sqlite %s: %w", path, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
