package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import interop.thrift.Request;
import interop.thrift.Response;
import interop.thrift.echoservice.EchoServiceClient;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.ServerOption;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.api.Client;
import io.weft.api.Server;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.Vectors;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Server limits and shutdown: concurrency and QPS limits, idle and slowloris connections, draining. */
class ServerLimitsTest {
  private Server server;
  private final Holding handler = new Holding();

  /** Echo("hold") waits until released, counting who entered. */
  static final class Holding extends ThriftEchoHandler {
    final Semaphore entered = new Semaphore(0);
    volatile CountDownLatch release = new CountDownLatch(1);

    @Override
    public Response echo(Request req) {
      if ("hold".equals(req.getMsg())) {
        entered.release();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return super.echo(req);
    }
  }

  private int start(ServerOption... options) {
    List<ServerOption> all = new ArrayList<>(List.of(options));
    all.add(ServerOptions.withPort(0));
    server = Server.builder()
        .addService(interop.thrift.echoservice.EchoServiceServer.definition(handler))
        .addService(io.grpc.testing.integration.testservice.TestServiceServer.definition(new GrpcTestHandler()))
        .options(all.toArray(ServerOption[]::new))
        .build()
        .start();
    return server.port();
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
    try (var cli = EchoServiceClient.newClient("EchoService", ClientOptions.withHostPorts("127.0.0.1:" + port));
        Client grpc = Client.newClient("grpc.testing.TestService", ClientOptions.withHostPorts("127.0.0.1:" + port),
            ClientOptions.withTransport(Transport.GRPC));
        var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Response> a = pool.submit(() -> cli.echo(new Request().setMsg("hold")));
      Future<Response> b = pool.submit(() -> cli.echo(new Request().setMsg("hold")));
      handler.entered.acquire(2);
      RpcException thrift = catchThrowableOfType(RpcException.class, () -> cli.echo(new Request().setMsg("third")));
      assertThat(thrift.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
      RpcException overGrpc = catchThrowableOfType(RpcException.class, () -> TestServiceClient.of(grpc).emptyCall(Empty.getDefaultInstance()));
      assertThat(overGrpc.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
      handler.release.countDown();
      assertThat(a.get(10, TimeUnit.SECONDS).getMsg()).isEqualTo("hold");
      assertThat(b.get(10, TimeUnit.SECONDS).getMsg()).isEqualTo("hold");
      assertThat(cli.echo(new Request().setMsg("after")).getMsg()).isEqualTo("after");
    }
  }

  @Test
  void qpsLimitRefusesTheExcess() {
    int port = start(ServerOptions.withQpsLimit(50));
    int ok = 0;
    int refused = 0;
    try (var cli = EchoServiceClient.newClient("EchoService", ClientOptions.withHostPorts("127.0.0.1:" + port))) {
      long began = System.nanoTime();
      for (int i = 0; i < 300; i++) {
        try {
          cli.echo(new Request().setMsg("x"));
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
      assertThat(s.getInputStream().read()).as("the server closed the idle connection").isEqualTo(-1);
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
    try (var cli = EchoServiceClient.newClient("EchoService", ClientOptions.withHostPorts("127.0.0.1:" + port))) {
      assertThat(cli.echo(new Request().setMsg("fine")).getMsg()).isEqualTo("fine");
    }
  }

  @Test
  void aClientThatStopsReadingRepliesIsDisconnectedNotServedForever() throws Exception {
    int port = start(ServerOptions.withIdleTimeout(Duration.ofMillis(300)));
    // 200 pipelined calls with 64 KiB messages, and no reply ever read: the server's writes block
    Buffer frames = new Buffer(1 << 20);
    String big = "x".repeat(64 * 1024);
    for (int seq = 1; seq <= 200; seq++) {
      TTHeaderFrames.echo(frames, big, seq);
    }
    Thread writer;
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setReceiveBufferSize(4096);
      // written from another thread: when the server drops the connection, the kernel does not
      // always tell a writer stuck on a full window (its RST can fall outside the window), and the
      // test is about the server's calls, not this write
      writer = Thread.ofVirtual().start(() -> {
        try {
          s.getOutputStream().write(frames.array(), 0, frames.size());
        } catch (java.io.IOException closedWhileWriting) {
          // the server gave up on us first, or the test closed the socket
        }
      });
      Await.until(() -> server.inFlight() > 0 || !writer.isAlive(), Duration.ofSeconds(20)); // the calls have started
      Await.until(() -> server.inFlight() == 0, Duration.ofSeconds(20));
      assertThat(server.inFlight()).as("calls stuck writing to a client that reads nothing").isZero();
    }
    writer.join();
    try (var cli = EchoServiceClient.newClient("EchoService", ClientOptions.withHostPorts("127.0.0.1:" + port))) {
      assertThat(cli.echo(new Request().setMsg("fine")).getMsg()).isEqualTo("fine");
    }
  }

  @Test
  void drainingFinishesEveryAcceptedCallAndRefusesNewConnections() throws Exception {
    int port = start(ServerOptions.withExitWaitTime(Duration.ofSeconds(20)));
    try (var cli = EchoServiceClient.newClient("EchoService", ClientOptions.withHostPorts("127.0.0.1:" + port),
            ClientOptions.withMuxConnection(2));
        var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Response>> accepted = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        accepted.add(pool.submit(() -> cli.echo(new Request().setMsg("hold"))));
      }
      handler.entered.acquire(50);
      Future<?> stopping = pool.submit(server::stop);
      // refused outright, or reset if one raced into the closing listener's backlog
      assertThat(Await.until(() -> Await.refusesConnections(port), Duration.ofSeconds(10)))
          .as("new connections refused while the calls run").isTrue();
      handler.release.countDown();
      for (Future<Response> f : accepted) {
        assertThat(f.get(20, TimeUnit.SECONDS).getMsg()).isEqualTo("hold");
      }
      stopping.get(20, TimeUnit.SECONDS);
    }
    server = null;
  }
}
