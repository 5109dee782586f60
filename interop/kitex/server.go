package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bytedance/gopkg/cloud/metainfo"
	"github.com/cloudwego/kitex/pkg/kerrors"
	"github.com/cloudwego/kitex/pkg/remote/trans/nphttp2"
	"github.com/cloudwego/kitex/pkg/remote/trans/nphttp2/codes"
	"github.com/cloudwego/kitex/pkg/remote/trans/nphttp2/metadata"
	"github.com/cloudwego/kitex/pkg/remote/trans/nphttp2/status"
	"github.com/cloudwego/kitex/pkg/rpcinfo"
	"github.com/cloudwego/kitex/pkg/transmeta"
	"github.com/cloudwego/kitex/server"

	"weft.io/interop/kitex/kitex_gen/echo"
	echoservice "weft.io/interop/kitex/kitex_gen/echo/echoservice"
	"weft.io/interop/kitex/kitex_gen/grpc_testing"
	"weft.io/interop/kitex/kitex_gen/grpc_testing/testservice"
	"weft.io/interop/kitex/kitex_gen/interop"
	interopecho "weft.io/interop/kitex/kitex_gen/interop/echoservice"
	"weft.io/interop/kitex/kitex_gen/stream"
	"weft.io/interop/kitex/kitex_gen/stream/streamservice"
)

// runServers starts one Kitex server per IDL, each on its own loopback port, prints the ports
// as one JSON line on stdout and serves until stdin closes (so the test that started it can
// never leave it behind).
func runServers() error {
	type entry struct {
		name  string
		start func(ln net.Listener) server.Server
	}
	opts := func(ln net.Listener, name string) []server.Option {
		return []server.Option{
			server.WithListener(ln),
			server.WithServerBasicInfo(&rpcinfo.EndpointBasicInfo{ServiceName: name}),
			server.WithMetaHandler(transmeta.ServerTTHeaderHandler),
			server.WithMetaHandler(transmeta.ServerHTTP2Handler),
			server.WithExitWaitTime(time.Millisecond),
		}
	}
	entries := []entry{
		{"thrift", func(ln net.Listener) server.Server {
			return interopecho.NewServer(&thriftEcho{}, opts(ln, "kitex-thrift")...)
		}},
		{"testservice", func(ln net.Listener) server.Server {
			return testservice.NewServer(&testService{}, opts(ln, "kitex-testservice")...)
		}},
		{"echoproto", func(ln net.Listener) server.Server {
			return echoservice.NewServer(&protoEcho{}, opts(ln, "kitex-echoproto")...)
		}},
		{"stream", func(ln net.Listener) server.Server {
			return streamservice.NewServer(&thriftStream{}, opts(ln, "kitex-stream")...)
		}},
	}
	ports := map[string]int{}
	var servers []server.Server
	errs := make(chan error, len(entries))
	for _, e := range entries {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		ports[e.name] = ln.Addr().(*net.TCPAddr).Port
		svr := e.start(ln)
		servers = append(servers, svr)
		go func() { errs <- svr.Run() }()
	}
	line, _ := json.Marshal(ports)
	fmt.Println(string(line))
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		errs <- nil
	}()
	err := <-errs
	for _, s := range servers {
		_ = s.Stop()
	}
	return err
}

// describe reports what a handler saw of its call, for the peer on the other side to check:
// the caller's service and method (TTHeader FromService/FromMethod), the metainfo values, and
// whether the call carried a deadline.
func describe(ctx context.Context) string {
	ri := rpcinfo.GetRPCInfo(ctx)
	var parts []string
	parts = append(parts, "from="+ri.From().ServiceName()+"/"+ri.From().Method())
	parts = append(parts, "to="+ri.To().ServiceName()+"/"+ri.To().Method())
	persist := metainfo.GetAllPersistentValues(ctx)
	transit := metainfo.GetAllValues(ctx)
	parts = append(parts, "persist="+joinMap(persist), "transit="+joinMap(transit))
	// Kitex keeps a caller's TTHeader RPCTimeout in the call's config; gRPC's grpc-timeout becomes
	// the context's deadline.
	if dl, ok := ctx.Deadline(); (ok && time.Until(dl) > 0) || ri.Config().RPCTimeout() > 0 {
		parts = append(parts, "deadline=yes")
	} else {
		parts = append(parts, "deadline=no")
	}
	return strings.Join(parts, " ")
}

func joinMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k + ":" + m[k])
	}
	return b.String()
}

