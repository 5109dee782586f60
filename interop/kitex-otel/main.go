// Command kitexotelpeer is Weft's Kitex peer with kitex-contrib/obs-opentelemetry: it checks that a
// trace crosses Weft hops the way obs-opentelemetry carries it over TTHeader (examples/interop's
// OpenTelemetryKitexTest). It lives in a module of its own so that interop/kitex keeps its
// dependencies (and its Kitex version) free of OpenTelemetry.
//
//	kitexotelpeer server                      an EchoService on TTHeader with obs-opentelemetry's server suite;
//	                                          prints {"port":N}, serves until stdin closes; Echo replies
//	                                          "<trace id> <baggage member 'who'> <server span's name>" as its
//	                                          handler saw them
//	kitexotelpeer client --addr H:P --msg M   starts a trace, puts baggage who=kitex-client, calls Echo with the
//	                                          client suite; prints {"trace_id":..., "reply":...}
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/pkg/klog"
	"github.com/cloudwego/kitex/server"
	"github.com/kitex-contrib/obs-opentelemetry/tracing"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"weft.io/interop/kitex/kitex_gen/interop"
	"weft.io/interop/kitex/kitex_gen/interop/echoservice"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: kitexotelpeer server | client --addr H:P --msg M")
		os.Exit(2)
	}
	klog.SetLevel(klog.LevelWarn)
	// What an application using obs-opentelemetry sets up (its provider package does the same):
	// an SDK tracer provider that samples everything, and the W3C propagators.
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample())))
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	var err error
	switch os.Args[1] {
	case "server":
		err = serve()
	case "client":
		fs := flag.NewFlagSet("client", flag.ExitOnError)
		addr := fs.String("addr", "127.0.0.1:8888", "the server's host:port")
		msg := fs.String("msg", "hello", "the Msg to send")
		_ = fs.Parse(os.Args[2:])
		err = call(*addr, *msg)
	default:
		err = fmt.Errorf("unknown command %s", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kitexotelpeer:", err)
		os.Exit(1)
	}
}

type echo struct{}

func (echo) Echo(ctx context.Context, req *interop.Request) (*interop.Response, error) {
	sc := trace.SpanContextFromContext(ctx)
	who := baggage.FromContext(ctx).Member("who").Value()
	name := ""
	if ro, ok := trace.SpanFromContext(ctx).(sdktrace.ReadOnlySpan); ok {
		name = ro.Name() // obs-opentelemetry's span naming, for Weft's to match
	}
	return &interop.Response{Msg: sc.TraceID().String() + " " + who + " " + name}, nil
}

func (echo) VisitOneway(ctx context.Context, req *interop.Request) error { return nil }
func (echo) OnewayCount(ctx context.Context, tag string) (int64, error)  { return 0, nil }
func (echo) RoundTrip(ctx context.Context, v *interop.AllTypes) (*interop.AllTypes, error) {
	return v, nil
}
func (echo) Fail(ctx context.Context, code int32, message string) (*interop.Response, error) {
	return nil, &interop.EchoError{Code: code, Message: message}
}
func (echo) Sleep(ctx context.Context, millis int32) (*interop.Response, error) {
	time.Sleep(time.Duration(millis) * time.Millisecond)
	return &interop.Response{Msg: "slept"}, nil
}
func (echo) Ping(ctx context.Context) error { return nil }

func serve() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	svr := echoservice.NewServer(&echo{}, server.WithListener(ln), server.WithSuite(tracing.NewServerSuite()),
		server.WithExitWaitTime(100*time.Millisecond))
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		_ = svr.Stop()
		os.Exit(0) // also when stdin closed before Run started
	}()
	fmt.Printf("{\"port\":%d}\n", ln.Addr().(*net.TCPAddr).Port)
	return svr.Run()
}

func call(addr, msg string) error {
	c, err := echoservice.NewClient("weft", client.WithHostPorts(addr), client.WithSuite(tracing.NewClientSuite()),
		client.WithRPCTimeout(10*time.Second))
	if err != nil {
		return err
	}
	ctx, span := otel.Tracer("kitexotelpeer").Start(context.Background(), "kitexotelpeer.call")
	defer span.End()
	who, _ := baggage.NewMember("who", "kitex-client")
	bag, _ := baggage.New(who)
	ctx = baggage.ContextWithBaggage(ctx, bag)
	resp, err := c.Echo(ctx, &interop.Request{Msg: msg})
	if err != nil {
		return err
	}
	out, _ := json.Marshal(map[string]string{"trace_id": span.SpanContext().TraceID().String(), "reply": resp.Msg})
	fmt.Println(string(out))
	return nil
}
