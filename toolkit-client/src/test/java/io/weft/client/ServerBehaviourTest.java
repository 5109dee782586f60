package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.CallContext;
import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.MethodDescriptor;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOption;
import io.weft.api.ServerOptions;
import io.weft.api.ServiceDefinition;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeReader;
import io.weft.internal.wire.ttheader.EnvelopeWriter;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.PayloadFormat;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.testing.Await;
import io.weft.testing.StringStruct;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
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

/**
 * The server's contract, end to end over real sockets with Weft's client, for a hand-built service
 * (moved here from examples/interop, where it used generated stubs; it lives in toolkit-client
 * because it needs both sides, and the server is a test dependency of the client): concurrency,
 * errors, metadata, bad input, graceful stop.
 */
class ServerBehaviourTest {
  /** Hold(msg) returns "slept" once the test releases it (see {@link TestHandler}). */
  private static final MethodDescriptor<String, String> HOLD = Methods.unary("Hold");

  /**
   * The handlers: Hold blocks until the test releases it, and Echo can report its call context or
   * throw.
   */
  static final class TestHandler {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final Set<String> peers = ConcurrentHashMap.newKeySet();

    String echo(String msg) {
      CallContext ctx = CallContext.current();
      peers.add(ctx.peer());
      return switch (msg) {
        case "boom" -> throw new IllegalStateException("boom");
        case "status" -> throw Status.of(StatusCode.NOT_FOUND, "no such thing").asException();
        case "context" ->
            ctx.callerService()
                + "|"
                + ctx.requestMetadata().get("k")
                + "|"
                + ctx.deadline().isPresent()
                + "|"
                + ctx.method()
                + "|"
                + ctx.transport();
        default -> msg;
      };
    }

    String hold(String msg) throws InterruptedException {
      entered.countDown();
      release.await();
      return "slept";
    }

    ServiceDefinition definition() {
      return ServiceDefinition.builder("EchoService", "test.EchoService")
          .unary(Methods.ECHO, this::echo)
          .unary(HOLD, this::hold)
          .build();
    }
  }

  private final TestHandler handler = new TestHandler();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private Server server;

  private Server start(ServerOption... options) {
    List<ServerOption> all = new ArrayList<>(List.of(options));
    all.add(0, ServerOptions.withServiceAddr("127.0.0.1", 0));
    server =
        Server.builder()
            .addService(handler.definition())
            .options(all.toArray(ServerOption[]::new))
            .build()
            .start();
    return server;
  }

  /** A client of the server, closed after the test, with Echo and Hold as methods. */
  private Stub client(ClientOption... options) {
    List<ClientOption> all = new ArrayList<>(List.of(options));
    all.add(0, ClientOptions.withHostPorts("127.0.0.1:" + server.port()));
    Client c = Client.newClient("EchoService", all.toArray(ClientOption[]::new));
    toClose.add(c);
    return new Stub(c);
  }

  /** What a generated stub would offer. */
  private record Stub(Client client) {
    String echo(String msg) {
      return client.unary(Methods.ECHO, msg, CallOptions.DEFAULT);
    }

    String echo(String msg, CallOptions options) {
      return client.unary(Methods.ECHO, msg, options);
    }

    String hold(CallOptions options) {
      return client.unary(HOLD, "x", options);
    }
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
    Stub cli = client(ClientOptions.withMuxConnection(10));
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> replies = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        String msg = "caller-" + i;
        replies.add(
            pool.submit(() -> {
              go.await();
              return cli.echo(msg);
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
  void slowHandlerDoesNotDelayTheNextRequestOfAnOutOfOrderClient() throws Exception {
    start();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(frame("Hold", "x", 1, TTHeader.FLAG_SUPPORT_OUT_OF_ORDER));
      out.write(frame("Echo", "quick", 2, TTHeader.FLAG_SUPPORT_OUT_OF_ORDER));
      out.flush();
      EnvelopeReader reader = new EnvelopeReader(s.getInputStream(), 1 << 20);
      Envelope first = reader.read(Framing.TTHEADER);
      assertThat(first.seqId()).as("the Echo reply overtakes the blocked Sleep").isEqualTo(2);
      assertThat(
              Methods.ECHO
                  .responseCodec()
                  .decode(first.buffer(), first.bodyOffset(), first.bodyLength()))
          .isEqualTo("quick");
      handler.release.countDown();
      Envelope second = reader.read(Framing.TTHEADER);
      assertThat(second.seqId()).isEqualTo(1);
      assertThat(second.name()).isEqualTo("Hold");
    }
  }

  @Test
  void requestsOfAnInOrderClientAreAnsweredOneAtATimeInOrder() throws Exception {
    start();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(frame("Hold", "x", 1, 0));
      out.write(frame("Echo", "after", 2, 0));
      out.flush();
      handler.entered.await();
      handler.release.countDown();
      EnvelopeReader reader = new EnvelopeReader(s.getInputStream(), 1 << 20);
      Envelope first = reader.read(Framing.TTHEADER);
      assertThat(first.seqId())
          .as("no out-of-order flag: replies keep the requests' order")
          .isOne();
      assertThat(first.name()).isEqualTo("Hold");
      Envelope second = reader.read(Framing.TTHEADER);
      assertThat(second.seqId()).isEqualTo(2);
      assertThat(
              Methods.ECHO
                  .responseCodec()
                  .decode(second.buffer(), second.bodyOffset(), second.bodyLength()))
          .isEqualTo("after");
    }
  }

  @Test
  void muxClientRunsCallsConcurrentlyOnOneConnection() throws Exception {
    start();
    Stub cli = client(ClientOptions.withMuxConnection(1));
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> slow = pool.submit(() -> cli.hold(CallOptions.DEFAULT));
      handler.entered.await();
      assertThat(cli.echo("meanwhile")).isEqualTo("meanwhile");
      assertThat(slow.isDone()).isFalse();
      handler.release.countDown();
      assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("slept");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"TTHEADER", "FRAMED", "BUFFERED"})
  void handlerExceptionBecomesInternalErrorWithItsMessage(Transport transport) {
    start();
    Stub cli = client(ClientOptions.withTransport(transport));
    assertThatThrownBy(() -> cli.echo("boom"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.code()).isEqualTo(StatusCode.INTERNAL);
              assertThat(e.status().description())
                  .hasValueSatisfying(d -> assertThat(d).contains("boom"));
            });
    assertThat(cli.echo("after")).isEqualTo("after");
  }

