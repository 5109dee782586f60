package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudwego/kitex/client"

	stream "weft.io/interop/kitexstreamx/kitex_gen/stream"
	"weft.io/interop/kitexstreamx/kitex_gen/stream/streamservice"
)

// runBench drives EchoBidi with `streams` streams for `duration`, each one message in flight
// (send, then receive its echo), and prints the echoes per second as JSON.
func runBench(addr string, streams int, duration time.Duration, size int) error {
	cli, err := streamservice.NewClient("stream.StreamService", client.WithHostPorts(addr))
	if err != nil {
		return err
	}
	msg := strings.Repeat("x", size)
	var echoes, failures atomic.Int64
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < streams; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			st, err := cli.EchoBidi(ctx)
			if err != nil {
				failures.Add(1)
				return
			}
			for time.Now().Before(deadline) {
				if err := st.Send(ctx, &stream.Request{Msg: msg}); err != nil {
					failures.Add(1)
					return
				}
				if _, err := st.Recv(ctx); err != nil {
					failures.Add(1)
					return
				}
				echoes.Add(1)
			}
			_ = st.CloseSend(ctx)
			_, _ = st.Recv(ctx)
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	out, _ := json.Marshal(map[string]any{
		"messages": echoes.Load(), "failedStreams": failures.Load(), "seconds": secs,
		"perSecond": float64(echoes.Load()) / secs,
	})
	fmt.Println(string(out))
	return nil
}
