module libcloak.dev/examples/client

go 1.26.0

require libcloak.dev/cloak v0.0.0-00010101000000-000000000000

replace libcloak.dev/cloak => ../../bindings/go
