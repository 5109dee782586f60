package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/pkg/connpool"
	"github.com/cloudwego/kitex/pkg/rpcinfo"
	"github.com/cloudwego/kitex/pkg/transmeta"
	"github.com/cloudwego/kitex/server"
	"github.com/cloudwego/kitex/transport"

	"weft.io/interop/kitex/kitex_gen/interop"
	interopecho "weft.io/interop/kitex/kitex_gen/interop/echoservice"
)

// benchResult is what `kitexpeer bench` prints: the same fields Weft's benchmark program reads.
type benchResult struct {
	Calls   int64   `json:"calls"`
	Errors  int64   `json:"errors"`
	Seconds float64 `json:"seconds"`
	P50us   float64 `json:"p50us"`
	P99us   float64 `json:"p99us"`
	P999us  float64 `json:"p999us"`
	// this process's user and system CPU per call over the load (µs), from getrusage
	UserCPUus   float64 `json:"userCpuUs"`
	SystemCPUus float64 `json:"systemCpuUs"`
}

// benchClient is how `kitexpeer bench` connects: the transport (ttheader, ttheader-framed,
// framed or buffered), how many idle connections its pool keeps per address (Kitex's default
// is 10, which with more callers than that redials all the time: a closed connection per call
// and thousands of sockets in TIME_WAIT), and mux > 0 for that many multiplexed connections.
type benchClient struct {
	transport string
	idle      int
	mux       int
}

func (c benchClient) options(addr string, concurrency int) ([]client.Option, error) {
	opts := []client.Option{client.WithHostPorts(addr), client.WithRPCTimeout(10 * time.Second),
		// Kitex dials within 50 ms by default: too short for 10,000 callers on a busy machine
		client.WithConnectTimeout(5 * time.Second)}
	switch c.transport {
	case "ttheader":
		opts = append(opts, client.WithTransportProtocol(transport.TTHeader))
	case "ttheader-framed":
		opts = append(opts, client.WithTransportProtocol(transport.TTHeaderFramed))
	case "framed":
		opts = append(opts, client.WithTransportProtocol(transport.Framed))
	case "buffered":
		opts = append(opts, client.WithTransportProtocol(transport.PurePayload))
	default:
		return nil, fmt.Errorf("unknown transport %q (ttheader, ttheader-framed, framed or buffered)", c.transport)
	}
	if c.mux > 0 {
		return append(opts, client.WithMuxConnection(c.mux)), nil
	}
	idle := c.idle
	if idle <= 0 {
		idle = concurrency
	}
	return append(opts, client.WithLongConnection(connpool.IdleConfig{
		MaxIdlePerAddress: idle,
		MaxIdleGlobal:     idle,
		MaxIdleTimeout:    time.Minute,
	})), nil
}

// serveBench serves interop.thrift's Echo on a loopback port (mux: Kitex's multiplexed
// transport, which its mux client needs), prints "kitex bench server listening on H:P" and
// serves until stdin closes, so that the benchmark's server is a process of its own whose CPU
// time is its alone.
func serveBench(mux bool) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	opts := []server.Option{
		server.WithListener(ln),
		server.WithServerBasicInfo(&rpcinfo.EndpointBasicInfo{ServiceName: "kitex-thrift"}),
		server.WithMetaHandler(transmeta.ServerTTHeaderHandler),
		server.WithExitWaitTime(time.Millisecond),
	}
	if mux {
		opts = append(opts, server.WithMuxTransport())
	}
	svr := interopecho.NewServer(&thriftEcho{}, opts...)
	errs := make(chan error, 2)
	go func() { errs <- svr.Run() }()
	fmt.Printf("kitex bench server listening on %s\n", ln.Addr())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		errs <- nil
	}()
	err = <-errs
	_ = svr.Stop()
	return err
}

func cpuMicros() (user, sys float64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return float64(ru.Utime.Nano()) / 1000, float64(ru.Stime.Nano()) / 1000
}

// runBench drives interop.thrift's Echo with a Kitex client (over TTHeader unless c says
// otherwise): closed loop with
// `concurrency` callers when rate is 0, else open loop at `rate` calls per second (latency
// measured from each call's scheduled start, so a stall is not hidden). A warm-up first runs the
// same load on the same client for `warmup`, not counted: its pool's connections are then the
// measured run's, so the measured run does not start by dialling them all at once. After the
// warm-up it prints {"warm":true} and waits for a line on stdin before the measured run.
func runBench(addr string, c benchClient, concurrency int, warmup, duration time.Duration, size int, rate float64) (benchResult, error) {
	opts, err := c.options(addr, concurrency)
	if err != nil {
		return benchResult{}, err
	}
	cli, err := interopecho.NewClient("EchoService", opts...)
	if err != nil {
		return benchResult{}, err
	}
	req := &interop.Request{Msg: strings.Repeat("x", size)}
	if warmup > 0 {
		drive(cli, req, concurrency, warmup, size, rate)
		// say so, and wait for a line on stdin: the benchmark reads the server's CPU in between
		fmt.Println(`{"warm":true}`)
		if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
			return benchResult{}, fmt.Errorf("no go-ahead after the warm-up: %w", err)
		}
	}
	return drive(cli, req, concurrency, duration, size, rate), nil
}

// drive runs one load on cli and measures it.
func drive(cli interopecho.Client, req *interop.Request, concurrency int, duration time.Duration, size int, rate float64) benchResult {
	ctx := context.Background()
	var calls, errs atomic.Int64
	lat := make([][]time.Duration, concurrency)
	deadline := time.Now().Add(duration)
	user0, sys0 := cpuMicros()
	start := time.Now()
	var wg sync.WaitGroup
	var next atomic.Int64 // open loop: index of the next scheduled call
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				var begin time.Time
				if rate > 0 {
					i := next.Add(1) - 1
					begin = start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
					if begin.After(deadline) {
						return
					}
					if d := time.Until(begin); d > 0 {
						time.Sleep(d)
					}
				} else {
					begin = time.Now()
					if begin.After(deadline) {
						return
					}
				}
				resp, err := cli.Echo(ctx, req)
				if err != nil || len(resp.Msg) != size {
					errs.Add(1)
					continue
				}
				lat[w] = append(lat[w], time.Since(begin))
				calls.Add(1)
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	user1, sys1 := cpuMicros()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		i := int(p * float64(len(all)))
		if i >= len(all) {
			i = len(all) - 1
		}
		return float64(all[i].Nanoseconds()) / 1000
	}
	n := float64(max(calls.Load(), 1))
	return benchResult{calls.Load(), errs.Load(), elapsed, pct(0.50), pct(0.99), pct(0.999),
		(user1 - user0) / n, (sys1 - sys0) / n}
}

func printBench(r benchResult) {
	line, _ := json.Marshal(r)
	fmt.Println(string(line))
}
