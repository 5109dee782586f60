package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cloudwego/kitex/client"

	stream "weft.io/interop/kitexstreamx/kitex_gen/stream"
	"weft.io/interop/kitexstreamx/kitex_gen/stream/streamservice"
)

// benchResult is what `kitexstreamx bench` prints: the fields Weft's benchmark program reads
// (as kitexpeer bench's, a "call" being one echoed message), and the older messages/perSecond.
type benchResult struct {
	Calls         int64   `json:"calls"`
	Errors        int64   `json:"errors"`
	Seconds       float64 `json:"seconds"`
	P50us         float64 `json:"p50us"`
	P99us         float64 `json:"p99us"`
	P999us        float64 `json:"p999us"`
	UserCPUus     float64 `json:"userCpuUs"`   // this process's user CPU per message (µs), getrusage
	SystemCPUus   float64 `json:"systemCpuUs"` // and its system CPU per message
	Messages      int64   `json:"messages"`
	FailedStreams int64   `json:"failedStreams"`
	PerSecond     float64 `json:"perSecond"`
}

func cpuMicros() (user, sys float64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return float64(ru.Utime.Nano()) / 1000, float64(ru.Stime.Nano()) / 1000
}

// runBench drives EchoBidi with `streams` streams, each one message in flight (send, then
// receive its echo): first for `warmup` (not counted; the same client, so its connections stay),
// then for `duration`, and prints what the second run measured as JSON.
func runBench(addr string, streams int, warmup, duration time.Duration, size int) error {
	cli, err := streamservice.NewClient("stream.StreamService", client.WithHostPorts(addr))
	if err != nil {
		return err
	}
	msg := strings.Repeat("x", size)
	if warmup > 0 {
		drive(cli, msg, streams, warmup)
	}
	line, _ := json.Marshal(drive(cli, msg, streams, duration))
	fmt.Println(string(line))
	return nil
}

// drive runs `streams` bidi streams for `duration`, each opened at the start and half-closed at
// the end, and measures the echoes: their count, round-trip percentiles and this process's CPU.
func drive(cli streamservice.Client, msg string, streams int, duration time.Duration) benchResult {
	var echoes, failures atomic.Int64
	lat := make([][]time.Duration, streams)
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	user0, sys0 := cpuMicros()
	start := time.Now()
	for i := 0; i < streams; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ctx := context.Background()
			st, err := cli.EchoBidi(ctx)
			if err != nil {
				failures.Add(1)
				return
			}
			for {
				begin := time.Now()
				if begin.After(deadline) {
					break
				}
				if err := st.Send(ctx, &stream.Request{Msg: msg}); err != nil {
					failures.Add(1)
					return
				}
				resp, err := st.Recv(ctx)
				if err != nil || len(resp.Msg) != len(msg) {
					failures.Add(1)
					return
				}
				lat[i] = append(lat[i], time.Since(begin))
				echoes.Add(1)
			}
			_ = st.CloseSend(ctx)
			_, _ = st.Recv(ctx)
		}(i)
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
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
		i := min(int(p*float64(len(all))), len(all)-1)
		return float64(all[i].Nanoseconds()) / 1000
	}
	n := float64(max(echoes.Load(), 1))
	return benchResult{
		Calls: echoes.Load(), Errors: failures.Load(), Seconds: secs,
		P50us: pct(0.50), P99us: pct(0.99), P999us: pct(0.999),
		UserCPUus: (user1 - user0) / n, SystemCPUus: (sys1 - sys0) / n,
		Messages: echoes.Load(), FailedStreams: failures.Load(), PerSecond: float64(echoes.Load()) / secs,
	}
}
