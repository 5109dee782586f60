package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import interop.thrift.Request;
import interop.thrift.Response;
import interop.thrift.echoservice.EchoServiceClient;
import interop.thrift.echoservice.EchoServiceDescriptor;
import interop.thrift.echoservice.EchoServiceServer;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.grpc.testing.integration.testservice.TestServiceServer;
import io.weft.api.CallContext;
import io.weft.api.CallOptions;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.RetryPolicy;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOption;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.thrift.ApplicationErrors;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeReader;
import io.weft.internal.wire.ttheader.EnvelopeWriter;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.PayloadFormat;
import io.weft.internal.wire.ttheader.StrKey;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.testing.LogCapture;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.thrift.TApplicationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What other peers and a new user ran into, over real sockets: a handler that returns null, a
 * TTHeader string header with an empty key, a first frame of 16 MiB or more, headers on transports
 * that have none, caller names, and the client's own exception types.
 */
class PeerEdgeCasesTest {
  private static final int MIB = 1 << 20;

  /** Echo("null") and Sleep return null; Echo("context") reports what the call context holds. */
  static final class EchoHandler extends ThriftEchoHandler {
    @Override
    public Response echo(Request req) {
      CallContext ctx = CallContext.current();
      return switch (req.getMsg()) {
        case "null" -> null;
        case "context" ->
            new Response()
                .setMsg(
                    "caller="
                        + ctx.callerService()
                        + " k="
                        + ctx.requestMetadata().get("k")
                        + " deadline="
                        + ctx.deadline().isPresent());
        default -> super.echo(req);
      };
    }

    @Override
    public Response sleep(int millis) {
      return null;
    }
  }

  /**
   * TestService whose UnaryCall returns null for a response size of 1, and else names its caller in
   * the username.
   */
  static final class ProtoHandler extends GrpcTestHandler {
    @Override
    public SimpleResponse unaryCall(SimpleRequest request) {
      if (request.getResponseSize() == 1) {
        return null;
      }
      return SimpleResponse.newBuilder().setUsername(CallContext.current().callerService()).build();
    }
  }

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private LogCapture serverLog;
  private Server server;

  private Server start(ServerOption... options) {
    List<ServerOption> all = new ArrayList<>(List.of(options));
    all.add(0, ServerOptions.withServiceAddr("127.0.0.1", 0));
    server =
        Server.builder()
            .addService(EchoServiceServer.definition(new EchoHandler()))
            .addService(TestServiceServer.definition(new ProtoHandler()))
            .options(all.toArray(ServerOption[]::new))
            .build()
            .start();
    serverLog = new LogCapture(java.util.logging.Level.ALL, "io.weft.server.internal.Invoker");
    return server;
  }

  private EchoServiceClient echoClient(ClientOption... options) {
    List<ClientOption> all = new ArrayList<>(List.of(options));
    all.add(0, ClientOptions.withHostPorts("127.0.0.1:" + server.port()));
    EchoServiceClient c =
        EchoServiceClient.newClient("EchoService", all.toArray(ClientOption[]::new));
    toClose.add(c);
    return c;
  }