// thriftEcho is interop.thrift's EchoService as its comments say, plus two things only this
// peer does: Echo of "inspect" replies with describe(ctx), and Fail with a negative code raises
// a Kitex business status error (status -code, the message, extra {"weft":"peer"}).
type thriftEcho struct {
	oneways sync.Map // tag -> *atomic.Int64
}

func (h *thriftEcho) Echo(ctx context.Context, req *interop.Request) (*interop.Response, error) {
	if req.Msg == "inspect" {
		return &interop.Response{Msg: describe(ctx)}, nil
	}
	return &interop.Response{Msg: req.Msg}, nil
}

func (h *thriftEcho) VisitOneway(ctx context.Context, req *interop.Request) error {
	n, _ := h.oneways.LoadOrStore(req.Msg, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
	return nil
}

func (h *thriftEcho) OnewayCount(ctx context.Context, tag string) (int64, error) {
	if n, ok := h.oneways.Load(tag); ok {
		return n.(*atomic.Int64).Load(), nil
	}
	return 0, nil
}

func (h *thriftEcho) RoundTrip(ctx context.Context, v *interop.AllTypes) (*interop.AllTypes, error) {
	return v, nil
}

func (h *thriftEcho) Fail(ctx context.Context, code int32, message string) (*interop.Response, error) {
	if code < 0 {
		return nil, kerrors.NewBizStatusErrorWithExtra(-code, message, map[string]string{"weft": "peer"})
	}
	return nil, &interop.EchoError{Code: code, Message: message}
}

func (h *thriftEcho) Sleep(ctx context.Context, millis int32) (*interop.Response, error) {
	select {
	case <-time.After(time.Duration(millis) * time.Millisecond):
	case <-ctx.Done():
	}
	return &interop.Response{Msg: "slept"}, nil
}

func (h *thriftEcho) Ping(ctx context.Context) error { return nil }

// testService is grpc.testing.TestService as the gRPC interop-test descriptions say.
type testService struct{}

func zeros(n int32) *grpc_testing.Payload { return &grpc_testing.Payload{Body: make([]byte, n)} }

func echoStatus(s *grpc_testing.EchoStatus) error {
	if s != nil && s.Code != 0 {
		return status.Err(codes.Code(s.Code), s.Message)
	}
	return nil
}

func (s *testService) EmptyCall(ctx context.Context, req *grpc_testing.Empty) (*grpc_testing.Empty, error) {
	return &grpc_testing.Empty{}, nil
}

func (s *testService) UnaryCall(ctx context.Context, req *grpc_testing.SimpleRequest) (*grpc_testing.SimpleResponse, error) {
	echoMetadata(ctx)
	if s := req.ResponseStatus; s != nil && s.Code < 0 {
		// only this peer: a negative code asks for a Kitex business status error
		return nil, kerrors.NewBizStatusErrorWithExtra(-s.Code, s.Message, map[string]string{"weft": "peer"})
	}
	if err := echoStatus(req.ResponseStatus); err != nil {
		return nil, err
	}
	return &grpc_testing.SimpleResponse{Payload: zeros(req.ResponseSize)}, nil
}

// echoMetadata echoes the interop tests' custom metadata: the initial value as a response
// header, the binary one as a trailer.
func echoMetadata(ctx context.Context) {
	md, ok := metadata.FromIncomingContext(ctx)
	if !ok {
		return
	}
	if v := md.Get("x-grpc-test-echo-initial"); len(v) > 0 {
		_ = nphttp2.SetHeader(ctx, metadata.Pairs("x-grpc-test-echo-initial", v[0]))
	}
	if v := md.Get("x-grpc-test-echo-trailing-bin"); len(v) > 0 {
		_ = nphttp2.SetTrailer(ctx, metadata.Pairs("x-grpc-test-echo-trailing-bin", v[0]))
	}
}

func (s *testService) CacheableUnaryCall(ctx context.Context, req *grpc_testing.SimpleRequest) (*grpc_testing.SimpleResponse, error) {
	return s.UnaryCall(ctx, req)
}

func sendAll(ctx context.Context, params []*grpc_testing.ResponseParameters, send func(*grpc_testing.StreamingOutputCallResponse) error) error {
	for _, p := range params {
		if p.IntervalUs > 0 {
			select {
			case <-time.After(time.Duration(p.IntervalUs) * time.Microsecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err := send(&grpc_testing.StreamingOutputCallResponse{Payload: zeros(p.Size)}); err != nil {
			return err
		}
	}
	return nil
}

func (s *testService) StreamingOutputCall(req *grpc_testing.StreamingOutputCallRequest, st grpc_testing.TestService_StreamingOutputCallServer) error {
	return sendAll(st.Context(), req.ResponseParameters, st.Send)
}

func (s *testService) StreamingInputCall(st grpc_testing.TestService_StreamingInputCallServer) error {
	var sum int32
	for {
		req, err := st.Recv()
		if errors.Is(err, io.EOF) {
			return st.SendAndClose(&grpc_testing.StreamingInputCallResponse{AggregatedPayloadSize: sum})
		}
		if err != nil {
			return err
		}
		sum += int32(len(req.GetPayload().GetBody()))
	}
}

func (s *testService) FullDuplexCall(st grpc_testing.TestService_FullDuplexCallServer) error {
	echoMetadata(st.Context())
	for {
		req, err := st.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := echoStatus(req.ResponseStatus); err != nil {
			return err
		}
		if err := sendAll(st.Context(), req.ResponseParameters, st.Send); err != nil {
			return err
		}
	}
}

func (s *testService) HalfDuplexCall(st grpc_testing.TestService_HalfDuplexCallServer) error {
	var reqs []*grpc_testing.StreamingOutputCallRequest
	for {
		req, err := st.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		reqs = append(reqs, req)
	}
	for _, req := range reqs {
		if err := sendAll(st.Context(), req.ResponseParameters, st.Send); err != nil {
			return err
		}
	}
	return nil
}

func (s *testService) UnimplementedCall(ctx context.Context, req *grpc_testing.Empty) (*grpc_testing.Empty, error) {
	return nil, status.Err(codes.Unimplemented, "UnimplementedCall is not implemented")
}

// echoStreams is the behaviour echo.proto's EchoService and stream.thrift's StreamService share:
// bidi echoes each request (reply builds the answer to one request), client streaming answers
// every Msg joined with ",", server streaming answers Msg-0 … Msg-9. The two IDLs differ only in
// their generated message types.
func echoBidi[Req, Resp any](recv func() (Req, error), send func(Resp) error, reply func(Req) Resp) error {
	for {
		req, err := recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := send(reply(req)); err != nil {
			return err
		}
	}
}

func echoJoined[Req, Resp any](recv func() (Req, error), sendAndClose func(Resp) error, msg func(Req) string, resp func(string) Resp) error {
	var msgs []string
	for {
		req, err := recv()
		if errors.Is(err, io.EOF) {
			return sendAndClose(resp(strings.Join(msgs, ",")))
		}
		if err != nil {
			return err
		}
		msgs = append(msgs, msg(req))
	}
}

func echoTen[Resp any](prefix string, send func(Resp) error, resp func(string) Resp) error {
	for i := 0; i < 10; i++ {
		if err := send(resp(fmt.Sprintf("%s-%d", prefix, i))); err != nil {
			return err
		}
	}
	return nil
}

// protoEcho is echo.proto's EchoService with deterministic replies (the seed's handlers loop
// forever), as echoStreams says; bidi answers "inspect" with describe(ctx).
type protoEcho struct{}

func protoResponse(msg string) *echo.Response { return &echo.Response{Msg: msg} }

func (protoEcho) ClientSideStreaming(st echo.EchoService_ClientSideStreamingServer) error {
	return echoJoined(st.Recv, st.SendAndClose, (*echo.Request).GetMsg, protoResponse)
}

func (protoEcho) ServerSideStreaming(req *echo.Request, st echo.EchoService_ServerSideStreamingServer) error {
	return echoTen(req.Msg, st.Send, protoResponse)
}

func (protoEcho) BidiSideStreaming(st echo.EchoService_BidiSideStreamingServer) error {
	return echoBidi(st.Recv, st.Send, func(req *echo.Request) *echo.Response {
		if req.Msg == "inspect" {
			return protoResponse(describe(st.Context()))
		}
		return protoResponse(req.Msg)
	})
}

// thriftStream is stream.thrift's StreamService as its comments say.
type thriftStream struct{}

func thriftResponse(msg string) *stream.Response { return &stream.Response{Msg: msg} }

func (thriftStream) EchoBidi(st stream.StreamService_EchoBidiServer) error {
	return echoBidi(st.Recv, st.Send, func(req *stream.Request) *stream.Response { return thriftResponse(req.Msg) })
}

func (thriftStream) EchoClient(st stream.StreamService_EchoClientServer) error {
	return echoJoined(st.Recv, st.SendAndClose, (*stream.Request).GetMsg, thriftResponse)
}

func (thriftStream) EchoServer(req *stream.Request, st stream.StreamService_EchoServerServer) error {
	return echoTen(req.Msg, st.Send, thriftResponse)
}
