#!/usr/bin/env bash
# Regenerates kitex_gen/ with Kitex's own code generator in StreamX mode (`kitex -streamx`: Thrift
# streaming over TTHeader Streaming), at the version go.mod pins. The generated code is checked in,
# so that building the peer needs only `go build`; run this after changing stream.thrift.
set -euo pipefail
cd "$(dirname "$0")"
idl=../../examples/interop/src/main
version=$(go list -m -f '{{.Version}}' github.com/cloudwego/kitex)
tool=$(mktemp -d)
trap 'rm -rf "$tool"' EXIT
# building the tool inside a throwaway module asks the proxy only for the pinned version
printf 'module tooling\n\ngo 1.24\n\nrequire github.com/cloudwego/kitex %s\n' "$version" >"$tool/go.mod"
(cd "$tool" && GOFLAGS=-mod=mod go build -o kitex github.com/cloudwego/kitex/tool/cmd/kitex)
rm -rf kitex_gen
"$tool/kitex" -module weft.io/interop/kitexstreamx -streamx "$idl/thrift/stream.thrift"
# Kitex names stream.thrift's Go package "stream", which its streaming code also uses as a
# variable name; import the package under another name so that the code compiles.
for f in kitex_gen/stream/streamservice/*.go; do
  sed -i -E 's#^\tstream "weft.io/interop/kitexstreamx/kitex_gen/stream"#\tstreamidl "weft.io/interop/kitexstreamx/kitex_gen/stream"#;
    s/\bstream\.(Request|Response|StreamService|NewStreamService)/streamidl.\1/g' "$f"
done
gofmt -w kitex_gen
go build ./...
