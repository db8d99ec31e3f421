package main

// One member's connection to the reference server (docs/server.md): JSON bodies whose byte
// strings travel in standard base64, a bearer token after sign-in, TLS checked against the
// deployment's CA. Every request passes the leak guard first and is logged with its size.

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// server is what every member's client shares: the base URL, the HTTP client and the guard.
type server struct {
	base   string
	name   string // "A", "B", ... when the story talks to several instances; "" for one
	client *http.Client
	guard  *guard
}

func newServer(base, caFile string, g *guard) (*server, error) {
	tr := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no PEM certificate in it", caFile)
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &server{base: strings.TrimRight(base, "/"), client: client, guard: g}, nil
}

// apiError is a refusal: the status and the server's message.
type apiError struct {
	method, path string
	status       int
	message      string
	body         []byte
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.method, e.path, e.status, e.message)
}

// session is one member's view of the server: the token once signed in.
type session struct {
	srv   *server
	who   string
	token string
}

// vaultPath is the path of a vault's resource, the id escaped as one segment.
func vaultPath(vaultID []byte, rest string) string {
	return "/v1/vaults/" + url.PathEscape(string(vaultID)) + rest
}

// call sends body (nil: none) and decodes a 2xx answer into out (nil: ignored). Any other status
// is an *apiError.
func (s *session) call(method, path string, body map[string]any, out any) error {
	// The path is checked first, and a leak in it is not named in the error either.
	if err := s.srv.guard.check("the path of a "+method+" request", []byte(path)); err != nil {
		return err
	}
	var reader io.Reader
	var encoded []byte
	if body != nil {
		var err error
		if encoded, err = json.Marshal(body); err != nil {
			return err
		}
		if err := s.srv.guard.checkBody(method+" "+path, body, encoded); err != nil {
			return err
		}
		reader = bytes.NewReader(encoded)
	}
	req, err := http.NewRequest(method, s.srv.base+path, reader)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := s.srv.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 128<<20))
	if err != nil {
		return err
	}
	sent := ""
	if body != nil {
		sent = fmt.Sprintf(", sent %s", size(len(encoded)))
	}
	who := s.who
	if s.srv.name != "" {
		who += "@" + s.srv.name
	}
	logf("      %-9s %s %s -> %d%s", who, method, path, resp.StatusCode, sent)
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		return &apiError{method: method, path: path, status: resp.StatusCode, message: e.Error, body: raw}
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%s %s: answer is not the expected JSON: %w", method, path, err)
		}
	}
	return nil
}

func size(n int) string {
	if n < 10000 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/1024)
}

func logf(format string, args ...any) { fmt.Printf(format+"\n", args...) }
