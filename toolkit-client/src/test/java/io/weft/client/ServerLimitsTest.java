package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOption;
import io.weft.api.ServerOptions;
import io.weft.api.ServiceDefinition;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeWriter;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.PayloadFormat;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.testing.Await;
import io.weft.testing.StringStruct;
import io.weft.testing.Vectors;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Server limits and shutdown: concurrency and QPS limits, idle and slowloris connections, draining.
 * Against a hand-built service with Weft's client (moved here from examples/interop, where it used
 * generated stubs).
 */
class ServerLimitsTest {
  private Server server;
  private final Holding handler = new Holding();

  /**
   * Echo("hold") waits until released, counting who entered; any other Echo returns its message.
   */
  static final class Holding {
    final Semaphore entered = new Semaphore(0);
    volatile CountDownLatch release = new CountDownLatch(1);

    String echo(String msg) throws InterruptedException {
      if ("hold".equals(msg)) {
        entered.release();
        release.await();
      }
      return msg;
    }
  }

  private int start(ServerOption... options) {
    server =
        Server.builder()
            .addService(
                ServiceDefinition.builder("EchoService", "test.EchoService")
                    .unary(Methods.ECHO, handler::echo)
                    .build())
            .options(options)
            .options(ServerOptions.withServiceAddr("127.0.0.1", 0))
            .build()
            .start();
    return server.port();
  }

  private static Client client(int port, io.weft.api.ClientOption... options) {
    List<io.weft.api.ClientOption> all = new ArrayList<>(List.of(options));
    all.add(0, ClientOptions.withHostPorts("127.0.0.1:" + port));
    return Client.newClient("EchoService", all.toArray(io.weft.api.ClientOption[]::new));
  }

  private static String echo(Client client, String msg) {
    return client.unary(Methods.ECHO, msg, CallOptions.DEFAULT);
  }

  @AfterEach
  void stop() {
    handler.release.countDown();
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void concurrencyLimitRefusesTheExcessOnBothTransports() throws Exception {
    int port = start(ServerOptions.withMaxConcurrentRequests(2));
    try (Client cli = client(port);
        Client grpc = client(port, ClientOptions.withTransport(Transport.GRPC));
        var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> a = pool.submit(() -> echo(cli, "hold"));
      Future<String> b = pool.submit(() -> echo(cli, "hold"));
      handler.entered.acquire(2);
      RpcException thrift = catchThrowableOfType(RpcException.class, () -> echo(cli, "third"));
      assertThat(thrift.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
      RpcException overGrpc =
          catchThrowableOfType(RpcException.class, () -> echo(grpc, "over gRPC"));
      assertThat(overGrpc.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
      handler.release.countDown();
      assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo("hold");
      assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo("hold");
      assertThat(echo(cli, "after")).isEqualTo("after");
    }
  }

  @Test
  void qpsLimitRefusesTheExcess() {
    int port = start(ServerOptions.withQpsLimit(50));
    int ok = 0;
    int refused = 0;
    try (Client cli = client(port)) {
      long began = System.nanoTime();
      for (int i = 0; i < 300; i++) {
        try {
          echo(cli, "x");
          ok++;
        } catch (RpcException e) {
          assertThat(e.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
          refused++;
        }
      }
      double seconds = (System.nanoTime() - began) / 1e9;
      // a bucket of 50 plus 50 a second while the loop ran
      assertThat(ok).isLessThanOrEqualTo(50 + (int) Math.ceil(seconds * 50) + 1);
    }
    assertThat(refused).isPositive();
    assertThat(ok).isGreaterThanOrEqualTo(50);
  }

  @Test
  void idleAndTricklingConnectionsAreClosed() throws Exception {
    int port = start(ServerOptions.withIdleTimeout(Duration.ofMillis(300)));
    byte[] frame = Vectors.get("A");
    // half-open: identified as TTHeader, then silence
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(frame, 0, 10);
      assertThat(s.getInputStream().read())
          .as("the server closed the idle connection")
          .isEqualTo(-1);
    }
    // slowloris: one byte every 50 ms never completes a request in time
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      int sent = 0;
      try {
        for (; sent < frame.length - 1; sent++) {
          s.getOutputStream().write(frame[sent]);
          LockSupport.parkNanos(50_000_000L); // the client's pace, not a wait for the server
        }
      } catch (java.io.IOException closed) {
        // the server closed the connection while we trickled
      }
      InputStream in = s.getInputStream();
      assertThat(in.read()).isEqualTo(-1);
      assertThat(sent).isLessThan(frame.length - 1);
    }
    try (Client cli = client(port)) {
      assertThat(echo(cli, "fine")).isEqualTo("fine");
    }
  }

  @Test
  void aClientThatStopsReadingRepliesIsDisconnectedNotServedForever() throws Exception {
    int port = start(ServerOptions.withIdleTimeout(Duration.ofMillis(300)));
    // 200 pipelined calls with 64 KiB messages, and no reply ever read: the server's writes block
    Buffer frames = new Buffer(1 << 20);
    String big = "x".repeat(64 * 1024);
    for (int seq = 1; seq <= 200; seq++) {
      echoCall(frames, big, seq);
    }
    Thread writer;
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setReceiveBufferSize(4096);
      // written from another thread: when the server drops the connection, the kernel does not
      // always tell a writer stuck on a full window (its RST can fall outside the window), and the
      // test is about the server's calls, not this write
      writer =
          Thread.ofVirtual()
              .start(() -> {
                try {
                  s.getOutputStream().write(frames.array(), 0, frames.size());
                } catch (java.io.IOException closedWhileWriting) {
                  // the server gave up on us first, or the test closed the socket
                }
              });
      Await.until(
          () -> server.inFlight() > 0 || !writer.isAlive(),
          Duration.ofSeconds(20)); // the calls have started
      Await.until(() -> server.inFlight() == 0, Duration.ofSeconds(20));
      assertThat(server.inFlight())
          .as("calls stuck writing to a client that reads nothing")
          .isZero();
    }
    writer.join();
    try (Client cli = client(port)) {
      assertThat(echo(cli, "fine")).isEqualTo("fine");
    }
  }

  @Test
  void drainingFinishesEveryAcceptedCallAndRefusesNewConnections() throws Exception {
    int port = start(ServerOptions.withExitWaitTime(Duration.ofSeconds(20)));
    try (Client cli = client(port, ClientOptions.withMuxConnection(2));
        var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> accepted = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        accepted.add(pool.submit(() -> echo(cli, "hold")));
      }
      handler.entered.acquire(50);
      Future<?> stopping = pool.submit(server::stop);
      // refused outright, or reset if one raced into the closing listener's backlog
      assertThat(Await.until(() -> Await.refusesConnections(port), Duration.ofSeconds(10)))
          .as("new connections refused while the calls run")
          .isTrue();
      handler.release.countDown();
      for (Future<String> f : accepted) {
        assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo("hold");
      }
      stopping.get(20, TimeUnit.SECONDS);
    }
    server = null;
  }

  /** Appends a TTHeader CALL of Echo({@code msg}) with sequence id {@code seq}. */
  private static void echoCall(Buffer out, String msg, int seq) {
    EnvelopeWriter w =
        new EnvelopeWriter(out, Framing.TTHEADER, 16 << 20)
            .begin(new TTHeader(), PayloadFormat.THRIFT_BINARY, Envelope.CALL, "Echo", seq);
    byte[] body = new StringStruct(1).bytes(msg);
    out.write(body, 0, body.length);
    w.finish();
  }
}
