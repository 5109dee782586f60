package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import interop.thrift.EchoError;
import interop.thrift.Request;
import interop.thrift.Response;
import interop.thrift.echoservice.EchoServiceClient;
import io.grpc.testing.integration.Messages.EchoStatus;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.weft.api.BizStatusException;
import io.weft.api.CallContext;
import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOptions;
import io.weft.api.MetaInfo;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Weft and the real Kitex (interop/kitex, Kitex v0.16.3) calling each other over every protocol
 * they share: Kitex's client against Weft's interop server, and Weft's client against Kitex's
 * servers, with the cases of docs/interop.md plus metainfo, caller names, RPC timeouts and business
 * status errors.
 */
class KitexPeerTest {
  private static Server weft;
  private static PeerProcesses.KitexServers kitex;
  private static final RecordingEchoHandler HANDLER = new RecordingEchoHandler();

  /**
   * interop.thrift's EchoService as the interop server serves it, plus what these tests need to see
   * from inside: the context of an {@code Echo("metainfo")} call (and what a Kitex server saw when
   * this handler called on), and a business status error for {@code Fail} with a negative code.
   */
  static final class RecordingEchoHandler extends ThriftEchoHandler {
    final Map<String, CallContext> seen = new ConcurrentHashMap<>();
    final Map<String, String> downstream = new ConcurrentHashMap<>();

    @Override
    public Response echo(Request req) {
      if ("metainfo".equals(req.getMsg())) {
        CallContext ctx = CallContext.current();
        seen.put(req.getMsg(), ctx);
        // call on to Kitex from inside the call: the persistent value must travel on by itself
        try (var cli =
            EchoServiceClient.newClient(
                "EchoService",
                ClientOptions.withHostPorts("127.0.0.1:" + kitex.port("thrift")),
                ClientOptions.withTransport(Transport.TTHEADER),
                ClientOptions.withCallerName("weft-middle"))) {
          downstream.put(req.getMsg(), cli.echo(new Request().setMsg("inspect")).getMsg());
        }
      }
      return super.echo(req);
    }

    @Override
    public Response fail(int code, String message) throws EchoError {
      if (code < 0) {
        throw new BizStatusException(-code, message, Map.of("weft", "java"));
      }
      return super.fail(code, message);
    }
  }

  /**
   * grpc.testing's TestService, plus a business status error for a negative {@code response_status}
   * code.
   */
  static final class BizGrpcHandler extends GrpcTestHandler {
    @Override
    public SimpleResponse unaryCall(SimpleRequest request) {
      if (request.getResponseStatus().getCode() < 0) {
        throw new BizStatusException(
            -request.getResponseStatus().getCode(),
            request.getResponseStatus().getMessage(),
            Map.of("weft", "java"));
      }
      return super.unaryCall(request);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    kitex = KitexPeer.servers();
    weft = InteropServer.create(0, HANDLER, new BizGrpcHandler()).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (weft != null) {
      weft.stop();
    }
    if (kitex != null) {
      kitex.close();
    }
  }

  // ---- Kitex's client, Weft's server ----

  @ParameterizedTest(name = "kitex client → weft: {0}/{1}")
  @CsvSource({
    "ttheader, echo",
    "ttheader, oneway",
    "ttheader, all_types",
    "ttheader, declared_exception",
    "ttheader, void",
    "ttheader, timeout",
    "ttheader, biz_status",
    "ttheader-mux, echo",
    "ttheader-mux, oneway",
    "ttheader-mux, all_types",
    "ttheader-mux, declared_exception",
    "ttheader-mux, timeout",
    "ttheader-mux, biz_status",
    "framed, echo",
    "framed, oneway",
    "framed, all_types",
    "framed, declared_exception",
    "framed, void",
    "framed, timeout",
    "buffered, echo",
    "buffered, oneway",
    "buffered, all_types",
    "buffered, declared_exception",
    "buffered, void",
    "kitexpb, empty_unary",
    "kitexpb, large_unary",
    "grpc, empty_unary",
    "grpc, large_unary",
    "grpc, status_code_and_message",
    "grpc, client_streaming",
    "grpc, server_streaming",
    "grpc, ping_pong",
    "grpc, unimplemented_method",
    "grpc, biz_status",
    "grpc-proto-echo, bidi",
    "grpc-proto-echo, client_stream",
    "grpc-proto-echo, server_stream",
    "grpc-thrift, bidi",
    "grpc-thrift, client_stream",
    "grpc-thrift, server_stream",
  })
  void kitexClientAgainstWeft(String transport, String testCase) throws Exception {
    assertThat(KitexPeer.client(weft.port(), transport, testCase)).isNull();
  }

