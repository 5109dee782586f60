package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import interop.thrift.Request;
import interop.thrift.Response;
import interop.thrift.echoservice.EchoServiceClient;
import interop.thrift.echoservice.EchoServiceDescriptor;
import interop.thrift.echoservice.EchoServiceServer;
import io.weft.api.CallContext;
import io.weft.api.CallOptions;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.RpcException;
import io.weft.api.ServerOption;
import io.weft.api.ServerOptions;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.api.Client;
import io.weft.api.Server;
import io.weft.internal.wire.Buffer;
import io.weft.runtime.ThriftCodec;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeReader;
import io.weft.internal.wire.ttheader.EnvelopeWriter;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.PayloadFormat;
import io.weft.internal.wire.ttheader.TTHeader;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The server's contract, end to end over real sockets: concurrency, errors, metadata, bad input, graceful stop. */
class ServerBehaviourTest {
  /** A handler whose Sleep blocks until the test releases it, and whose Echo can report its call context or throw. */
  static final class TestHandler extends ThriftEchoHandler {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final Set<String> peers = ConcurrentHashMap.newKeySet();

    @Override
    public Response echo(Request req) {
      CallContext ctx = CallContext.current();
      peers.add(ctx.peer());
      return switch (req.getMsg()) {
        case "boom" -> throw new IllegalStateException("boom");
        case "status" -> throw Status.of(StatusCode.NOT_FOUND, "no such thing").asException();
        case "context" -> new Response().setMsg(ctx.callerService() + "|" + ctx.requestMetadata().get("k") + "|"
            + ctx.deadline().isPresent() + "|" + ctx.method() + "|" + ctx.transport());
        default -> super.echo(req);
      };
    }

