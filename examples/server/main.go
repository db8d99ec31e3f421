// Command server is libcloak's reference server: it stores the blobs of the protocol
// (docs/protocol.md) and enforces who may fetch and replace what, without holding any key. See
// docs/server.md for the HTTP API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	cfg := DefaultConfig()
	listen := flag.String("listen", "127.0.0.1:8443", "address to listen on (port 0: any free port, printed at start)")
	dbPath := flag.String("sqlite", "cloak-server.db", "SQLite database file (used unless -postgres is given)")
	pg := flag.String("postgres", "", "PostgreSQL connection string (for example postgres:///cloak?host=/run/postgresql)")
	cert := flag.String("tls-cert", "", "TLS certificate chain (PEM); with -tls-key, serve HTTPS")
	key := flag.String("tls-key", "", "TLS private key (PEM)")
	flag.DurationVar(&cfg.TokenTTL, "token-ttl", cfg.TokenTTL, "lifetime of a login's bearer token")
	flag.IntVar(&cfg.AccountFailures, "account-failures", cfg.AccountFailures, "failed logins allowed per account per window")
	flag.IntVar(&cfg.AddressFailures, "address-failures", cfg.AddressFailures, "failed logins allowed per client address per window")
	flag.DurationVar(&cfg.FailureWindow, "failure-window", cfg.FailureWindow, "window of the failed-login limits")
	flag.Parse()
	if (*cert == "") != (*key == "") {
		log.Fatal("give both -tls-cert and -tls-key, or neither")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var store Store
	var err error
	if *pg != "" {
		store, err = openPostgres(ctx, *pg)
	} else {
		store, err = openSQLite(ctx, *dbPath)
	}
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	// Tests and scripts read this line to find the port.
	fmt.Printf("listening on %s://%s\n", scheme, ln.Addr())
	srv := &http.Server{Handler: NewServer(store, cfg), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: time.Minute, WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if *cert != "" {
		err = srv.ServeTLS(ln, *cert, *key)
	} else {
		err = srv.Serve(ln)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
