package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/client/genericclient"
	"github.com/cloudwego/kitex/pkg/generic"
	"github.com/cloudwego/kitex/pkg/generic/descriptor"
	"github.com/cloudwego/kitex/pkg/rpcinfo"
	"github.com/cloudwego/kitex/pkg/transmeta"
	"github.com/cloudwego/kitex/server"
	"github.com/cloudwego/kitex/server/genericserver"
	"github.com/cloudwego/kitex/transport"
)

// Kitex's JSON generic call (generic.JSONThriftGeneric over generic.NewThriftFileProvider, Kitex's
// defaults: no dynamicgo, binary as base64), for Weft's tests of its own JSON mapping
// (toolkit-generic's GenericMappingKitexTest).

// cannedReply is what the JSON generic server answers to Canned: a sparse Mixed of mapping.thrift.
const cannedReply = `{"must":"canned","point":{"x":5}}`

// jsonGeneric loads idl as Kitex's JSON generic call does by default.
func jsonGeneric(idl string) (generic.Generic, error) {
	p, err := generic.NewThriftFileProvider(idl)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", idl, err)
	}
	return generic.JSONThriftGeneric(p)
}

// runJSONClient calls service at addr with Kitex's JSON generic client, once per line of stdin
// ("METHOD JSON"), and prints one line per call: {"reply":JSON} with the reply exactly as Kitex
// gives it ({"text":"..."} when that is not JSON), or {"error":"..."} with the error's text (a
// declared exception arrives as an error).
func runJSONClient(addr, idl, service, transportName string) error {
	tp, err := genericTransport(transportName)
	if err != nil {
		return err
	}
	g, err := jsonGeneric(idl)
	if err != nil {
		return err
	}
	cli, err := genericclient.NewClient(service, g,
		client.WithHostPorts(addr),
		client.WithTransportProtocol(tp),
		client.WithClientBasicInfo(&rpcinfo.EndpointBasicInfo{ServiceName: clientService, Method: "peerMain"}),
		client.WithMetaHandler(transmeta.ClientTTHeaderHandler),
		client.WithRPCTimeout(20*time.Second))
	if err != nil {
		return err
	}
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	for {
		line, err := in.ReadString('\n')
		if line = strings.TrimSpace(line); line != "" {
			method, req, _ := strings.Cut(line, " ")
			fmt.Fprintln(out, jsonCall(cli, method, req))
			if ferr := out.Flush(); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func jsonCall(cli genericclient.Client, method, req string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := cli.GenericCall(ctx, method, req)
	if err != nil {
		msg, _ := json.Marshal(err.Error())
		return `{"error":` + string(msg) + `}`
	}
	switch r := resp.(type) {
	case string:
		if !json.Valid([]byte(r)) {
			// Kitex hands a string result over as the bare text, not as JSON
			text, _ := json.Marshal(r)
			return `{"text":` + string(text) + `}`
		}
		return `{"reply":` + r + `}`
	case descriptor.Void:
		return `{"reply":null,"void":true}`
	default:
		msg, _ := json.Marshal(fmt.Sprintf("unexpected reply type %T: %v", resp, resp))
		return `{"error":` + string(msg) + `}`
	}
}

func genericTransport(name string) (transport.Protocol, error) {
	switch name {
	case "ttheader":
		return transport.TTHeader, nil
	case "framed":
		return transport.Framed, nil
	case "buffered":
		return transport.PurePayload, nil
	}
	return 0, fmt.Errorf("unknown transport %s (ttheader, framed or buffered)", name)
}

// jsonHandler is the JSON generic server's handler: Echo and Say answer with the request as Kitex
// hands it over, Canned with cannedReply, and Fail (or any other method) with an error, since a
// JSON generic handler has no way to raise a declared exception (Kitex writes no exception field).
type jsonHandler struct{}

func (*jsonHandler) GenericCall(ctx context.Context, method string, request interface{}) (interface{}, error) {
	switch method {
	case "Echo", "Say":
		return request, nil
	case "Canned":
		return cannedReply, nil
	}
	return nil, fmt.Errorf("kitex json generic server: %s fails", method)
}

// runJSONServer serves idl's service with Kitex's JSON generic server on a loopback port, prints
// {"json":PORT} on stdout and serves until stdin closes.
func runJSONServer(idl, service string) error {
	g, err := jsonGeneric(idl)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	svr := genericserver.NewServer(&jsonHandler{}, g,
		server.WithListener(ln),
		server.WithServerBasicInfo(&rpcinfo.EndpointBasicInfo{ServiceName: service}),
		server.WithMetaHandler(transmeta.ServerTTHeaderHandler),
		server.WithExitWaitTime(time.Millisecond))
	errs := make(chan error, 2)
	go func() { errs <- svr.Run() }()
	fmt.Printf("{\"json\":%d}\n", ln.Addr().(*net.TCPAddr).Port)
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		errs <- nil
	}()
	err = <-errs
	_ = svr.Stop()
	return err
}