  /** What a Kitex caller sends besides the request: its name, its metainfo and its timeout. */
  @Test
  void weftServerSeesKitexCallerNameMetainfoAndTimeout() throws Exception {
    assertThat(KitexPeer.client(weft.port(), "ttheader", "metainfo")).isNull();
    CallContext ctx = HANDLER.seen.get("metainfo");
    assertThat(ctx).isNotNull();
    assertThat(ctx.callerService()).isEqualTo("kitex-peer-client");
    assertThat(ctx.metaInfo().persistent()).containsEntry("WEFT_PERSIST", "p-value");
    assertThat(ctx.metaInfo().transients()).containsEntry("WEFT_TRANSIT", "t-value");
    assertThat(ctx.deadline()).isPresent();
    // Weft called on to Kitex from that handler: the persistent value went along, the transient did
    // not
    assertThat(HANDLER.downstream.get("metainfo"))
        .contains("from=weft-middle/Echo")
        .contains("persist=WEFT_PERSIST:p-value")
        .contains("transit= ")
        .contains("deadline=yes");
  }

  // ---- Weft's client, Kitex's servers ----

  @ParameterizedTest(name = "weft client → kitex: {0}/{1}")
  @CsvSource({
    "ttheader, echo", "ttheader, oneway", "ttheader, all_types", "ttheader, declared_exception",
        "ttheader, void", "ttheader, timeout",
    "framed, echo", "framed, oneway", "framed, all_types", "framed, declared_exception",
        "framed, void", "framed, timeout",
    "buffered, echo", "buffered, oneway", "buffered, all_types", "buffered, declared_exception",
        "buffered, void",
  })
  void weftThriftClientAgainstKitex(String transport, String testCase) {
    assertThat(InteropClient.run("127.0.0.1", kitex.port("thrift"), transport, testCase)).isNull();
  }

  @ParameterizedTest(name = "weft client → kitex: {0}/{1}")
  @CsvSource({
    "kitexpb, empty_unary",
    "kitexpb, large_unary",
    "grpc, empty_unary",
    "grpc, large_unary",
    "grpc, client_streaming",
    "grpc, server_streaming",
    "grpc, ping_pong",
    "grpc, empty_stream",
    "grpc, cancel_after_begin",
    "grpc, cancel_after_first_response",
    "grpc, timeout_on_sleeping_server",
    "grpc, custom_metadata",
    "grpc, unimplemented_method",
  })
  void weftProtoClientAgainstKitex(String transport, String testCase) {
    assertThat(InteropClient.run("127.0.0.1", kitex.port("testservice"), transport, testCase))
        .isNull();
  }

  @ParameterizedTest(name = "weft client → kitex: {0}/{1}")
  @CsvSource({"bidi", "client_stream", "server_stream"})
  void weftStreamingClientsAgainstKitex(String testCase) {
    assertThat(InteropClient.run("127.0.0.1", kitex.port("stream"), "grpc-thrift", testCase))
        .isNull();
    assertThat(InteropClient.run("127.0.0.1", kitex.port("echoproto"), "grpc-proto-echo", testCase))
        .isNull();
  }

