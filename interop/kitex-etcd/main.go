// Command kitexetcd is the Kitex peer for Weft's etcd tests: a Kitex server of interop.thrift's
// EchoService that registers itself through kitex-contrib/registry-etcd, and a Kitex client that
// finds its servers through registry-etcd's resolver. It lives in a Go module of its own so that
// registry-etcd's dependencies (an etcd client) stay out of interop/kitex; it reuses that
// module's generated code and the same Kitex version.
//
//	kitexetcd server ETCD_ENDPOINT SERVICE HOST:PORT   register and serve until stdin closes; prints "serving HOST:PORT"
//	kitexetcd call ETCD_ENDPOINT SERVICE MSG [N]       N Echo calls (default 1) over TTHeader; prints each reply's Msg
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/pkg/rpcinfo"
	"github.com/cloudwego/kitex/pkg/transmeta"
	"github.com/cloudwego/kitex/server"
	"github.com/cloudwego/kitex/transport"
	etcd "github.com/kitex-contrib/registry-etcd"

	"weft.io/interop/kitex/kitex_gen/interop"
	"weft.io/interop/kitex/kitex_gen/interop/echoservice"
)

func main() {
	if len(os.Args) < 5 {
		fmt.Fprintln(os.Stderr, "usage: kitexetcd server ETCD SERVICE HOST:PORT | kitexetcd call ETCD SERVICE MSG [N]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "server":
		err = serve(os.Args[2], os.Args[3], os.Args[4])
	case "call":
		n := 1
		if len(os.Args) > 5 {
			n, err = strconv.Atoi(os.Args[5])
		}
		if err == nil {
			err = call(os.Args[2], os.Args[3], os.Args[4], n)
		}
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kitexetcd:", err)
		os.Exit(1)
	}
}

// echoHandler answers Echo with the request's Msg followed by " from kitex"; the rest of the
// service is not needed here.
type echoHandler struct{ interop.EchoService }

func (*echoHandler) Echo(_ context.Context, req *interop.Request) (*interop.Response, error) {
	return &interop.Response{Msg: req.Msg + " from kitex"}, nil
}

func serve(endpoint, service, hostPort string) error {
	r, err := etcd.NewEtcdRegistry([]string{endpoint})
	if err != nil {
		return err
	}
	addr, err := net.ResolveTCPAddr("tcp", hostPort)
	if err != nil {
		return err
	}
	svr := echoservice.NewServer(&echoHandler{}, server.WithServiceAddr(addr), server.WithRegistry(r),
		server.WithServerBasicInfo(&rpcinfo.EndpointBasicInfo{ServiceName: service}),
		server.WithMetaHandler(transmeta.ServerTTHeaderHandler))
	done := make(chan error, 1)
	go func() { done <- svr.Run() }()
	// Run registers once it listens; wait for the port, then say so
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", hostPort, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server did not listen on %s: %w", hostPort, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Println("serving", hostPort)
	_, _ = io.Copy(io.Discard, os.Stdin) // until the test closes our stdin
	if err := svr.Stop(); err != nil {   // deregisters, then stops
		return err
	}
	return <-done
}

func call(endpoint, service, msg string, n int) error {
	res, err := etcd.NewEtcdResolver([]string{endpoint})
	if err != nil {
		return err
	}
	cli, err := echoservice.NewClient(service, client.WithResolver(res), client.WithTransportProtocol(transport.TTHeader),
		client.WithMetaHandler(transmeta.ClientTTHeaderHandler), client.WithRPCTimeout(10*time.Second))
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		resp, err := cli.Echo(context.Background(), &interop.Request{Msg: msg})
		if err != nil {
			return err
		}
		fmt.Println(resp.Msg)
	}
	return nil
}
