module libcloak/tests/interop/xwing

go 1.26
