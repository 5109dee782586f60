package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bytedance/gopkg/cloud/metainfo"
	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/pkg/kerrors"

	stream "weft.io/interop/kitexstreamx/kitex_gen/stream"
	"weft.io/interop/kitexstreamx/kitex_gen/stream/streamservice"
)

// runClientCase runs one case against the StreamService at addr; nil when it passes.
func runClientCase(addr, c string) error {
	cli, err := streamservice.NewClient("stream.StreamService", client.WithHostPorts(addr))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	switch c {
	case "bidi":
		return bidi(ctx, cli, []string{"a", "b", "c"})
	case "client":
		return clientStreaming(ctx, cli)
	case "server":
		return serverStreaming(ctx, cli)
	case "biz":
		return bizError(ctx, cli)
	case "fail":
		return failError(ctx, cli)
	case "metainfo":
		ctx = metainfo.WithPersistentValue(ctx, "k", "p")
		ctx = metainfo.WithValue(ctx, "k", "t")
		return bidi(ctx, cli, []string{"inspect"}, "persist=p;transit=t")
	case "cancel":
		return cancelled(ctx, cli, func(bctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithCancel(bctx)
		}, "12007")
	case "deadline":
		return cancelled(ctx, cli, func(bctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(bctx, 300*time.Millisecond)
		}, "12015")
	case "concurrent":
		return concurrent(ctx, cli, 200)
	case "large":
		big := strings.Repeat("y", 3<<20)
		if err := bidi(ctx, cli, []string{big}); err != nil {
			return err
		}
		return bidi(ctx, cli, []string{"big:4000000"}, strings.Repeat("x", 4000000))
	case "unknown":
		return unknown(ctx, cli)
	}
	return fmt.Errorf("unknown case %q", c)
}

// bidi sends msgs on one bidi stream, expecting each echoed (or want[i] when given), then EOF.
func bidi(ctx context.Context, cli streamservice.Client, msgs []string, want ...string) error {
	st, err := cli.EchoBidi(ctx)
	if err != nil {
		return err
	}
	for i, m := range msgs {
		if err := st.Send(ctx, &stream.Request{Msg: m}); err != nil {
			return fmt.Errorf("send %d: %w", i, err)
		}
		r, err := st.Recv(ctx)
		if err != nil {
			return fmt.Errorf("recv %d: %w", i, err)
		}
		expect := m
		if i < len(want) {
			expect = want[i]
		}
		if r.Msg != expect {
			return fmt.Errorf("reply %d: got %q, want %q", i, short(r.Msg), short(expect))
		}
	}
	if err := st.CloseSend(ctx); err != nil {
		return err
	}
	if _, err := st.Recv(ctx); err != io.EOF {
		return fmt.Errorf("after close: got %v, want EOF", err)
	}
	return nil
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "…(" + strconv.Itoa(len(s)) + " bytes)"
	}
	return s
}

func clientStreaming(ctx context.Context, cli streamservice.Client) error {
	st, err := cli.EchoClient(ctx)
	if err != nil {
		return err
	}
	for _, m := range []string{"a", "b", "c"} {
		if err := st.Send(ctx, &stream.Request{Msg: m}); err != nil {
			return err
		}
	}
	r, err := st.CloseAndRecv(ctx)
	if err != nil {
		return err
	}
	if r.Msg != "a,b,c" {
		return fmt.Errorf("got %q, want a,b,c", r.Msg)
	}
	return nil
}

func serverStreaming(ctx context.Context, cli streamservice.Client) error {
	st, err := cli.EchoServer(ctx, &stream.Request{Msg: "s"})
	if err != nil {
		return err
	}
	for i := 0; i < 10; i++ {
		r, err := st.Recv(ctx)
		if err != nil {
			return fmt.Errorf("recv %d: %w", i, err)
		}
		if want := fmt.Sprintf("s-%d", i); r.Msg != want {
			return fmt.Errorf("got %q, want %q", r.Msg, want)
		}
	}
	if _, err := st.Recv(ctx); err != io.EOF {
		return fmt.Errorf("after 10 replies: got %v, want EOF", err)
	}
	return nil
}

