// Command xwing is the Go side of libcloak's X-Wing interoperability test (tests/interop/run-xwing.sh):
// HPKE with MLKEM768-X25519, HKDF-SHA256 and ChaCha20Poly1305 from the standard library's crypto/hpke
// alone. It reads one command per line on stdin and answers one line on stdout, every byte string in
// lowercase hex and "-" for an empty one:
//
//	derive IKM                    -> PK SK      (DeriveKeyPair; SK is the 32-byte seed)
//	seal PK INFO AAD PT           -> ENC CT EXP (a fresh encapsulation; EXP is the export below)
//	open SK ENC CT INFO AAD       -> PT EXP     or "error MESSAGE"
//
// EXP is the context's export of 32 bytes for the exporter context "libcloak interop", which checks
// the exporter's suite id as well as the key schedule's.
package main

import (
	"bufio"
	"crypto/hpke"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
)

const exporterContext = "libcloak interop"

var (
	kem  = hpke.MLKEM768X25519()
	kdf  = hpke.HKDFSHA256()
	aead = hpke.ChaCha20Poly1305()
)

func decode(field string) ([]byte, error) {
	if field == "-" {
		return []byte{}, nil
	}
	return hex.DecodeString(field)
}

func encode(b []byte) string {
	if len(b) == 0 {
		return "-"
	}
	return hex.EncodeToString(b)
}

func decodeAll(fields []string) ([][]byte, error) {
	out := make([][]byte, len(fields))
	for i, f := range fields {
		b, err := decode(f)
		if err != nil {
			return nil, fmt.Errorf("field %d: %v", i+1, err)
		}
		out[i] = b
	}
	return out, nil
}

func derive(args [][]byte) (string, error) {
	sk, err := kem.DeriveKeyPair(args[0])
	if err != nil {
		return "", err
	}
	seed, err := sk.Bytes()
	if err != nil {
		return "", err
	}
	return encode(sk.PublicKey().Bytes()) + " " + encode(seed), nil
}

func seal(args [][]byte) (string, error) {
	pk, err := kem.NewPublicKey(args[0])
	if err != nil {
		return "", err
	}
	enc, sender, err := hpke.NewSender(pk, kdf, aead, args[1])
	if err != nil {
		return "", err
	}
	ct, err := sender.Seal(args[2], args[3])
	if err != nil {
		return "", err
	}
	exp, err := sender.Export(exporterContext, 32)
	if err != nil {
		return "", err
	}
	return encode(enc) + " " + encode(ct) + " " + encode(exp), nil
}

func open(args [][]byte) (string, error) {
	sk, err := kem.NewPrivateKey(args[0])
	if err != nil {
		return "", err
	}
	recipient, err := hpke.NewRecipient(args[1], sk, kdf, aead, args[3])
	if err != nil {
		return "", err
	}
	pt, err := recipient.Open(args[4], args[2])
	if err != nil {
		return "", err
	}
	exp, err := recipient.Export(exporterContext, 32)
	if err != nil {
		return "", err
	}
	return encode(pt) + " " + encode(exp), nil
}

var commands = map[string]struct {
	args int
	run  func([][]byte) (string, error)
}{
	"derive": {1, derive},
	"seal":   {4, seal},
	"open":   {5, open},
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<16), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		fields := strings.Fields(in.Text())
		if len(fields) == 0 {
			continue
		}
		cmd, ok := commands[fields[0]]
		if !ok || len(fields) != 1+cmd.args {
			fmt.Fprintf(os.Stderr, "xwing: bad command line %q\n", in.Text())
			os.Exit(2)
		}
		args, err := decodeAll(fields[1:])
		if err != nil {
			fmt.Fprintf(os.Stderr, "xwing: %s: %v\n", fields[0], err)
			os.Exit(2)
		}
		line, err := cmd.run(args)
		if err != nil {
			line = "error " + strings.ReplaceAll(err.Error(), " ", "_")
		}
		fmt.Fprintln(out, line)
	}
	if err := in.Err(); err != nil {
		fmt.Fprintf(os.Stderr, "xwing: %v\n", err)
		os.Exit(2)
	}
}
