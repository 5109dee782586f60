// Command kitexpeer is Weft's Kitex test peer: a real Kitex server and client for the IDLs of
// shared/INTEROP.md, driven by Weft's test suite (examples/interop's KitexPeerTest).
//
//	kitexpeer server                                  serves until stdin closes; prints its ports as JSON
//	kitexpeer client --addr H:P --transport T --case C   one case; exit 0 when it passes
//	kitexpeer bench --addr H:P [--concurrency N --seconds S --warmup S --size B --rate R --transport T --idle N --mux N]   Echo load; prints JSON
//	kitexpeer bench --serve plain|mux                 a bench server of Echo; serves until stdin closes
//	kitexpeer jsonclient --addr H:P --idl F [--service S --transport T]   Kitex's JSON generic client:
//	                                                  one call per stdin line "METHOD JSON", one JSON line out
//	kitexpeer jsonserver --idl F [--service S]        Kitex's JSON generic server; prints {"json":PORT}
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: kitexpeer server | client --addr H:P --transport T --case C")
		os.Exit(2)
	}
	klog.SetLevel(klog.LevelWarn)
	switch os.Args[1] {
	case "server":
		if err := runServers(); err != nil {
			fmt.Fprintln(os.Stderr, "kitexpeer server:", err)
			os.Exit(1)
		}
	case "client":
		fs := flag.NewFlagSet("client", flag.ExitOnError)
		addr := fs.String("addr", "127.0.0.1:8888", "the server's host:port")
		tp := fs.String("transport", "ttheader", "ttheader, ttheader-mux (Kitex's multiplexed connection), framed, buffered, kitexpb, grpc, grpc-proto-echo or grpc-thrift")
		c := fs.String("case", "echo", "the case to run")
		_ = fs.Parse(os.Args[2:])
		if err := runClientCase(*addr, *tp, *c); err != nil {
			fmt.Fprintf(os.Stderr, "%s/%s: %v\n", *tp, *c, err)
			os.Exit(1)
		}
	case "bench":
		fs := flag.NewFlagSet("bench", flag.ExitOnError)
		addr := fs.String("addr", "127.0.0.1:8888", "the server's host:port")
		concurrency := fs.Int("concurrency", 100, "concurrent callers")
		seconds := fs.Float64("seconds", 3, "how long to run")
		warmup := fs.Float64("warmup", 0, "seconds of the same load first, on the same client, not counted")
		size := fs.Int("size", 1024, "bytes of Msg")
		rate := fs.Float64("rate", 0, "calls per second (open loop); 0 for closed loop")
		tp := fs.String("transport", "ttheader", "ttheader, ttheader-framed, framed or buffered")
		idle := fs.Int("idle", 0, "idle connections kept per address; 0 for as many as callers")
		mux := fs.Int("mux", 0, "multiplexed connections (Kitex's mux client); 0 for the pool")
		serve := fs.String("serve", "", "plain or mux: run a bench server instead of a client")
		_ = fs.Parse(os.Args[2:])
		if *serve != "" {
			if err := serveBench(*serve == "mux"); err != nil {
				fmt.Fprintln(os.Stderr, "kitexpeer bench --serve:", err)
				os.Exit(1)
			}
			return
		}
		c := benchClient{transport: *tp, idle: *idle, mux: *mux}
		secs := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
		r, err := runBench(*addr, c, *concurrency, secs(*warmup), secs(*seconds), *size, *rate)
		if err != nil {
			fmt.Fprintln(os.Stderr, "kitexpeer bench:", err)
			os.Exit(1)
		}
		printBench(r)
	case "jsonclient":
		fs := flag.NewFlagSet("jsonclient", flag.ExitOnError)
		addr := fs.String("addr", "127.0.0.1:8888", "the server's host:port")
		idl := fs.String("idl", "", "the Thrift IDL file")
		service := fs.String("service", "Mapping", "the destination service")
		tp := fs.String("transport", "ttheader", "ttheader, framed or buffered")
		_ = fs.Parse(os.Args[2:])
		if err := runJSONClient(*addr, *idl, *service, *tp); err != nil {
			fmt.Fprintln(os.Stderr, "kitexpeer jsonclient:", err)
			os.Exit(1)
		}
	case "jsonserver":
		fs := flag.NewFlagSet("jsonserver", flag.ExitOnError)
		idl := fs.String("idl", "", "the Thrift IDL file")
		service := fs.String("service", "Mapping", "the service name")
		_ = fs.Parse(os.Args[2:])
		if err := runJSONServer(*idl, *service); err != nil {
			fmt.Fprintln(os.Stderr, "kitexpeer jsonserver:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown command", os.Args[1])
		os.Exit(2)
	}
}
