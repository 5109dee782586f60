package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import interop.thrift.Request;
import interop.thrift.Response;
import interop.thrift.echoservice.EchoServiceClient;
import interop.thrift.echoservice.EchoServiceDescriptor;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.weft.api.BidiStreamingServer;
import io.weft.api.ClientOptions;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.RpcException;
import io.weft.api.ServiceDefinition;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.api.Server;
import io.weft.internal.wire.Buffer;
import io.weft.runtime.ThriftCodec;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What Weft (and Helidon under it) log at the default level, INFO, for what every server and
 * client meets: one line per rejected connection, WARNING only for what an operator must act on,
 * nothing for a peer that merely went away, and a handler's exception with its stack trace.
 * Records are captured by a JUL handler (System.Logger's default backend) on {@code io.weft} and
 * {@code io.helidon}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogLinesTest {
  private static final String FULL_DUPLEX = "/grpc.testing.TestService/FullDuplexCall";
  private static final Duration SOON = Duration.ofSeconds(10);

  private LogCapture capture;
  private Server server;

  @BeforeEach
  void capture() {
    capture = new LogCapture(Level.INFO, "io.weft", "io.helidon"); // Helidon's too: a port in use was its SEVERE lines
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
    capture.close();
  }

  /** A bidi handler that says when it started and when it ended. */
  static final class Watched extends GrpcTestHandler {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch ended = new CountDownLatch(1);

    @Override
    public void fullDuplexCall(BidiStreamingServer<StreamingOutputCallRequest, StreamingOutputCallResponse> stream) throws InterruptedException {
      entered.countDown();
      try {
        super.fullDuplexCall(stream);
      } finally {
        ended.countDown();
      }
    }
  }

  @Test
  void aResetHttp2ConnectionWithAStreamOpenLogsNothing() throws Exception {
    Watched handler = new Watched();
    server = InteropServer.create(0, new ThriftEchoHandler(), handler).start();
    capture.records.clear(); // the start-up line
    H2Wire w = H2Wire.open(server.port());
    w.openGrpc(FULL_DUPLEX, false);
    assertThat(handler.entered.await(SOON.toSeconds(), TimeUnit.SECONDS)).as("the handler started").isTrue();
    w.socket().setSoLinger(true, 0); // close with RST
    w.socket().close();
    // the reader saw the reset, and failed the stream, before the handler's recv returned
    assertThat(handler.ended.await(SOON.toSeconds(), TimeUnit.SECONDS)).as("the handler ended").isTrue();
    assertThat(capture.lines()).isEmpty();
  }

  @Test
  void anOversizedHttp2FrameLogsOneWarning() throws Exception {
    server = InteropServer.create(0).start();
    capture.records.clear();
    H2Wire w = H2Wire.open(server.port());
    w.frame(H2Wire.DATA, 0, 1, new byte[20_000]); // over the default SETTINGS_MAX_FRAME_SIZE of 16,384
    w.awaitGoAway(SOON); // logged before the GOAWAY is written
    w.close();
    assertThat(capture.lines()).singleElement().asString()
        .startsWith("WARNING io.weft.internal.wire.http2.Http2Connection: closing HTTP/2 connection from 127.0.0.1:")
        .contains("20000 bytes, over SETTINGS_MAX_FRAME_SIZE 16384");
    assertThat(capture.records.get(0).getThrown()).isNull();
  }

  @Test
  void anOversizedTTHeaderFrameLogsOneWarning() throws Exception {
    server = InteropServer.create(0).start();
    capture.records.clear();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout((int) SOON.toMillis());
      Buffer call = new Buffer();
      TTHeaderFrames.echo(call, "hi", 1); // a first call identifies the protocol
      s.getOutputStream().write(call.toByteArray());
      InputStream in = s.getInputStream();
      in.readNBytes(4);
      // then a frame of 2 GiB - 16 MiB: the server closes the connection
      s.getOutputStream().write(new byte[] {0x7f, 0, 0, 0, 0x10, 0, 0, 0});
      while (in.read() >= 0) {
        // the rest of the reply, then the end (logged before the close)
      }
    }
    assertThat(capture.lines()).singleElement().asString()
        .startsWith("WARNING io.weft.server.internal.SocketConnection: closing TTHEADER connection from 127.0.0.1:")
        .contains("frame of 2130706432 bytes exceeds the limit of");
  }

  @Test
  void aPortInUseFailsStartWithOneExceptionAndLogsNothing() throws Exception {
    server = InteropServer.create(0).start();
    capture.records.clear();
    Server second = InteropServer.create(server.port());
    assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot listen on 0.0.0.0:" + server.port())
        .hasMessageContaining("in use");
    assertThat(capture.lines()).isEmpty();
  }

  /** Health's Check and Watch, and reflection's two versions, never log a clash of method names; two user services do. */
  @Test
  void onlyUserServicesSharingAMethodNameLogALine() {
    Server built = Server.builder()
        .addService(unaryService("Inventory", "Watch"))
        .addService(unaryService("Stock", "Check"))
        .build();
    assertThat(capture.lines()).isEmpty();
    Server clash = Server.builder()
        .addService(unaryService("Inventory", "Watch"))
        .addService(unaryService("Stock", "Watch"))
        .build();
    assertThat(capture.lines()).singleElement().asString()
        .isEqualTo("INFO io.weft.server.internal.Registry: method Watch exists in Inventory and Stock;"
            + " callers without an IDL service name header reach Inventory");
    assertThat(List.of(built, clash)).allMatch(s -> !s.isRunning());
  }

  private static ServiceDefinition unaryService(String name, String method) {
    MethodDescriptor<EchoServiceDescriptor.EchoArgs, EchoServiceDescriptor.EchoResult> d =
        MethodDescriptor.<EchoServiceDescriptor.EchoArgs, EchoServiceDescriptor.EchoResult>builder()
            .serviceName(name).fullServiceName("shop." + name).methodName(method).kind(MethodKind.UNARY)
            .requestCodec(ThriftCodec.of(EchoServiceDescriptor.EchoArgs::new))
            .responseCodec(ThriftCodec.of(EchoServiceDescriptor.EchoResult::new)).build();
    return ServiceDefinition.builder(name, "shop." + name).unary(d, req -> new EchoServiceDescriptor.EchoResult()).build();
  }

  @Test
  void callsToADownInstanceLogNothingAtInfo() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    try (var cli = EchoServiceClient.newClient("EchoService", ClientOptions.withHostPorts("127.0.0.1:" + dead))) {
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> cli.echo(new Request().setMsg("x")))
            .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
      }
    }
    assertThat(capture.lines()).isEmpty();
  }

  @Test
  void aThriftHandlerExceptionIsLoggedWithItsStackTrace() {
    IllegalStateException boom = new IllegalStateException("boom");
    server = InteropServer.create(0, new ThriftEchoHandler() {
      @Override
      public Response echo(Request req) {
        throw boom;
      }
    }, new GrpcTestHandler()).start();
    capture.records.clear();
    try (var cli = EchoServiceClient.newClient("EchoService", ClientOptions.withHostPorts("127.0.0.1:" + server.port()))) {
      assertThatThrownBy(() -> cli.echo(new Request().setMsg("x"))).isInstanceOf(RpcException.class).hasMessageContaining("boom");
    }
    // logged before the error reply was written
    assertThat(capture.lines()).singleElement().asString().isEqualTo("WARNING io.weft.server.internal.SocketCall: EchoService.Echo handler threw");
    assertThat(capture.records.get(0).getThrown()).isSameAs(boom);
  }

  @Test
  void aGrpcHandlerExceptionIsLoggedWithItsStackTrace() {
    IllegalStateException boom = new IllegalStateException("boom");
    server = InteropServer.create(0, new ThriftEchoHandler(), new GrpcTestHandler() {
      @Override
      public Empty emptyCall(Empty request) {
        throw boom;
      }
    }).start();
    capture.records.clear();
    try (var cli = TestServiceClient.newClient("test", ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
        ClientOptions.withTransport(Transport.GRPC))) {
      assertThatThrownBy(() -> cli.emptyCall(Empty.getDefaultInstance())).isInstanceOf(RpcException.class).hasMessageContaining("boom");
    }
    assertThat(capture.lines()).singleElement().asString()
        .isEqualTo("WARNING io.weft.server.internal.GrpcServerCall: grpc.testing.TestService/EmptyCall handler threw");
    assertThat(capture.records.get(0).getThrown()).isSameAs(boom);
  }
}
