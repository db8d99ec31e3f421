//go:build !cgo

package cloak

// The binding is a layer over libcloak's C API: without cgo there is nothing to call. Every other
// file of the package is built only with cgo, so a build with CGO_ENABLED=0 stops here, on one
// error that says why (rather than on "undefined: cloak.IdentityKey" in the caller).
const _ uint8 = "libcloak's Go binding needs cgo: build with CGO_ENABLED=1 and a C compiler (see bindings/go/README.md)"
