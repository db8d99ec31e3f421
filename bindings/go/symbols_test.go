package cloak_test

import (
	"go/ast"
	"go/parser"
	"go/token"
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

// TestDocComments checks that every exported name of the package has a doc comment, for go doc.
func TestDocComments(t *testing.T) {
	fset := token.NewFileSet()
	sources, err := filepath.Glob("*.go")
	must(t, err)
	var missing []string
	for _, f := range sources {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		must(t, err)
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Name.IsExported() && d.Doc == nil {
					missing = append(missing, fset.Position(d.Pos()).String()+" "+d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					var names []*ast.Ident
					var doc, comment *ast.CommentGroup
					switch s := spec.(type) {
					case *ast.TypeSpec:
						names, doc, comment = []*ast.Ident{s.Name}, s.Doc, s.Comment
					case *ast.ValueSpec:
						names, doc, comment = s.Names, s.Doc, s.Comment
					default:
						continue
					}
					for _, n := range names {
						// A name in a documented group is documented by the group's comment
						// when it has none of its own.
						if n.IsExported() && doc == nil && comment == nil && d.Doc == nil {
							missing = append(missing, fset.Position(n.Pos()).String()+" "+n.Name)
						}
					}
				}
			}
		}
	}
	if len(missing) > 0 {
		t.Fatalf("exported names without a doc comment:\n%s", strings.Join(missing, "\n"))
	}
}
