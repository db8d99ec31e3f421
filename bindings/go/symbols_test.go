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

// generatedFile is the binding's mechanical layer, written by tools/apigen.py from cloak.h.
const generatedFile = "api_gen.go"

// goWrapperName is the name api_gen.go gives the Go function that calls a C function:
// cloak_secret_seal -> cloakSecretSeal (the acronyms of the generator's word table aside, which
// the test accepts in any case).
func goWrapperName(symbol string) string {
	parts := strings.Split(symbol, "_")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	return strings.Join(parts, "")
}

// TestEveryExportedFunctionIsBound reads the library's version script (src/libcloak.map, the list
// of exported symbols) and checks that the generated layer calls each one through cgo and calls
// nothing else, and that the hand-written layer uses the generated function of each (a twin is
// used by the init-time size check, a length helper is exported as it is).
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

	generated, err := os.ReadFile(generatedFile)
	must(t, err)
	called := map[string]bool{}
	for _, m := range regexp.MustCompile(`\bC\.(cloak_\w+)\(`).FindAllStringSubmatch(string(generated), -1) {
		called[m[1]] = true
	}
	// The generated functions: unexported wrappers (used by hand-written code) and exported
	// length helpers (API as they are), each with the symbol it calls.
	wrappers := map[string]string{} // lower-cased Go name -> C symbol
	exportedHelpers := map[string]bool{}
	funcRE := regexp.MustCompile(`(?m)^func ([A-Z]\w*)\([^)]*\)[^{]*\{\n(?:\t[^\n]*\n)*?\treturn int\(C\.(cloak_\w+)\(|(?m)^// (cloak\w+) calls (cloak_\w+)\.$`)
	for _, m := range funcRE.FindAllStringSubmatch(string(generated), -1) {
		if m[1] != "" {
			exportedHelpers[m[2]] = true
		} else {
			wrappers[strings.ToLower(m[3])] = m[4]
		}
	}
	var handWritten strings.Builder
	sources, err := filepath.Glob("*.go")
	must(t, err)
	for _, f := range sources {
		if strings.HasSuffix(f, "_test.go") || f == generatedFile {
			continue
		}
		src, err := os.ReadFile(f)
		must(t, err)
		handWritten.Write(src)
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`\b(cloak[A-Z]\w*)\b`).FindAllStringSubmatch(handWritten.String(), -1) {
		used[strings.ToLower(m[1])] = true
	}
	twinRE := regexp.MustCompile(`\{"(cloak_\w+)", uint64\(C\.cloak_\w+\(\)\)`)
	twins := map[string]bool{}
	for _, m := range twinRE.FindAllStringSubmatch(string(generated), -1) {
		twins[m[1]] = true
	}

	var missing, unknown, unused []string
	for s := range exported {
		switch {
		case !called[s]:
			missing = append(missing, s)
		case twins[s] || exportedHelpers[s]:
		case wrappers[strings.ToLower(goWrapperName(s))] != s:
			missing = append(missing, s+" (no generated Go function)")
		case !used[strings.ToLower(goWrapperName(s))]:
			unused = append(unused, goWrapperName(s))
		}
	}
	for s := range called {
		if !exported[s] {
			unknown = append(unknown, s)
		}
	}
	if len(missing) > 0 {
		t.Errorf("exported by libcloak but not bound in %s: %v", generatedFile, missing)
	}
	if len(unknown) > 0 {
		t.Errorf("called but not exported by libcloak: %v", unknown)
	}
	if len(unused) > 0 {
		t.Errorf("generated but used by no type or function of the package: %v", unused)
	}
	t.Logf("%d exported functions: %d twins, %d length helpers, %d wrapped", len(exported), len(twins),
		len(exportedHelpers), len(wrappers))
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
