#!/usr/bin/env bash
# Regenerates kitex_gen/ with Kitex's own code generator, at the version go.mod pins.
# The generated code is checked in, so that building the peer needs only `go build`; run this
# after changing an IDL. The IDLs are the copies examples/interop serves (the same as shared/idl).
set -euo pipefail
cd "$(dirname "$0")"
idl=../../examples/interop/src/main
version=$(go list -m -f '{{.Version}}' github.com/cloudwego/kitex)
tool=$(mktemp -d)
trap 'rm -rf "$tool"' EXIT
# `go install pkg@version` asks the proxy for the module's version list, which it may refuse;
# building the tool inside a throwaway module asks only for the pinned version.
printf 'module tooling\n\ngo 1.24\n\nrequire github.com/cloudwego/kitex %s\n' "$version" >"$tool/go.mod"
(cd "$tool" && GOFLAGS=-mod=mod go build -o kitex github.com/cloudwego/kitex/tool/cmd/kitex)
kitex="$tool/kitex -module weft.io/interop/kitex"
rm -rf kitex_gen
$kitex "$idl/thrift/interop.thrift"
$kitex "$idl/thrift/stream.thrift"
$kitex "$idl/thrift/evolution.thrift"
$kitex -type protobuf -I ../../examples/streaming/src/main/proto ../../examples/streaming/src/main/proto/echo.proto
# test.proto has no go_package; give the copies one (it changes nothing on the wire).
mkdir -p "$tool/idl/grpc/testing"
for f in empty messages test; do
  sed 's/^package grpc.testing;/package grpc.testing;\noption go_package = "grpc_testing";/' \
    "$idl/proto/grpc/testing/$f.proto" >"$tool/idl/grpc/testing/$f.proto"
done
$kitex -type protobuf -I "$tool/idl" "$tool/idl/grpc/testing/test.proto"
# Kitex names stream.thrift's Go package "stream", which its streaming code also uses as a
# variable name; import the package under another name so that the code compiles.
for f in kitex_gen/stream/streamservice/*.go; do
  sed -i -E 's#^\tstream "weft.io/interop/kitex/kitex_gen/stream"#\tstreamidl "weft.io/interop/kitex/kitex_gen/stream"#;
    s/\bstream\.(Request|Response|StreamService|NewStreamService)/streamidl.\1/g' "$f"
done
gofmt -w kitex_gen
go build ./...
