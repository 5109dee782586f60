package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOptions;
import io.weft.api.MethodDescriptor;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.ServiceDefinition;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.http2.Frames;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeWriter;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.PayloadFormat;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.testing.LogCapture;
import io.weft.testing.ScriptedPeer;
import io.weft.testing.StringStruct;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What Weft (and Helidon under it) log at the default level, INFO, for what every server and client
 * meets: one line per rejected connection, WARNING only for what an operator must act on, nothing
 * for a peer that merely went away, and a handler's exception with its stack trace. Records are
 * captured by a JUL handler (System.Logger's default backend) on {@code io.weft} and {@code
 * io.helidon}. (Moved here from examples/interop, where it used generated stubs; the services are
 * hand-built.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogLinesTest {
  private static final Duration SOON = Duration.ofSeconds(10);

  private LogCapture capture;
  private Server server;

  @BeforeEach
  void capture() {
    capture =
        new LogCapture(
            Level.INFO,
            "io.weft",
            "io.helidon"); // Helidon's too: a port in use was its SEVERE lines
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
    capture.close();
  }

  /** A started server of {@code services} on a free port, its start-up lines forgotten. */
  private Server start(ServiceDefinition... services) {
    Server.Builder b = Server.builder().options(ServerOptions.withPort(0));
    for (ServiceDefinition s : services) {
      b.addService(s);
    }
    server = b.build().start();
    capture.records.clear();
    return server;
  }

  private static ServiceDefinition echoService() {
    return ServiceDefinition.builder("EchoService", "test.EchoService")
        .unary(Methods.ECHO, msg -> msg)
        .build();
  }

  @Test
  void aResetHttp2ConnectionWithAStreamOpenLogsNothing() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch ended = new CountDownLatch(1);
    start(
        ServiceDefinition.builder("Blobs", Blobs.SERVICE)
            .bidiStreaming(
                Blobs.CHAT,
                stream -> {
                  entered.countDown();
                  try {
                    for (byte[] ignored : stream) {
                      // until the stream ends
                    }
                  } finally {
                    ended.countDown();
                  }
                })
            .build());
    ScriptedPeer peer = ScriptedPeer.client(server.port()).autoAck(true).preface().settings();
    peer.headers(
        1,
        Frames.FLAG_END_HEADERS,
        ":method",
        "POST",
        ":scheme",
        "http",
        ":path",
        "/" + Blobs.SERVICE + "/Chat",
        ":authority",
        "localhost",
        "content-type",
        "application/grpc",
        "te",
        "trailers");
    assertThat(entered.await(SOON.toSeconds(), TimeUnit.SECONDS))
        .as("the handler started")
        .isTrue();
    peer.socket().setSoLinger(true, 0); // close with RST
    peer.socket().close();
    // the reader saw the reset, and failed the stream, before the handler's recv returned
    assertThat(ended.await(SOON.toSeconds(), TimeUnit.SECONDS)).as("the handler ended").isTrue();
    assertThat(capture.lines()).isEmpty();
  }

  @Test
  void anOversizedHttp2FrameLogsOneWarning() throws Exception {
    start(echoService());
    try (ScriptedPeer peer =
        ScriptedPeer.client(server.port()).autoAck(true).preface().settings()) {
      peer.raw(
          Frames.DATA,
          0,
          1,
          new byte[20_000]); // over the default SETTINGS_MAX_FRAME_SIZE of 16,384
      peer.await(f -> f.type() == Frames.GOAWAY, SOON); // logged before the GOAWAY is written
    }
    assertThat(capture.lines())
        .singleElement()
        .asString()
        .startsWith(
            "WARNING io.weft.internal.wire.http2.Http2Connection: closing HTTP/2 connection from 127.0.0.1:")
        .contains("20000 bytes, over SETTINGS_MAX_FRAME_SIZE 16384");
    assertThat(capture.records.get(0).getThrown()).isNull();
  }

  @Test
  void anOversizedTTHeaderFrameLogsOneWarning() throws Exception {
    start(echoService());
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout((int) SOON.toMillis());
      s.getOutputStream().write(echoCall("hi", 1)); // a first call identifies the protocol
      InputStream in = s.getInputStream();
      in.readNBytes(4);
      // then a frame of 2 GiB - 16 MiB: the server closes the connection
      s.getOutputStream().write(new byte[] {0x7f, 0, 0, 0, 0x10, 0, 0, 0});
      while (in.read() >= 0) {
        // the rest of the reply, then the end (logged before the close)
      }
    }
    assertThat(capture.lines())
        .singleElement()
        .asString()
        .startsWith(
            "WARNING io.weft.server.internal.SocketConnection: closing TTHEADER connection from 127.0.0.1:")
        .contains("frame of 2130706432 bytes exceeds the limit of");
  }

  @Test
  void aPortInUseFailsStartWithOneExceptionAndLogsNothing() {
    start(echoService());
    Server second = Server.newServer(echoService(), ServerOptions.withPort(server.port()));
    assertThatThrownBy(second::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot listen on 0.0.0.0:" + server.port())
        .hasMessageContaining("in use");
    assertThat(capture.lines()).isEmpty();
  }

  /**
   * Health's Check and Watch, and reflection's two versions, never log a clash of method names; two
   * user services do.
   */
  @Test
  void onlyUserServicesSharingAMethodNameLogALine() {
    Server built =
        Server.builder()
            .addService(unaryService("Inventory", "Watch"))
            .addService(unaryService("Stock", "Check"))
            .build();
    assertThat(capture.lines()).isEmpty();
    Server clash =
        Server.builder()
            .addService(unaryService("Inventory", "Watch"))
            .addService(unaryService("Stock", "Watch"))
            .build();
    assertThat(capture.lines())
        .singleElement()
        .asString()
        .isEqualTo(
            "INFO io.weft.server.internal.Registry: method Watch exists in Inventory and Stock;"
                + " callers without an IDL service name header reach Inventory");
    assertThat(List.of(built, clash)).allMatch(s -> !s.isRunning());
  }

  private static ServiceDefinition unaryService(String name, String method) {
    MethodDescriptor<String, String> d =
        MethodDescriptor.<String, String>builder()
            .serviceName(name)
            .fullServiceName("shop." + name)
            .methodName(method)
            .kind(io.weft.api.MethodKind.UNARY)
            .requestCodec(new StringStruct(1))
            .responseCodec(new StringStruct(0))
            .build();
    return ServiceDefinition.builder(name, "shop." + name).unary(d, req -> "").build();
  }

  @Test
  void callsToADownInstanceLogNothingAtInfo() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = s.getLocalPort();
    }
    try (Client cli =
        Client.newClient("EchoService", ClientOptions.withHostPorts("127.0.0.1:" + dead))) {
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> cli.unary(Methods.ECHO, "x", CallOptions.DEFAULT))
            .isInstanceOfSatisfying(
                RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
      }
    }
    assertThat(capture.lines()).isEmpty();
  }

  @Test
  void aThriftHandlerExceptionIsLoggedWithItsStackTrace() {
    IllegalStateException boom = new IllegalStateException("boom");
    start(
        ServiceDefinition.builder("EchoService", "test.EchoService")
            .unary(
                Methods.ECHO,
                msg -> {
                  throw boom;
                })
            .build());
    try (Client cli =
        Client.newClient(
            "EchoService", ClientOptions.withHostPorts("127.0.0.1:" + server.port()))) {
      assertThatThrownBy(() -> cli.unary(Methods.ECHO, "x", CallOptions.DEFAULT))
          .isInstanceOf(RpcException.class)
          .hasMessageContaining("boom");
    }
    // logged before the error reply was written
    assertThat(capture.lines())
        .singleElement()
        .asString()
        .isEqualTo("WARNING io.weft.server.internal.SocketCall: EchoService.Echo handler threw");
    assertThat(capture.records.get(0).getThrown()).isSameAs(boom);
  }

  @Test
  void aGrpcHandlerExceptionIsLoggedWithItsStackTrace() {
    IllegalStateException boom = new IllegalStateException("boom");
    start(
        ServiceDefinition.builder("Blobs", Blobs.SERVICE)
            .unary(
                Blobs.SIZED,
                request -> {
                  throw boom;
                })
            .build());
    try (Client cli =
        Client.newClient(
            Blobs.SERVICE,
            ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
            ClientOptions.withTransport(Transport.GRPC))) {
      assertThatThrownBy(() -> cli.unary(Blobs.SIZED, new byte[0], CallOptions.DEFAULT))
          .isInstanceOf(RpcException.class)
          .hasMessageContaining("boom");
    }
    assertThat(capture.lines())
        .singleElement()
        .asString()
        .isEqualTo(
            "WARNING io.weft.server.internal.GrpcServerCall: "
                + Blobs.SERVICE
                + "/Sized handler threw");
    assertThat(capture.records.get(0).getThrown()).isSameAs(boom);
  }

  /** A TTHeader CALL of Echo({@code msg}). */
  private static byte[] echoCall(String msg, int seq) {
    Buffer out = new Buffer();
    EnvelopeWriter w =
        new EnvelopeWriter(out, Framing.TTHEADER, 16 << 20)
            .begin(new TTHeader(), PayloadFormat.THRIFT_BINARY, Envelope.CALL, "Echo", seq);
    byte[] body = new StringStruct(1).bytes(msg);
    out.write(body, 0, body.length);
    w.finish();
    return out.toByteArray();
  }
}
