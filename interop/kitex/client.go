package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/bytedance/gopkg/cloud/metainfo"
	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/client/callopt"
	"github.com/cloudwego/kitex/client/streamclient"
	"github.com/cloudwego/kitex/pkg/kerrors"
	"github.com/cloudwego/kitex/pkg/remote/trans/nphttp2/codes"
	"github.com/cloudwego/kitex/pkg/remote/trans/nphttp2/status"
	"github.com/cloudwego/kitex/pkg/rpcinfo"
	"github.com/cloudwego/kitex/pkg/transmeta"
	"github.com/cloudwego/kitex/transport"

	"weft.io/interop/kitex/kitex_gen/echo"
	echoservice "weft.io/interop/kitex/kitex_gen/echo/echoservice"
	"weft.io/interop/kitex/kitex_gen/grpc_testing"
	"weft.io/interop/kitex/kitex_gen/grpc_testing/testservice"
	"weft.io/interop/kitex/kitex_gen/interop"
	interopecho "weft.io/interop/kitex/kitex_gen/interop/echoservice"
	"weft.io/interop/kitex/kitex_gen/stream"
	"weft.io/interop/kitex/kitex_gen/stream/streamservice"
)

// The caller's name this client puts in TTHeader FromService; Weft's server must see it.
const clientService = "kitex-peer-client"

// kitexRaces are errors Kitex v0.16.3's own gRPC client returns now and then against any server,
// its own included (Kitex client against Kitex server: 11 of 300 server_streaming runs here): its
// stream creation loses a race with the connection it picked ("the stream is done", "the
// connection is draining", a pool closed under it). A case that fails with one of them is run
// again, at most three times in all; any other failure fails at once.
var kitexRaces = []string{"the stream is done", "the connection is draining", "connection pool has been closed"}

// runClientCase runs one case with a Kitex client against addr; nil when it passes.
func runClientCase(addr, transportName, testCase string) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = runClientCaseOnce(addr, transportName, testCase); err == nil || !isKitexRace(err) {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s/%s: Kitex client race (%v); running the case again\n", transportName, testCase, err)
	}
	return err
}

func isKitexRace(err error) bool {
	for _, r := range kitexRaces {
		if strings.Contains(err.Error(), r) {
			return true
		}
	}
	return false
}

func runClientCaseOnce(addr, transportName, testCase string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	switch transportName {
	case "ttheader":
		return thriftCase(ctx, addr, transport.TTHeader, testCase)
	case "ttheader-mux":
		return thriftCase(ctx, addr, transport.TTHeader, testCase, client.WithMuxConnection(1))
	case "framed":
		return thriftCase(ctx, addr, transport.Framed, testCase)
	case "buffered":
		return thriftCase(ctx, addr, transport.PurePayload, testCase)
	case "kitexpb":
		return testServiceCase(ctx, addr, transport.TTHeaderFramed, testCase)
	case "grpc":
		return testServiceCase(ctx, addr, transport.GRPC, testCase)
	case "grpc-proto-echo":
		return protoEchoCase(ctx, addr, testCase)
	case "grpc-thrift":
		return thriftStreamCase(ctx, addr, testCase)
	}
	return fmt.Errorf("unknown transport %s", transportName)
}

func baseOptions(addr string, tp transport.Protocol) []client.Option {
	return []client.Option{
		client.WithHostPorts(addr),
		client.WithTransportProtocol(tp),
		client.WithClientBasicInfo(&rpcinfo.EndpointBasicInfo{ServiceName: clientService, Method: "peerMain"}),
		client.WithMetaHandler(transmeta.ClientTTHeaderHandler),
		client.WithMetaHandler(transmeta.ClientHTTP2Handler),
		client.WithRPCTimeout(20 * time.Second),
	}
}

func expect(what string, want, got any) error {
	if !reflect.DeepEqual(want, got) {
		return fmt.Errorf("%s: want %v, got %v", what, want, got)
	}
	return nil
}

