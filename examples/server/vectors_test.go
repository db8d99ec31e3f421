package main

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
)

// The project's protocol vectors (tests/vectors/libcloak.json), made by an implementation written
// from protocol.md alone: the server's own parsers must agree with them where they check anything.

type vectorCase struct {
	Name      string         `json:"name"`
	Operation string         `json:"operation"`
	Inputs    map[string]any `json:"inputs"`
	Expect    string         `json:"expect"`
	Outputs   map[string]any `json:"outputs"`
}

func loadVectors(t *testing.T, op string) []vectorCase {
	raw, err := os.ReadFile("../../tests/vectors/libcloak.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []vectorCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	var out []vectorCase
	for _, c := range file.Cases {
		if c.Operation == op {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s vectors", op)
	}
	return out
}

func hexInput(t *testing.T, c vectorCase, k string) []byte {
	s, _ := c.Inputs[k].(string)
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("%s: input %s: %v", c.Name, k, err)
	}
	return b
}

// TestVectorsHead: every valid head is accepted and every head the library refuses by its own
// content is refused. Refusals that depend on the reader (the vault it expects, the identities it
// trusts: section 10.5) are not the server's to make.
func TestVectorsHead(t *testing.T) {
	for _, c := range loadVectors(t, "head_verify_first") {
		_, err := parseHead(hexInput(t, c, "blob"))
		readerOnly := c.Expect == "MISMATCH" || c.Expect == "UNTRUSTED_SIGNER"
		switch {
		case c.Expect == "ok" && err != nil:
			t.Errorf("%s: valid head refused: %v", c.Name, err)
		case c.Expect != "ok" && !readerOnly && err == nil:
			t.Errorf("%s: accepted, the library says %s", c.Name, c.Expect)
		case readerOnly && err != nil:
			t.Errorf("%s: refused for its content (%v), the library only for the reader's context", c.Name, err)
		}
	}
}

// TestVectorsBundle: the same for bundles of both suites. The server stores both suites, so the
// one-suite readers' "unsupported suite" for the other suite's bundle is not a refusal here.
func TestVectorsBundle(t *testing.T) {
	for _, op := range []string{"bundle_verify", "bundle_verify_xwing"} {
		for _, c := range loadVectors(t, op) {
			blob := hexInput(t, c, "bundle")
			_, err := parseBundle(blob)
			otherSuite := c.Expect == "UNSUPPORTED_SUITE" && len(blob) >= 4 && blob[0] == 2 && blob[1] == typeBundle &&
				((op == "bundle_verify" && blob[3] == 2 && blob[2] == 0) || (op == "bundle_verify_xwing" && blob[3] == 1 && blob[2] == 0))
			switch {
			case c.Expect == "ok" && err != nil:
				t.Errorf("%s: valid bundle refused: %v", c.Name, err)
			case c.Expect != "ok" && !otherSuite && err == nil:
				t.Errorf("%s: accepted, the library says %s", c.Name, c.Expect)
			}
		}
	}
}

func TestVectorsTextForm(t *testing.T) {
	for _, c := range loadVectors(t, "text_decode") {
		if c.Expect != "ok" {
			continue
		}
		blob, _ := hex.DecodeString(c.Outputs["blob"].(string))
		if got := textForm(blob); got != strings.TrimSpace(c.Inputs["text"].(string)) {
			t.Errorf("%s: text form %q, vector %q", c.Name, got, c.Inputs["text"])
		}
	}
}

// TestVectorsCredentialVerifier: the verifier the server computes from the header a service
// account sends is section 9.4's, as the library's vectors give it.
func TestVectorsCredentialVerifier(t *testing.T) {
	s := NewServer(nil, DefaultConfig())
	for _, c := range loadVectors(t, "service_account_credential_verifier") {
		req, _ := http.NewRequest("GET", "/", nil)
		req.RemoteAddr = "127.0.0.1:1"
		req.Header.Set("Authorization", "Bearer cloak-sa."+strings.Repeat("ab", 16)+"."+c.Inputs["credential"].(string))
		_, verifier, err := s.saCredential(req)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if got := hex.EncodeToString(verifier); got != c.Outputs["verifier"] {
			t.Errorf("%s: verifier %s, vector %s", c.Name, got, c.Outputs["verifier"])
		}
	}
}