    @Override
    public Response sleep(int millis) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Response().setMsg("slept");
    }
  }

  private final TestHandler handler = new TestHandler();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private Server server;

  private Server start(ServerOption... options) {
    List<ServerOption> all = new ArrayList<>(List.of(options));
    all.add(0, ServerOptions.withServiceAddr("127.0.0.1", 0));
    server = Server.builder().addService(EchoServiceServer.definition(handler)).options(all.toArray(ServerOption[]::new)).build().start();
    return server;
  }

  private EchoServiceClient client(ClientOption... options) {
    List<ClientOption> all = new ArrayList<>(List.of(options));
    all.add(0, ClientOptions.withHostPorts("127.0.0.1:" + server.port()));
    EchoServiceClient c = EchoServiceClient.newClient("EchoService", all.toArray(ClientOption[]::new));
    toClose.add(c);
    return c;
  }

  @AfterEach
  void tearDown() throws Exception {
    handler.release.countDown();
    for (AutoCloseable c : toClose) {
      c.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void thousandConcurrentCallersOnTenConnectionsGetTheirOwnReplies() throws Exception {
    start();
    EchoServiceClient cli = client(ClientOptions.withMuxConnection(10));
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> replies = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        String msg = "caller-" + i;
        replies.add(pool.submit(() -> {
          go.await();
          return cli.echo(new Request().setMsg(msg)).getMsg();
        }));
      }
      go.countDown();
      for (int i = 0; i < 1000; i++) {
        assertThat(replies.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("caller-" + i);
      }
    }
    assertThat(handler.peers).hasSizeLessThanOrEqualTo(10);
  }

  @Test
  void slowHandlerDoesNotDelayTheNextRequestOnTheSameConnection() throws Exception {
    start();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(frame(EchoServiceDescriptor.SLEEP, new EchoServiceDescriptor.SleepArgs().setMillis(1), 1));
      out.write(frame(EchoServiceDescriptor.ECHO, new EchoServiceDescriptor.EchoArgs().setReq(new Request().setMsg("quick")), 2));
      out.flush();
      EnvelopeReader reader = new EnvelopeReader(s.getInputStream(), 1 << 20);
      Envelope first = reader.read(Framing.TTHEADER);
      assertThat(first.seqId()).as("the Echo reply overtakes the blocked Sleep").isEqualTo(2);
      assertThat(EchoServiceDescriptor.ECHO.responseCodec().decode(first.buffer(), first.bodyOffset(), first.bodyLength())
          .getSuccess().getMsg()).isEqualTo("quick");
      handler.release.countDown();
      Envelope second = reader.read(Framing.TTHEADER);
      assertThat(second.seqId()).isEqualTo(1);
      assertThat(second.name()).isEqualTo("Sleep");
    }
  }

  @Test
  void muxClientRunsCallsConcurrentlyOnOneConnection() throws Exception {
    start();
    EchoServiceClient cli = client(ClientOptions.withMuxConnection(1));
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Response> slow = pool.submit(() -> cli.sleep(1));
      handler.entered.await();
      assertThat(cli.echo(new Request().setMsg("meanwhile")).getMsg()).isEqualTo("meanwhile");
      assertThat(slow.isDone()).isFalse();
      handler.release.countDown();
      assertThat(slow.get(10, TimeUnit.SECONDS).getMsg()).isEqualTo("slept");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"TTHEADER", "FRAMED", "BUFFERED"})
  void handlerExceptionBecomesInternalErrorWithItsMessage(Transport transport) {
    start();
    EchoServiceClient cli = client(ClientOptions.withTransport(transport));
    assertThatThrownBy(() -> cli.echo(new Request().setMsg("boom")))
        .isInstanceOfSatisfying(RpcException.class, e -> {
          assertThat(e.code()).isEqualTo(StatusCode.INTERNAL);
          assertThat(e.status().description()).hasValueSatisfying(d -> assertThat(d).contains("boom"));
        });
    assertThat(cli.echo(new Request().setMsg("after")).getMsg()).isEqualTo("after");
  }

  @Test
  void statusFromHandlerKeepsItsCodeBetweenWeftPeers() {
    start();
    EchoServiceClient cli = client();
    assertThatThrownBy(() -> cli.echo(new Request().setMsg("status")))
        .isInstanceOfSatisfying(RpcException.class, e -> {
          assertThat(e.code()).isEqualTo(StatusCode.NOT_FOUND);
          assertThat(e.status().description()).hasValue("no such thing");
        });
  }

  @Test
  void unknownMethodIsUnimplemented() {
    start();
    MethodDescriptor<EchoServiceDescriptor.PingArgs, EchoServiceDescriptor.PingResult> nope =
        MethodDescriptor.<EchoServiceDescriptor.PingArgs, EchoServiceDescriptor.PingResult>builder()
            .serviceName("EchoService").methodName("Nope").kind(MethodKind.UNARY)
            .requestCodec(ThriftCodec.of(EchoServiceDescriptor.PingArgs::new))
            .responseCodec(ThriftCodec.of(EchoServiceDescriptor.PingResult::new)).build();
    try (Client c = Client.newClient("EchoService", ClientOptions.withHostPorts("127.0.0.1:" + server.port()))) {
      assertThatThrownBy(() -> c.unary(nope, new EchoServiceDescriptor.PingArgs(), CallOptions.DEFAULT))
          .isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(StatusCode.UNIMPLEMENTED);
            assertThat(e.getMessage()).contains("Nope");
          });
    }
  }

  @Test
  void metadataCallerAndDeadlineReachTheHandlerOverTTHeader() {
    start();
    EchoServiceClient cli = client(ClientOptions.withCallerName("caller-svc"));
    Response r = cli.echo(new Request().setMsg("context"), CallOptions.timeout(Duration.ofSeconds(30)).withHeader("k", "v"));
    assertThat(r.getMsg()).isEqualTo("caller-svc|v|true|Echo|TTHEADER");
  }

  @Test
  void timeoutIsADeadlineErrorInMuxModeToo() {
    start();
    EchoServiceClient cli = client(ClientOptions.withMuxConnection(1));
    assertThatThrownBy(() -> cli.sleep(1, CallOptions.timeout(Duration.ofMillis(100))))
        .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED));
    handler.release.countDown();
    assertThat(cli.echo(new Request().setMsg("still fine")).getMsg()).isEqualTo("still fine");
  }

  @Test
  void malformedFrameClosesOnlyItsConnection() throws Exception {
    start();
    EchoServiceClient healthy = client();
    assertThat(healthy.echo(new Request().setMsg("before")).getMsg()).isEqualTo("before");
    // TTHeader magic, then a header size that runs past the frame
    assertClosedAfterSending(HexFormat.of().parseHex("0000001010000000000000010fff0000000000000000000000000000"));
    // a length far over the 16 MiB limit
    assertClosedAfterSending(HexFormat.of().parseHex("7ffffff010000000"));
    // HTTP/1 is not served here
    assertClosedAfterSending("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(healthy.echo(new Request().setMsg("after")).getMsg()).isEqualTo("after");
  }

  @Test
  void oversizedFrameIsRejectedByTheConfiguredLimit() throws Exception {
    start(ServerOptions.withMaxFrameSize(4096));
    EchoServiceClient cli = client();
    String big = "x".repeat(8192);
    assertThatThrownBy(() -> cli.echo(new Request().setMsg(big)))
        .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
    assertThat(cli.echo(new Request().setMsg("small")).getMsg()).isEqualTo("small");
  }

  @Test
  void connectionThatStallsBeforeIdentifyingIsDropped() throws Exception {
    start(ServerOptions.withDetectionTimeout(Duration.ofMillis(200)));
    assertClosedAfterSending(new byte[] {0});
  }

  @Test
  void gracefulStopLetsInFlightCallsFinishAndRefusesNewConnections() throws Exception {
    start();
    int port = server.port();
    EchoServiceClient cli = client();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Response> inFlight = pool.submit(() -> cli.sleep(1));
      handler.entered.await();
      Future<?> stopping = pool.submit(server::stop);
      // the listener closes first: new connections are refused while the call is still running
      // (refused outright, or reset if one raced into the closing listener's backlog)
      assertThat(Await.until(() -> Await.refusesConnections(port), Duration.ofSeconds(10)))
          .as("new connections refused while the call runs").isTrue();
      assertThat(inFlight.isDone()).isFalse();
      handler.release.countDown();
      assertThat(inFlight.get(10, TimeUnit.SECONDS).getMsg()).isEqualTo("slept");
      stopping.get(10, TimeUnit.SECONDS);
    }
    assertThat(server.isRunning()).isFalse();
  }

  /** Sends {@code bytes} on a fresh connection and expects the server to close it. */
  private void assertClosedAfterSending(byte[] bytes) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(bytes);
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      int b;
      try {
        while ((b = in.read()) >= 0) {
          assertThat(b).as("no reply bytes are expected").isLessThan(0);
        }
      } catch (java.net.SocketException reset) {
        // a reset is a close too
      }
    }
  }

  private static <Req> byte[] frame(MethodDescriptor<Req, ?> method, Req args, int seq) throws Exception {
    Buffer out = new Buffer();
    EnvelopeWriter w = new EnvelopeWriter(out, Framing.TTHEADER, 1 << 20).begin(new TTHeader(), PayloadFormat.THRIFT_BINARY, Envelope.CALL, method.methodName(), seq);
    method.requestCodec().encode(args, out);
    w.finish();
    return out.toByteArray();
  }
}