func thriftCase(ctx context.Context, addr string, tp transport.Protocol, testCase string, extra ...client.Option) error {
	if testCase == "unnamed_enums" {
		return unnamedEnumsCase(ctx, addr, tp, extra...)
	}
	cli, err := interopecho.NewClient("EchoService", append(baseOptions(addr, tp), extra...)...)
	if err != nil {
		return err
	}
	switch testCase {
	case "echo":
		for _, msg := range []string{"hello", "", "héllo wörld ✓ 你好"} {
			resp, err := cli.Echo(ctx, &interop.Request{Msg: msg})
			if err != nil {
				return err
			}
			if err := expect("Echo("+msg+")", msg, resp.Msg); err != nil {
				return err
			}
		}
		return nil
	case "oneway":
		tag := fmt.Sprintf("kitex-oneway-%d", time.Now().UnixNano())
		for i := 0; i < 100; i++ {
			if err := cli.VisitOneway(ctx, &interop.Request{Msg: tag}); err != nil {
				return err
			}
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			n, err := cli.OnewayCount(ctx, tag)
			if err != nil {
				return err
			}
			if n == 100 {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("OnewayCount reached %d of 100 within 5 s", n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	case "all_types":
		sent := allTypes()
		got, err := cli.RoundTrip(ctx, sent)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(sent, got) {
			return fmt.Errorf("RoundTrip changed the value: sent %v, got %v", sent, got)
		}
		if got.IsSetOpt() {
			return errors.New("opt came back set")
		}
		return nil
	case "declared_exception":
		_, err := cli.Fail(ctx, 418, "teapot")
		var ee *interop.EchoError
		if !errors.As(err, &ee) {
			return fmt.Errorf("want EchoError, got %v", err)
		}
		if ee.Code != 418 || ee.Message != "teapot" {
			return fmt.Errorf("EchoError has wrong fields: %v", ee)
		}
		return nil
	case "void":
		return cli.Ping(ctx)
	case "timeout":
		start := time.Now()
		_, err := cli.Sleep(ctx, 2000, callopt.WithRPCTimeout(200*time.Millisecond))
		if err == nil {
			return errors.New("Sleep(2000) with a 200 ms timeout returned")
		}
		if !kerrors.IsTimeoutError(err) {
			return fmt.Errorf("want a timeout error, got %v", err)
		}
		if time.Since(start) > time.Second {
			return fmt.Errorf("the timeout took %v", time.Since(start))
		}
		return nil
	case "metainfo":
		// Weft's handler records what it saw; the test that runs this case checks it.
		mctx := metainfo.WithPersistentValue(ctx, "WEFT_PERSIST", "p-value")
		mctx = metainfo.WithValue(mctx, "WEFT_TRANSIT", "t-value")
		resp, err := cli.Echo(mctx, &interop.Request{Msg: "metainfo"}, callopt.WithRPCTimeout(3*time.Second))
		if err != nil {
			return err
		}
		return expect("Echo(metainfo)", "metainfo", resp.Msg)
	case "biz_status":
		// Weft's test handler raises a business status error for a negative code.
		_, err := cli.Fail(ctx, -7, "biz says no")
		be, ok := kerrors.FromBizStatusError(err)
		if !ok {
			return fmt.Errorf("want a BizStatusError, got %v", err)
		}
		if be.BizStatusCode() != 7 || be.BizMessage() != "biz says no" || be.BizExtra()["weft"] != "java" {
			return fmt.Errorf("BizStatusError has wrong fields: %d %q %v", be.BizStatusCode(), be.BizMessage(), be.BizExtra())
		}
		return nil
	}
	return fmt.Errorf("unknown case %s", testCase)
}

func allTypes() *interop.AllTypes {
	note := "n"
	innerNote := "inner"
	return &interop.AllTypes{
		B:      true,
		I8:     -7,
		I16v:   30000,
		I32v:   -2147483648,
		I64v:   9223372036854775807,
		Dbl:    3.5e-7,
		Str:    "päß ✓",
		Bin:    []byte{0, 1, 0xff, 0x7f},
		Strs:   []string{"x", "", "z"},
		Ints:   []int32{3, 1, 2},
		Counts: map[string]int64{"a": 1, "b": -9223372036854775808},
		Color:  interop.Color_BLUE,
		Inner:  &interop.Inner{Id: 42, Note: &innerNote},
		Inners: []*interop.Inner{{Id: 1}, {Id: 2}},
		Nested: map[int32][]*interop.Inner{1: {{Id: 10}, {Id: 11, Note: &note}}, -2: {}},
		Req:    99,
	}
}

func testServiceCase(ctx context.Context, addr string, tp transport.Protocol, testCase string) error {
	cli, err := testservice.NewClient("grpc.testing.TestService", baseOptions(addr, tp)...)
	if err != nil {
		return err
	}
	switch testCase {
	case "empty_unary":
		resp, err := cli.EmptyCall(ctx, &grpc_testing.Empty{})
		if err != nil {
			return err
		}
		if resp == nil {
			return errors.New("EmptyCall returned nil")
		}
		return nil
	case "large_unary":
		resp, err := cli.UnaryCall(ctx, &grpc_testing.SimpleRequest{
			ResponseSize: 314159,
			Payload:      &grpc_testing.Payload{Body: make([]byte, 271828)},
		})
		if err != nil {
			return err
		}
		return expect("payload size", 314159, len(resp.GetPayload().GetBody()))
	case "status_code_and_message":
		_, err := cli.UnaryCall(ctx, &grpc_testing.SimpleRequest{
			ResponseStatus: &grpc_testing.EchoStatus{Code: 2, Message: "test status message"},
		})
		return expectStatus(err, codes.Unknown, "test status message")
	case "client_streaming":
		st, err := cli.StreamingInputCall(ctx)
		if err != nil {
			return err
		}
		for _, n := range []int{27182, 8, 1828, 45904} {
			if err := st.Send(&grpc_testing.StreamingInputCallRequest{Payload: &grpc_testing.Payload{Body: make([]byte, n)}}); err != nil {
				return err
			}
		}
		resp, err := st.CloseAndRecv()
		if err != nil {
			return err
		}
		return expect("aggregated size", int32(74922), resp.AggregatedPayloadSize)
	case "server_streaming":
		sizes := []int32{31415, 9, 2653, 58979}
		req := &grpc_testing.StreamingOutputCallRequest{}
		for _, n := range sizes {
			req.ResponseParameters = append(req.ResponseParameters, &grpc_testing.ResponseParameters{Size: n})
		}
		st, err := cli.StreamingOutputCall(ctx, req)
		if err != nil {
			return err
		}
		var got []int32
		for {
			resp, err := st.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			got = append(got, int32(len(resp.GetPayload().GetBody())))
		}
		return expect("reply sizes", sizes, got)
	case "ping_pong":
		st, err := cli.FullDuplexCall(ctx)
		if err != nil {
			return err
		}
		reqSizes := []int{27182, 8, 1828, 45904}
		respSizes := []int32{31415, 9, 2653, 58979}
		for i := range reqSizes {
			err := st.Send(&grpc_testing.StreamingOutputCallRequest{
				ResponseParameters: []*grpc_testing.ResponseParameters{{Size: respSizes[i]}},
				Payload:            &grpc_testing.Payload{Body: make([]byte, reqSizes[i])},
			})
			if err != nil {
				return err
			}
			resp, err := st.Recv()
			if err != nil {
				return err
			}
			if err := expect("reply size", respSizes[i], int32(len(resp.GetPayload().GetBody()))); err != nil {
				return err
			}
		}
		if err := st.Close(); err != nil {
			return err
		}
		if _, err := st.Recv(); !errors.Is(err, io.EOF) {
			return fmt.Errorf("want the end of the stream, got %v", err)
		}
		return nil
	case "biz_status":
		// Weft's test handler raises a business status error for a negative status code.
		_, err := cli.UnaryCall(ctx, &grpc_testing.SimpleRequest{
			ResponseStatus: &grpc_testing.EchoStatus{Code: -7, Message: "biz says no"},
		})
		be, ok := kerrors.FromBizStatusError(err)
		if !ok {
			return fmt.Errorf("want a BizStatusError, got %v", err)
		}
		if be.BizStatusCode() != 7 || be.BizMessage() != "biz says no" || be.BizExtra()["weft"] != "java" {
			return fmt.Errorf("BizStatusError has wrong fields: %d %q %v", be.BizStatusCode(), be.BizMessage(), be.BizExtra())
		}
		return nil
	case "unimplemented_method":
		_, err := cli.UnimplementedCall(ctx, &grpc_testing.Empty{})
		return expectStatus(err, codes.Unimplemented, "")
	}
	return fmt.Errorf("unknown case %s", testCase)
}

func expectStatus(err error, code codes.Code, message string) error {
	if err == nil {
		return fmt.Errorf("want status %v, the call succeeded", code)
	}
	st, ok := status.FromError(err)
	if !ok {
		return fmt.Errorf("want status %v, got %v", code, err)
	}
	if st.Code() != code || (message != "" && st.Message() != message) {
		return fmt.Errorf("want status %v %q, got %v %q", code, message, st.Code(), st.Message())
	}
	return nil
}

// The streaming cases echo.proto's EchoService and stream.thrift's StreamService share; the two
// IDLs' clients differ only in their generated message types.
type bidiStream[Req, Resp any] interface {
	Send(Req) error
	Recv() (Resp, error)
	Close() error
}

type clientStream[Req, Resp any] interface {
	Send(Req) error
	CloseAndRecv() (Resp, error)
}

type serverStream[Resp any] interface {
	Recv() (Resp, error)
}

func streamCase[Req, Resp any](testCase string, request func(string) Req, msg func(Resp) string,
	bidi func() (bidiStream[Req, Resp], error), client func() (clientStream[Req, Resp], error),
	server func(Req) (serverStream[Resp], error)) error {
	msgs := []string{"hello", "", "wörld"}
	switch testCase {
	case "bidi":
		st, err := bidi()
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if err := st.Send(request(m)); err != nil {
				return err
			}
			resp, err := st.Recv()
			if err != nil {
				return err
			}
			if err := expect("echo", m, msg(resp)); err != nil {
				return err
			}
		}
		if err := st.Close(); err != nil {
			return err
		}
		if _, err := st.Recv(); !errors.Is(err, io.EOF) {
			return fmt.Errorf("want the end of the stream, got %v", err)
		}
		return nil
	case "client_stream":
		st, err := client()
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if err := st.Send(request(m)); err != nil {
				return err
			}
		}
		resp, err := st.CloseAndRecv()
		if err != nil {
			return err
		}
		return expect("joined", strings.Join(msgs, ","), msg(resp))
	case "server_stream":
		st, err := server(request("Msg"))
		if err != nil {
			return err
		}
		var got []string
		for {
			resp, err := st.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			got = append(got, msg(resp))
		}
		return expect("replies", tenReplies("Msg"), got)
	}
	return fmt.Errorf("unknown case %s", testCase)
}

func tenReplies(prefix string) []string {
	var out []string
	for i := 0; i < 10; i++ {
		out = append(out, fmt.Sprintf("%s-%d", prefix, i))
	}
	return out
}

func protoEchoCase(ctx context.Context, addr, testCase string) error {
	cli, err := echoservice.NewClient("echo.EchoService", baseOptions(addr, transport.GRPC)...)
	if err != nil {
		return err
	}
	type (
		req  = *echo.Request
		resp = *echo.Response
	)
	return streamCase(testCase, func(m string) req { return &echo.Request{Msg: m} }, resp.GetMsg,
		func() (bidiStream[req, resp], error) {
			return cli.BidiSideStreaming(metainfo.WithPersistentValue(ctx, "WEFT_PERSIST", "p-value"))
		},
		func() (clientStream[req, resp], error) { return cli.ClientSideStreaming(ctx) },
		func(r req) (serverStream[resp], error) { return cli.ServerSideStreaming(ctx, r) })
}

func thriftStreamCase(ctx context.Context, addr, testCase string) error {
	cli, err := streamservice.NewStreamClient("stream.StreamService",
		streamclient.WithHostPorts(addr),
		streamclient.WithClientBasicInfo(&rpcinfo.EndpointBasicInfo{ServiceName: clientService}))
	if err != nil {
		return err
	}
	type (
		req  = *stream.Request
		resp = *stream.Response
	)
	return streamCase(testCase, func(m string) req { return &stream.Request{Msg: m} }, resp.GetMsg,
		func() (bidiStream[req, resp], error) { return cli.EchoBidi(ctx) },
		func() (clientStream[req, resp], error) { return cli.EchoClient(ctx) },
		func(r req) (serverStream[resp], error) { return cli.EchoServer(ctx, r) })
}