  @Test
  void statusFromHandlerKeepsItsCodeBetweenWeftPeers() {
    start();
    Stub cli = client();
    assertThatThrownBy(() -> cli.echo("status"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.code()).isEqualTo(StatusCode.NOT_FOUND);
              assertThat(e.status().description()).hasValue("no such thing");
            });
  }

  @Test
  void unknownMethodIsUnimplemented() {
    start();
    MethodDescriptor<String, String> nope = Methods.unary("Nope");
    try (Client c =
        Client.newClient(
            "EchoService", ClientOptions.withHostPorts("127.0.0.1:" + server.port()))) {
      assertThatThrownBy(() -> c.unary(nope, "x", CallOptions.DEFAULT))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.code()).isEqualTo(StatusCode.UNIMPLEMENTED);
                assertThat(e.getMessage()).contains("Nope");
              });
    }
  }

  @Test
  void metadataCallerAndDeadlineReachTheHandlerOverTTHeader() {
    start();
    Stub cli = client(ClientOptions.withCallerName("caller-svc"));
    String r =
        cli.echo("context", CallOptions.timeout(Duration.ofSeconds(30)).withHeader("k", "v"));
    assertThat(r).isEqualTo("caller-svc|v|true|Echo|TTHEADER");
  }

  @Test
  void timeoutIsADeadlineErrorInMuxModeToo() {
    start();
    Stub cli = client(ClientOptions.withMuxConnection(1));
    assertThatThrownBy(() -> cli.hold(CallOptions.timeout(Duration.ofMillis(100))))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED));
    handler.release.countDown();
    assertThat(cli.echo("still fine")).isEqualTo("still fine");
  }

  @Test
  void malformedFrameClosesOnlyItsConnection() throws Exception {
    start();
    Stub healthy = client();
    assertThat(healthy.echo("before")).isEqualTo("before");
    // TTHeader magic, then a header size that runs past the frame
    assertClosedAfterSending(
        HexFormat.of().parseHex("0000001010000000000000010fff0000000000000000000000000000"));
    // a length far over the 16 MiB limit
    assertClosedAfterSending(HexFormat.of().parseHex("7ffffff010000000"));
    // HTTP/1 is not served here
    assertClosedAfterSending(
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(healthy.echo("after")).isEqualTo("after");
  }

  @Test
  void oversizedFrameIsRejectedByTheConfiguredLimit() throws Exception {
    start(ServerOptions.withMaxFrameSize(4096));
    Stub cli = client();
    String big = "x".repeat(8192);
    assertThatThrownBy(() -> cli.echo(big))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
    assertThat(cli.echo("small")).isEqualTo("small");
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
    Stub cli = client();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> inFlight = pool.submit(() -> cli.hold(CallOptions.DEFAULT));
      handler.entered.await();
      Future<?> stopping = pool.submit(server::stop);
      // the listener closes first: new connections are refused while the call is still running
      // (refused outright, or reset if one raced into the closing listener's backlog)
      assertThat(Await.until(() -> Await.refusesConnections(port), Duration.ofSeconds(10)))
          .as("new connections refused while the call runs")
          .isTrue();
      assertThat(inFlight.isDone()).isFalse();
      handler.release.countDown();
      assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("slept");
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
      } catch (SocketException reset) {
        // a reset is a close too
      }
    }
  }

  /** A TTHeader CALL of {@code method}({@code msg}). */
  private static byte[] frame(String method, String msg, int seq, int flags) {
    Buffer out = new Buffer();
    EnvelopeWriter w =
        new EnvelopeWriter(out, Framing.TTHEADER, 1 << 20)
            .begin(
                new TTHeader().flags(flags),
                PayloadFormat.THRIFT_BINARY,
                Envelope.CALL,
                method,
                seq);
    byte[] body = new StringStruct(1).bytes(msg);
    out.write(body, 0, body.length);
    w.finish();
    return out.toByteArray();
  }
}
