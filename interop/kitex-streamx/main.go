// Command kitexstreamx is Weft's Kitex StreamX test peer: stream.thrift's StreamService generated
// with `kitex -streamx`, so that its client speaks TTHeader Streaming and its server accepts it.
//
//	kitexstreamx server                     serves until stdin closes; prints {"stream": port}
//	kitexstreamx client --addr H:P --case C  one case against a StreamService; exit 0 when it passes
//	kitexstreamx bench --addr H:P [--streams N --seconds S --warmup S --size B]  EchoBidi echoes (JSON)
//
// Both sides share one behaviour, keyed by the request's Msg, which Weft's test handler mirrors:
// "biz" ends the stream with business status 404 "not found" and extra {"k":"v"}; "fail" returns a
// plain error; "inspect" answers with the metainfo the handler saw; "block" answers "blocking",
// then waits until the stream is cancelled and counts it; "cancelled?" answers that count and
// "lastcancel?" the last cancelled handler's ctx.Err() (Kitex's cancel exception, with its code);
// "big:N" answers N bytes of 'x'; anything else is echoed.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bytedance/gopkg/cloud/metainfo"
	"github.com/cloudwego/kitex/pkg/kerrors"
	"github.com/cloudwego/kitex/pkg/klog"
	"github.com/cloudwego/kitex/pkg/rpcinfo"
	"github.com/cloudwego/kitex/server"

	stream "weft.io/interop/kitexstreamx/kitex_gen/stream"
	"weft.io/interop/kitexstreamx/kitex_gen/stream/streamservice"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: kitexstreamx server | client --addr H:P --case C")
		os.Exit(2)
	}
	klog.SetLevel(klog.LevelFatal)
	switch os.Args[1] {
	case "server":
		if err := runServer(); err != nil {
			fmt.Fprintln(os.Stderr, "kitexstreamx server:", err)
			os.Exit(1)
		}
	case "client":
		fs := flag.NewFlagSet("client", flag.ExitOnError)
		addr := fs.String("addr", "127.0.0.1:8888", "the server's host:port")
		c := fs.String("case", "bidi", "the case to run")
		_ = fs.Parse(os.Args[2:])
		if err := runClientCase(*addr, *c); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", *c, err)
			os.Exit(1)
		}
	case "bench":
		fs := flag.NewFlagSet("bench", flag.ExitOnError)
		addr := fs.String("addr", "127.0.0.1:8888", "the server's host:port")
		streams := fs.Int("streams", 100, "concurrent bidi streams")
		seconds := fs.Float64("seconds", 5, "how long to run")
		warmup := fs.Float64("warmup", 0, "seconds of load before the measured run, on the same client")
		size := fs.Int("size", 64, "bytes of Msg")
		_ = fs.Parse(os.Args[2:])
		secs := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
		if err := runBench(*addr, *streams, secs(*warmup), secs(*seconds), *size); err != nil {
			fmt.Fprintln(os.Stderr, "kitexstreamx bench:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown command", os.Args[1])
		os.Exit(2)
	}
}

func runServer() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	svr := streamservice.NewServer(&handler{},
		server.WithListener(ln),
		server.WithServerBasicInfo(&rpcinfo.EndpointBasicInfo{ServiceName: "kitex-streamx"}),
		server.WithExitWaitTime(time.Millisecond))
	errs := make(chan error, 2)
	go func() { errs <- svr.Run() }()
	line, _ := json.Marshal(map[string]int{"stream": ln.Addr().(*net.TCPAddr).Port})
	fmt.Println(string(line))
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		errs <- nil
	}()
	err = <-errs
	_ = svr.Stop()
	return err
}

// handler is StreamService with the behaviour the package comment describes.
type handler struct {
	cancelled  atomic.Int64
	lastCancel atomic.Value // string: ctx.Err() of the last cancelled handler
}

// answer is the reply to one request, or the error that ends the stream.
func (h *handler) answer(ctx context.Context, msg string) (string, error) {
	switch {
	case msg == "biz":
		return "", kerrors.NewBizStatusErrorWithExtra(404, "not found", map[string]string{"k": "v"})
	case msg == "fail":
		return "", errors.New("boom")
	case msg == "inspect":
		return inspect(ctx), nil
	case msg == "cancelled?":
		return strconv.FormatInt(h.cancelled.Load(), 10), nil
	case msg == "lastcancel?":
		last, _ := h.lastCancel.Load().(string)
		return last, nil
	case strings.HasPrefix(msg, "big:"):
		n, _ := strconv.Atoi(msg[4:])
		return strings.Repeat("x", n), nil
	}
	return msg, nil
}

// inspect reports the metainfo a handler saw: persistent and transit value of key "k".
func inspect(ctx context.Context) string {
	p, _ := metainfo.GetPersistentValue(ctx, "k")
	t, _ := metainfo.GetValue(ctx, "k")
	return "persist=" + p + ";transit=" + t
}

func (h *handler) block(ctx context.Context, send func(*stream.Response) error) error {
	if err := send(&stream.Response{Msg: "blocking"}); err != nil {
		return err
	}
	<-ctx.Done()
	h.lastCancel.Store(ctx.Err().Error())
	h.cancelled.Add(1)
	return ctx.Err()
}

func (h *handler) EchoBidi(ctx context.Context, st stream.StreamService_EchoBidiServer) error {
	for {
		req, err := st.Recv(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if req.Msg == "block" {
			return h.block(ctx, func(r *stream.Response) error { return st.Send(ctx, r) })
		}
		out, err := h.answer(ctx, req.Msg)
		if err != nil {
			return err
		}
		if err := st.Send(ctx, &stream.Response{Msg: out}); err != nil {
			return err
		}
	}
}

func (h *handler) EchoClient(ctx context.Context, st stream.StreamService_EchoClientServer) error {
	var msgs []string
	for {
		req, err := st.Recv(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if _, err := h.answer(ctx, req.Msg); err != nil {
			return err
		}
		msgs = append(msgs, req.Msg)
	}
	return st.SendAndClose(ctx, &stream.Response{Msg: strings.Join(msgs, ",")})
}

func (h *handler) EchoServer(ctx context.Context, req *stream.Request, st stream.StreamService_EchoServerServer) error {
	if req.Msg == "block" {
		return h.block(ctx, func(r *stream.Response) error { return st.Send(ctx, r) })
	}
	if _, err := h.answer(ctx, req.Msg); err != nil {
		return err
	}
	for i := 0; i < 10; i++ {
		if err := st.Send(ctx, &stream.Response{Msg: fmt.Sprintf("%s-%d", req.Msg, i)}); err != nil {
			return err
		}
	}
	return nil
}