// firstError sends msg on a bidi stream and returns the error its first Recv gets.
func firstError(ctx context.Context, cli streamservice.Client, msg string) error {
	st, err := cli.EchoBidi(ctx)
	if err != nil {
		return err
	}
	if err := st.Send(ctx, &stream.Request{Msg: msg}); err != nil {
		return err
	}
	r, err := st.Recv(ctx)
	if err == nil {
		return fmt.Errorf("got reply %q, want an error", r.Msg)
	}
	return err
}

func bizError(ctx context.Context, cli streamservice.Client) error {
	err := firstError(ctx, cli, "biz")
	biz, ok := kerrors.FromBizStatusError(err)
	if !ok {
		return fmt.Errorf("want a business status error, got %v", err)
	}
	if biz.BizStatusCode() != 404 || biz.BizMessage() != "not found" || biz.BizExtra()["k"] != "v" {
		return fmt.Errorf("got biz %d %q %v", biz.BizStatusCode(), biz.BizMessage(), biz.BizExtra())
	}
	return nil
}

func failError(ctx context.Context, cli streamservice.Client) error {
	err := firstError(ctx, cli, "fail")
	if _, ok := kerrors.FromBizStatusError(err); ok || !strings.Contains(err.Error(), "boom") {
		return fmt.Errorf("want an application exception with \"boom\", got %v", err)
	}
	return nil
}

// cancelled blocks a handler, ends the stream with the context from open (cancel or deadline),
// expects Recv to fail with Kitex's code, then waits until the server counted the handler
// cancelled.
func cancelled(ctx context.Context, cli streamservice.Client,
	open func(context.Context) (context.Context, context.CancelFunc), code string,
) error {
	before, err := cancelCount(ctx, cli)
	if err != nil {
		return err
	}
	sctx, cancel := open(ctx)
	defer cancel()
	st, err := cli.EchoBidi(sctx)
	if err != nil {
		return err
	}
	if err := st.Send(sctx, &stream.Request{Msg: "block"}); err != nil {
		return err
	}
	if r, err := st.Recv(sctx); err != nil || r.Msg != "blocking" {
		return fmt.Errorf("want blocking, got %v %v", r, err)
	}
	if code == "12007" {
		cancel()
	}
	_, err = st.Recv(sctx)
	if err == nil || !strings.Contains(err.Error(), code) {
		return fmt.Errorf("want an error with code %s, got %v", code, err)
	}
	for ctx.Err() == nil {
		n, err := cancelCount(ctx, cli)
		if err != nil {
			return err
		}
		if n > before {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.New("the server's handler never saw the cancel")
}

func cancelCount(ctx context.Context, cli streamservice.Client) (int, error) {
	st, err := cli.EchoBidi(ctx)
	if err != nil {
		return 0, err
	}
	if err := st.Send(ctx, &stream.Request{Msg: "cancelled?"}); err != nil {
		return 0, err
	}
	r, err := st.Recv(ctx)
	if err != nil {
		return 0, err
	}
	_ = st.CloseSend(ctx)
	return strconv.Atoi(r.Msg)
}

func concurrent(ctx context.Context, cli streamservice.Client, n int) error {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			msgs := make([]string, 10)
			for j := range msgs {
				msgs[j] = fmt.Sprintf("%d-%d", i, j)
			}
			if err := bidi(ctx, cli, msgs); err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// unknown calls a server that has no StreamService: the call must fail well before its deadline.
func unknown(ctx context.Context, cli streamservice.Client) error {
	start := time.Now()
	err := firstError(ctx, cli, "a")
	if time.Since(start) > 5*time.Second {
		return fmt.Errorf("the error took %v: %v", time.Since(start), err)
	}
	if !strings.Contains(err.Error(), "EchoBidi") {
		return fmt.Errorf("want an error naming the method, got %v", err)
	}
	return nil
}
