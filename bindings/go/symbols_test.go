package cloak_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryExportedFunctionIsBound reads the library's version script (src/libcloak.map, the list
// of exported symbols) and checks that the binding's Go sources call each one through cgo, and
// call nothing the script does not export.
func TestEveryExportedFunctionIsBound(t *testing.T) {
	mapText, err := os.ReadFile(repoPath("src", "libcloak.map"))
	must(t, err)
	global := string(mapText)
	start, end := strings.Index(global, "global:"), strings.Index(global, "local:")
	if start < 0 || end < start {
		t.Fatal("src/libcloak.map has no global: ... local: section")
	}
	exported := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*(cloak_\w+);`).FindAllStringSubmatch(global[start:end], -1) {
		exported[m[1]] = true
	}
	if len(exported) < 90 {
		t.Fatalf("only %d symbols read from src/libcloak.map", len(exported))
	}

	sources, err := filepath.Glob("*.go")
	must(t, err)
	called := map[string]bool{}
	callRE := regexp.MustCompile(`\bC\.(cloak_\w+)\(`)
	for _, f := range sources {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		must(t, err)
		for _, m := range callRE.FindAllStringSubmatch(string(src), -1) {
			called[m[1]] = true
		}
	}
	var missing, unknown []string
	for s := range exported {
		if !called[s] {
			missing = append(missing, s)
		}
	}
	for s := range called {
		if !exported[s] {
			unknown = append(unknown, s)
		}
	}
	if len(missing) > 0 {
		t.Errorf("exported by libcloak but not bound: %v", missing)
	}
	if len(unknown) > 0 {
		t.Errorf("called but not exported by libcloak: %v", unknown)
	}
	t.Logf("%d exported functions, all bound", len(exported))
}