  private TestServiceClient protoClient(Transport transport, ClientOption... options) {
    List<ClientOption> all = new ArrayList<>(List.of(options));
    all.add(0, ClientOptions.withHostPorts("127.0.0.1:" + server.port()));
    all.add(ClientOptions.withTransport(transport));
    TestServiceClient c =
        TestServiceClient.newClient("grpc.testing.TestService", all.toArray(ClientOption[]::new));
    toClose.add(c);
    return c;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (serverLog != null) {
      serverLog.close();
    }
    for (AutoCloseable c : toClose) {
      c.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  // ---- a handler that returns null ----

  @Test
  void nullFromAThriftHandlerIsMissingResultOnTheWireAndLoggedOnce() throws Exception {
    start();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(20_000);
      Buffer out = new Buffer();
      TTHeaderFrames.echo(out, "null", 7);
      s.getOutputStream().write(out.toByteArray());
      Envelope reply = new EnvelopeReader(s.getInputStream(), MIB).read(Framing.TTHEADER);
      assertThat(reply.seqId()).isEqualTo(7);
      assertThat(reply.messageType()).as("message type").isEqualTo(Envelope.EXCEPTION);
      TApplicationException e =
          ApplicationErrors.decode(reply.buffer(), reply.bodyOffset(), reply.bodyLength());
      assertThat(e.getType()).isEqualTo(TApplicationException.MISSING_RESULT);
      assertThat(e.getMessage()).isEqualTo("handler for Echo returned null");
    }
    assertThat(serverLog.messages())
        .filteredOn(l -> l.contains("returned null"))
        .singleElement()
        .satisfies(l -> assertThat(l).contains("EchoService.Echo"));
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"TTHEADER", "FRAMED", "BUFFERED", "GRPC"})
  void nullFromAThriftHandlerFailsTheCallAndTheConnectionServesOn(Transport transport) {
    start();
    EchoServiceClient cli = echoClient(ClientOptions.withTransport(transport));
    RpcException e =
        catchThrowableOfType(RpcException.class, () -> cli.echo(new Request().setMsg("null")));
    assertThat(e).as("the call's failure").isNotNull();
    assertThat(e.code()).isEqualTo(StatusCode.INTERNAL);
    assertThat(e.status().description()).hasValue("handler for Echo returned null");
    RpcException sleep = catchThrowableOfType(RpcException.class, () -> cli.sleep(0));
    assertThat(sleep).as("Sleep's failure").isNotNull();
    assertThat(sleep.status().description()).hasValue("handler for Sleep returned null");
    assertThat(cli.echo(new Request().setMsg("after")).getMsg()).isEqualTo("after");
    assertThat(serverLog.messages()).filteredOn(l -> l.contains("returned null")).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"GRPC", "TTHEADER"}) // TTHEADER: Kitex Protobuf
  void nullFromAProtoHandlerIsInternalNamingTheMethodAndLoggedOnce(Transport transport) {
    start();
    TestServiceClient cli = protoClient(transport);
    RpcException e =
        catchThrowableOfType(
            RpcException.class,
            () -> cli.unaryCall(SimpleRequest.newBuilder().setResponseSize(1).build()));
    assertThat(e).as("the call's failure").isNotNull();
    assertThat(e.code()).isEqualTo(StatusCode.INTERNAL);
    assertThat(e.status().description()).hasValue("handler for UnaryCall returned null");
    assertThat(serverLog.messages())
        .as("server log")
        .filteredOn(l -> l.contains("returned null"))
        .singleElement()
        .satisfies(l -> assertThat(l).contains("UnaryCall"));
    assertThat(serverLog.messages())
        .as("server log")
        .noneMatch(l -> l.contains("NullPointerException"));
  }

  // ---- TTHeader string headers with an empty key ----

  @Test
  void emptyStringInfoKeyIsAcceptedAsKitexAcceptsIt() throws Exception {
    start();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(20_000);
      TTHeader h = new TTHeader();
      h.strInfo().put(StrKey.IDL_SERVICE_NAME, "EchoService");
      h.strInfo().put("", "no name");
      h.strInfo().put("k", "v");
      Buffer out = new Buffer();
      EnvelopeWriter w =
          new EnvelopeWriter(out, Framing.TTHEADER, MIB)
              .begin(h, PayloadFormat.THRIFT_BINARY, Envelope.CALL, "Echo", 3);
      EchoServiceDescriptor.ECHO
          .requestCodec()
          .encode(
              new EchoServiceDescriptor.EchoArgs().setReq(new Request().setMsg("context")), out);
      w.finish();
      s.getOutputStream().write(out.toByteArray());
      Envelope reply = new EnvelopeReader(s.getInputStream(), MIB).read(Framing.TTHEADER);
      assertThat(reply.messageType()).as("message type").isEqualTo(Envelope.REPLY);
      assertThat(
              EchoServiceDescriptor.ECHO
                  .responseCodec()
                  .decode(reply.buffer(), reply.bodyOffset(), reply.bodyLength())
                  .getSuccess()
                  .getMsg())
          .isEqualTo("caller= k=v deadline=false");
    }
  }

  // ---- a first frame of 16 MiB or more ----

  @ParameterizedTest
  @EnumSource(
      value = Framing.class,
      names = {"TTHEADER", "FRAMED"})
  void firstFrameOfSixteenMiBOrMoreIsDetectedWhenTheLimitAllowsIt(Framing framing)
      throws Exception {
    start(ServerOptions.withMaxFrameSize(40 * MIB));
    String big = "x".repeat(17 * MIB);
    Buffer out = new Buffer(18 * MIB);
    TTHeader h = null;
    if (framing.hasHeader()) {
      h = new TTHeader();
      h.strInfo().put(StrKey.IDL_SERVICE_NAME, "EchoService");
    }
    EnvelopeWriter w =
        new EnvelopeWriter(out, framing, 40 * MIB)
            .begin(h, PayloadFormat.THRIFT_BINARY, Envelope.CALL, "Echo", 1);
    EchoServiceDescriptor.ECHO
        .requestCodec()
        .encode(new EchoServiceDescriptor.EchoArgs().setReq(new Request().setMsg(big)), out);
    w.finish();
    byte[] frame = out.toByteArray();
    assertThat(frame[0]).as("the length's top byte").isNotZero();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(60_000);
      s.getOutputStream().write(frame);
      Envelope reply = new EnvelopeReader(s.getInputStream(), 40 * MIB).read(framing);
      assertThat(reply).as("the reply").isNotNull();
      assertThat(reply.messageType()).isEqualTo(Envelope.REPLY);
      assertThat(
              EchoServiceDescriptor.ECHO
                  .responseCodec()
                  .decode(reply.buffer(), reply.bodyOffset(), reply.bodyLength())
                  .getSuccess()
                  .getMsg())
          .hasSize(big.length());
    }
  }

  // ---- transports without headers, caller names ----

  @Test
  void framedCallsCarryNoHeadersTheCallGoesThroughWithoutThem() {
    start();
    EchoServiceClient cli =
        echoClient(
            ClientOptions.withTransport(Transport.FRAMED),
            ClientOptions.withCallerName("caller-svc"));
    Response r =
        cli.echo(
            new Request().setMsg("context"),
            CallOptions.timeout(Duration.ofSeconds(30)).withHeader("k", "v"));
    assertThat(r.getMsg()).isEqualTo("caller= k=null deadline=false");
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"TTHEADER", "GRPC"})
  void callerServiceIsEmptyWithoutACallerNameWhateverTheTransport(Transport transport) {
    start();
    assertThat(
            echoClient(ClientOptions.withTransport(transport))
                .echo(new Request().setMsg("context"))
                .getMsg())
        .startsWith("caller= ");
    assertThat(protoClient(transport).unaryCall(SimpleRequest.getDefaultInstance()).getUsername())
        .isEmpty();
    assertThat(
            protoClient(transport, ClientOptions.withCallerName("caller-svc"))
                .unaryCall(SimpleRequest.getDefaultInstance())
                .getUsername())
        .isEqualTo("caller-svc");
  }

  // ---- the client's own failures ----

  @Test
  void protobufOverBufferedIsAnRpcException() {
    start();
    TestServiceClient cli = protoClient(Transport.BUFFERED);
    RpcException e =
        catchThrowableOfType(
            RpcException.class, () -> cli.unaryCall(SimpleRequest.getDefaultInstance()));
    assertThat(e).as("the call's failure").isNotNull();
    assertThat(e.code()).isEqualTo(StatusCode.UNIMPLEMENTED);
    assertThat(e.getMessage()).contains("UnaryCall", "BUFFERED");
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"TTHEADER", "GRPC"})
  void failuresBeforeSendingArePlainRpcExceptions(Transport transport) throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    List<ClientOption> options =
        List.of(
            ClientOptions.withHostPorts("127.0.0.1:" + closed),
            ClientOptions.withTransport(transport));
    try (EchoServiceClient cli =
            EchoServiceClient.newClient("EchoService", options.toArray(ClientOption[]::new));
        EchoServiceClient retrying =
            EchoServiceClient.newClient(
                "EchoService",
                ClientOptions.withHostPorts("127.0.0.1:" + closed),
                ClientOptions.withTransport(transport),
                ClientOptions.withRetry(RetryPolicy.failureRetry(2)))) {
      assertPlain(catchThrowable(() -> cli.echo(new Request().setMsg("x"))));
      assertPlain(catchThrowable(() -> retrying.echo(new Request().setMsg("x"))));
      if (transport != Transport.GRPC) {
        assertPlain(catchThrowable(() -> cli.visitOneway(new Request().setMsg("x"))));
      }
    }
    try (var streams =
        interop.stream.streamservice.StreamServiceClient.newClient(
            "StreamService", ClientOptions.withHostPorts("127.0.0.1:" + closed))) {
      assertPlain(
          catchThrowable(() -> {
            var bidi = streams.echoBidi();
            bidi.send(new interop.stream.Request().setMsg("x"));
            bidi.recv();
          }));
    }
  }

  private static void assertPlain(Throwable t) {
    assertThat(t).as("the failure").isNotNull();
    assertThat(t.getClass()).as("the failure's class").isEqualTo(RpcException.class);
    assertThat(((RpcException) t).code()).isEqualTo(StatusCode.UNAVAILABLE);
  }
}
