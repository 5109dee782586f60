package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.ResponseParameters;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.grpc.testing.integration.testservice.TestServiceServer;
import io.weft.api.CallContext;
import io.weft.api.CallOptions;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOption;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.internal.wire.http2.Frames;
import io.weft.testing.Await;
import io.weft.testing.LogCapture;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's HTTP/2 connection management over real sockets: connections that carry no stream for
 * {@code maxConnectionIdle} get GOAWAY(NO_ERROR) and are closed (and a Weft client whose connection
 * went so reconnects for its next call), busy ones are left alone, and at the connection limit the
 * idlest connection makes room for a new one, or, when none is idle, the new one is refused with a
 * log line until one closes.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class H2IdleConnectionsTest {
  private static final String FULL_DUPLEX = "/grpc.testing.TestService/FullDuplexCall";
  private static final Duration SOON = Duration.ofSeconds(10);

  /** TestService that records the peer of each EmptyCall. */
  static final class Peers extends GrpcTestHandler {
    final List<String> peers = new CopyOnWriteArrayList<>();

    @Override
    public Empty emptyCall(Empty request) {
      peers.add(CallContext.current().peer());
      return super.emptyCall(request);
    }
  }

  private final Peers handler = new Peers();
  private Server server;

  private int start(ServerOption... options) {
    List<ServerOption> all = new ArrayList<>(List.of(options));
    all.add(ServerOptions.withServiceAddr("127.0.0.1", 0));
    server =
        Server.builder()
            .addService(TestServiceServer.definition(handler))
            .options(all.toArray(ServerOption[]::new))
            .build()
            .start();
    return server.port();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private static TestServiceClient client(int port) {
    return TestServiceClient.newClient(
        "grpc.testing.TestService",
        ClientOptions.withHostPorts("127.0.0.1:" + port),
        ClientOptions.withTransport(Transport.GRPC));
  }

  @Test
  void aConnectionWithoutStreamsGetsGoAwayAndClosesOneWithAStreamDoesNot() throws Exception {
    int port = start(ServerOptions.withMaxConnectionIdle(Duration.ofMillis(300)));
    Leaks.Baseline before = Leaks.Baseline.now();
    try (H2Wire busy = H2Wire.open(port)) {
      int stream = busy.openGrpc(FULL_DUPLEX, false);
      busy.frame(H2Wire.PING, 0, 0, H2Wire.ping(1));
      busy.await(
          f -> f.type() == H2Wire.PING && f.ack(),
          "the PING acknowledgement",
          SOON,
          null); // the stream is open
      // a connection opened after the busy one that sends a preface and SETTINGS and nothing else
      try (H2Wire idle = H2Wire.open(port)) {
        H2Wire.Frame goAway = idle.awaitGoAway(SOON);
        assertThat(goAway.errorCode()).as("%s", goAway).isEqualTo(H2Wire.NO_ERROR);
        assertThat(goAway.lastStreamId()).isZero();
        idle.awaitClosed(SOON);
      }
      // the busy connection, older than the idle one, heard nothing of it and its stream still
      // works
      StreamingOutputCallRequest ask =
          StreamingOutputCallRequest.newBuilder()
              .addResponseParameters(ResponseParameters.newBuilder().setSize(7))
              .build();
      busy.frame(H2Wire.DATA, 0, stream, H2Wire.grpcMessage(ask.toByteArray()));
      busy.await(
          f -> f.type() == H2Wire.DATA && f.stream() == stream,
          "the stream's reply",
          SOON,
          f ->
              assertThat(f.type())
                  .as("%s on the busy connection", f)
                  .isNotIn(H2Wire.GOAWAY, H2Wire.RST_STREAM));
      busy.frame(H2Wire.DATA, Frames.FLAG_END_STREAM, stream, new byte[0]);
      H2Wire.Frame trailers =
          busy.await(
              f -> f.type() == H2Wire.HEADERS && f.stream() == stream && f.endStream(),
              "the trailers",
              SOON,
              f ->
                  assertThat(f.type())
                      .as("%s on the busy connection", f)
                      .isNotIn(H2Wire.GOAWAY, H2Wire.RST_STREAM));
      assertThat(trailers.fields()).containsEntry("grpc-status", "0");
      // now it carries no stream: it goes the same way
      H2Wire.Frame goAway = busy.awaitGoAway(SOON);
      assertThat(goAway.errorCode()).as("%s", goAway).isEqualTo(H2Wire.NO_ERROR);
      assertThat(goAway.lastStreamId()).isEqualTo(stream);
      busy.awaitClosed(SOON);
    }
    Leaks.assertBackTo(before, server, "idle connections closed");
  }

  @Test
  void aWeftClientWhoseIdleConnectionWasClosedReconnects() throws Exception {
    int port = start(ServerOptions.withMaxConnectionIdle(Duration.ofMillis(300)));
    try (TestServiceClient c = client(port)) {
      for (int round = 0; round < 3; round++) {
        assertThat(c.emptyCall(Empty.getDefaultInstance(), CallOptions.timeout(SOON)))
            .isEqualTo(Empty.getDefaultInstance());
        String peer = handler.peers.get(handler.peers.size() - 1);
        int clientPort = Integer.parseInt(peer.substring(peer.lastIndexOf(':') + 1));
        // the server closes the connection once it has been idle for 300 ms
        Await.until(() -> !established(clientPort, port), SOON);
        assertThat(established(clientPort, port))
            .as("the client's idle connection from port %d is still up", clientPort)
            .isFalse();
      }
      assertThat(c.emptyCall(Empty.getDefaultInstance(), CallOptions.timeout(SOON)))
          .isEqualTo(Empty.getDefaultInstance());
    }
    assertThat(handler.peers)
        .as("each call after an idle close came on a new connection")
        .doesNotHaveDuplicates()
        .hasSize(4);
  }

  @Test
  void atTheConnectionLimitTheIdlestConnectionMakesRoom() throws Exception {
    final int limit = 50;
    int port = start(ServerOptions.withMaxConnections(limit));
    List<H2Wire> idle = new ArrayList<>();
    try {
      for (int i = 0; i < limit; i++) {
        H2Wire w = H2Wire.open(port);
        idle.add(w);
        w.frame(H2Wire.PING, 0, 0, H2Wire.ping(i));
        w.await(
            f -> f.type() == H2Wire.PING && f.ack(),
            "the PING acknowledgement",
            SOON,
            null); // served, and counted
      }
      // one more client is served at once: its first call succeeds
      try (TestServiceClient c = client(port)) {
        assertThat(c.emptyCall(Empty.getDefaultInstance(), CallOptions.timeout(SOON)))
            .isEqualTo(Empty.getDefaultInstance());
      }
      // the connection idle the longest, the first, made room
      H2Wire.Frame goAway = idle.get(0).awaitGoAway(SOON);
      assertThat(goAway.errorCode()).as("%s", goAway).isEqualTo(H2Wire.NO_ERROR);
      idle.get(0).awaitClosed(SOON);
      for (H2Wire w : idle.subList(1, idle.size())) {
        assertThat(w.drained())
            .as("frames on a connection that was not the idlest")
            .noneMatch(f -> f.type() == H2Wire.GOAWAY || f.isEnd());
      }
    } finally {
      for (H2Wire w : idle) {
        w.close();
      }
    }
  }

  @Test
  void atTheConnectionLimitWithEveryConnectionBusyANewOneIsRefusedUntilOneCloses()
      throws Exception {
    final int limit = 50;
    int port = start(ServerOptions.withMaxConnections(limit));
    LogCapture log =
        new LogCapture(java.util.logging.Level.ALL, "io.weft.server.internal.OpenConnections");
    List<H2Wire> busy = new ArrayList<>();
    try {
      for (int i = 0; i < limit; i++) {
        H2Wire w = H2Wire.open(port);
        busy.add(w);
        w.openGrpc(FULL_DUPLEX, false);
        w.frame(H2Wire.PING, 0, 0, H2Wire.ping(i));
        w.await(
            f -> f.type() == H2Wire.PING && f.ack(),
            "the PING acknowledgement",
            SOON,
            null); // the stream is open
      }
      // one more: closed without a word
      assertRefused(port);
      assertThat(log.messages())
          .as("log lines of the server")
          .anyMatch(l -> l.startsWith("WARNING refusing connection from 127.0.0.1:"));
      // a Weft client too, with UNAVAILABLE
      try (TestServiceClient c = client(port)) {
        RpcException e =
            org.assertj.core.api.Assertions.catchThrowableOfType(
                RpcException.class,
                () -> c.emptyCall(Empty.getDefaultInstance(), CallOptions.timeout(SOON)));
        assertThat(e).as("a call while every connection is busy").isNotNull();
        assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
      }
      for (H2Wire w : busy) {
        assertThat(w.drained())
            .as("frames on a busy connection")
            .noneMatch(f -> f.type() == H2Wire.GOAWAY || f.isEnd());
      }
      // one busy connection leaves: the next new one is served (once the server has counted it
      // gone)
      busy.remove(0).close();
      long deadline = System.nanoTime() + SOON.toNanos();
      boolean served = false;
      int refusals = 0;
      while (!served && System.nanoTime() < deadline) {
        try (H2Wire w = H2Wire.open(port)) {
          H2Wire.Frame first = w.next(SOON);
          served = first.type() == H2Wire.SETTINGS;
          if (!served) {
            assertThat(first.isEnd()).as("%s", first).isTrue();
            refusals++;
            java.util.concurrent.locks.LockSupport.parkNanos(
                1_000_000); // a pause before the next try, not a spin of connections
          }
        }
      }
      assertThat(served)
          .as("a new connection served after one closed (%d refused meanwhile)", refusals)
          .isTrue();
      // a loaded machine may take longer than the default second to say SETTINGS
      try (TestServiceClient c =
          TestServiceClient.newClient(
              "grpc.testing.TestService",
              ClientOptions.withHostPorts("127.0.0.1:" + port),
              ClientOptions.withTransport(Transport.GRPC),
              ClientOptions.withConnectTimeout(SOON))) {
        assertThat(c.emptyCall(Empty.getDefaultInstance(), CallOptions.timeout(SOON)))
            .isEqualTo(Empty.getDefaultInstance());
      }
    } finally {
      log.close();
      for (H2Wire w : busy) {
        w.close();
      }
    }
  }

  /** A new connection to {@code port} is closed by the server before it says anything. */
  private static void assertRefused(int port) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) SOON.toMillis());
      try {
        s.getOutputStream().write(Frames.PREFACE);
        s.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
      } catch (SocketException closedAlready) {
        return; // the server closed it before we had said everything (a broken pipe): refused
      }
      InputStream in = s.getInputStream();
      int first;
      try {
        first = in.read();
      } catch (SocketException reset) {
        first = -1;
      }
      assertThat(first).as("what the server sent a connection past its limit").isEqualTo(-1);
    }
  }

  /**
   * Whether a TCP connection between the two local ports is established (either side of it), from
   * /proc/net/tcp{,6}.
   */
  static boolean established(int portA, int portB) throws IOException {
    for (String file : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      Path p = Path.of(file);
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p, StandardCharsets.US_ASCII)) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 4 || !f[3].equals("01")) {
          continue;
        }
        int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
        int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
        if ((local == portA && remote == portB) || (local == portB && remote == portA)) {
          return true;
        }
      }
    }
    return false;
  }
}
