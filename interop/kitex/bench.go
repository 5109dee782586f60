package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudwego/kitex/client"
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
}

// runBench drives interop.thrift's Echo over TTHeader with a Kitex client: closed loop with
// `concurrency` callers when rate is 0, else open loop at `rate` calls per second (latency
// measured from each call's scheduled start, so a stall is not hidden).
func runBench(addr string, concurrency int, duration time.Duration, size int, rate float64) (benchResult, error) {
	cli, err := interopecho.NewClient("EchoService",
		client.WithHostPorts(addr),
		client.WithTransportProtocol(transport.TTHeader),
		client.WithRPCTimeout(10*time.Second))
	if err != nil {
		return benchResult{}, err
	}
	req := &interop.Request{Msg: strings.Repeat("x", size)}
	ctx := context.Background()
	var calls, errs atomic.Int64
	lat := make([][]time.Duration, concurrency)
	deadline := time.Now().Add(duration)
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
	return benchResult{calls.Load(), errs.Load(), elapsed, pct(0.50), pct(0.99), pct(0.999)}, nil
}

func printBench(r benchResult) {
	line, _ := json.Marshal(r)
	fmt.Println(string(line))
}
