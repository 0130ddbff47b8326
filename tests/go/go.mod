module github.com/asyncmachine/telemetry/tests/go

go 1.26.0

require golang.org/x/net v0.62.0

require github.com/pancsta/asyncmachine-go v0.19.1
