//go:build cgo && cloak_static

package cloak

// -tags cloak_static: a fully static program. pkg-config's --static adds what libcloak.a needs
// besides (libsodium with the system one, -pthread) to the flags of api_gen.go's `pkg-config:
// libcloak` (one pkg-config call takes them all), and -static makes the external linker take
// libcloak.a, libsodium.a and libc.a rather than the shared libraries.

/*
#cgo pkg-config: --static libcloak
#cgo LDFLAGS: -static
*/
import "C"