  /**
   * Weft's multiplexed TTHeader client (many calls in flight on two connections) against Kitex's
   * server.
   */
  @Test
  void weftMuxClientAgainstKitex() throws Exception {
    try (var cli =
            EchoServiceClient.newClient(
                "EchoService",
                ClientOptions.withHostPorts("127.0.0.1:" + kitex.port("thrift")),
                ClientOptions.withMuxConnection(2));
        var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String msg = "mux-" + i;
        answers.add(pool.submit(() -> cli.echo(new Request().setMsg(msg)).getMsg()));
      }
      for (int i = 0; i < 200; i++) {
        assertThat(answers.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS))
            .isEqualTo("mux-" + i);
      }
    }
  }

  /** A Kitex gRPC server appends " [biz error]" to a handler's status message; the code is kept. */
  @Test
  void kitexGrpcStatusKeepsCodeAndMessage() throws Exception {
    try (Client client =
        Client.newClient(
            "grpc.testing.TestService",
            ClientOptions.withHostPorts("127.0.0.1:" + kitex.port("testservice")),
            ClientOptions.withTransport(Transport.GRPC))) {
      RpcException e =
          catchThrowableOfType(
              RpcException.class,
              () ->
                  TestServiceClient.of(client)
                      .unaryCall(
                          SimpleRequest.newBuilder()
                              .setResponseStatus(
                                  EchoStatus.newBuilder()
                                      .setCode(2)
                                      .setMessage("test status message"))
                              .build()));
      assertThat(e.code()).isEqualTo(StatusCode.UNKNOWN);
      assertThat(e.status().description())
          .hasValueSatisfying(d -> assertThat(d).startsWith("test status message"));
    }
  }

  /**
   * Weft's caller name, metainfo and deadline, as a Kitex handler sees them, over TTHeader and
   * gRPC.
   */
  @Test
  void kitexServerSeesWeftCallerNameMetainfoAndTimeout() throws Exception {
    CallOptions options =
        CallOptions.timeout(Duration.ofSeconds(5))
            .withPersistent("WEFT_PERSIST", "p")
            .withTransient("WEFT_TRANSIT", "t");
    try (var cli =
        EchoServiceClient.newClient(
            "EchoService",
            ClientOptions.withHostPorts("127.0.0.1:" + kitex.port("thrift")),
            ClientOptions.withTransport(Transport.TTHEADER),
            ClientOptions.withCallerName("weft-caller"))) {
      assertThat(cli.echo(new Request().setMsg("inspect"), options).getMsg())
          .isEqualTo(
              "from=weft-caller/ to=kitex-thrift/Echo persist=WEFT_PERSIST:p transit=WEFT_TRANSIT:t deadline=yes");
    }
    try (var cli =
            echo.echoservice.EchoServiceClient.newClient(
                "echo.EchoService",
                ClientOptions.withHostPorts("127.0.0.1:" + kitex.port("echoproto")),
                ClientOptions.withTransport(Transport.GRPC),
                ClientOptions.withCallerName("weft-caller"));
        var stream = cli.bidiSideStreaming(options)) {
      stream.send(echo.Echo.Request.newBuilder().setMsg("inspect").build());
      assertThat(stream.recv().getMsg())
          .startsWith("from=weft-caller/")
          .contains("persist=WEFT_PERSIST:p transit=WEFT_TRANSIT:t deadline=yes");
      stream.closeSend();
    }
  }

  /**
   * Kitex's business status errors reach Weft's caller with code, message and extra, over TTHeader
   * and gRPC.
   */
  @Test
  void kitexBusinessStatusReachesWeftCaller() throws Exception {
    try (var cli =
        EchoServiceClient.newClient(
            "EchoService",
            ClientOptions.withHostPorts("127.0.0.1:" + kitex.port("thrift")),
            ClientOptions.withTransport(Transport.TTHEADER))) {
      assertBiz(catchThrowableOfType(BizStatusException.class, () -> cli.fail(-7, "biz says no")));
    }
    try (Client client =
        Client.newClient(
            "grpc.testing.TestService",
            ClientOptions.withHostPorts("127.0.0.1:" + kitex.port("testservice")),
            ClientOptions.withTransport(Transport.GRPC))) {
      assertBiz(
          catchThrowableOfType(
              BizStatusException.class,
              () ->
                  TestServiceClient.of(client)
                      .unaryCall(
                          SimpleRequest.newBuilder()
                              .setResponseStatus(
                                  EchoStatus.newBuilder().setCode(-7).setMessage("biz says no"))
                              .build())));
    }
  }

  /**
   * Weft's own client reads what Weft's server writes for a business status error, on both
   * transports.
   */
  @Test
  void weftBusinessStatusRoundTrips() throws Exception {
    try (var cli =
        EchoServiceClient.newClient(
            "EchoService",
            ClientOptions.withHostPorts("127.0.0.1:" + weft.port()),
            ClientOptions.withTransport(Transport.TTHEADER))) {
      BizStatusException e =
          catchThrowableOfType(BizStatusException.class, () -> cli.fail(-7, "biz says no"));
      assertThat(e.extra()).containsExactly(Map.entry("weft", "java"));
    }
    try (Client client =
        Client.newClient(
            "grpc.testing.TestService",
            ClientOptions.withHostPorts("127.0.0.1:" + weft.port()),
            ClientOptions.withTransport(Transport.GRPC),
            ClientOptions.withRPCTimeout(Duration.ofSeconds(5)))) {
      BizStatusException e =
          catchThrowableOfType(
              BizStatusException.class,
              () ->
                  TestServiceClient.of(client)
                      .unaryCall(
                          SimpleRequest.newBuilder()
                              .setResponseStatus(
                                  EchoStatus.newBuilder().setCode(-7).setMessage("biz says no"))
                              .build()));
      assertThat(e.code()).isEqualTo(7);
      assertThat(e.extra()).containsExactly(Map.entry("weft", "java"));
    }
  }

  private static void assertBiz(BizStatusException e) {
    assertThat(e.code()).isEqualTo(7);
    assertThat(e.getMessage()).isEqualTo("biz says no");
    assertThat(e.extra()).containsExactly(Map.entry("weft", "peer"));
  }

  @Test
  void metaInfoIsEmptyOutsideACall() {
    assertThat(CallContext.current().metaInfo()).isEqualTo(MetaInfo.EMPTY);
  }
}
