package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import echo.Echo;
import interop.thrift.Request;
import interop.thrift.echoservice.EchoServiceClient;
import io.weft.api.BidiStreamingServer;
import io.weft.api.CallOptions;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.ServerStreamingServer;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.testing.Await;
import io.weft.testing.Vectors;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Faults in the middle of calls, with real sockets: clients that die mid-request, mid-stream or
 * while the server writes, a server that dies with calls in flight, a reader that stops reading,
 * and connections opened and dropped by the thousand. After each, the server still serves and the
 * process holds no more file descriptors than before.
 */
class FaultTest {
  private Server server;

  /** echo.proto's EchoService that records how its streams end, and streams forever on demand. */
  static final class WatchedStreams extends ProtoEchoHandler {
    final AtomicReference<Throwable> ended = new AtomicReference<>();
    final CountDownLatch done = new CountDownLatch(1);
    final AtomicInteger sent = new AtomicInteger();
    volatile Thread sender;

    @Override
    public void bidiSideStreaming(BidiStreamingServer<Echo.Request, Echo.Response> stream) {
      try {
        super.bidiSideStreaming(stream);
      } catch (RuntimeException e) {
        ended.set(e);
        throw e;
      } finally {
        done.countDown();
      }
    }

    /** Streams 1 KiB replies until the client goes away. */
    @Override
    public void serverSideStreaming(Echo.Request req, ServerStreamingServer<Echo.Response> stream) {
      sender = Thread.currentThread();
      Echo.Response big = Echo.Response.newBuilder().setMsg("x".repeat(1024)).build();
      try {
        while (true) {
          stream.send(big);
          sent.incrementAndGet();
        }
      } catch (RuntimeException e) {
        ended.set(e);
        throw e;
      } finally {
        done.countDown();
      }
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private WatchedStreams start() {
    WatchedStreams streams = new WatchedStreams();
    server =
        Server.builder()
            .addService(
                interop.thrift.echoservice.EchoServiceServer.definition(new ThriftEchoHandler()))
            .addService(echo.echoservice.EchoServiceServer.definition(streams))
            .options(ServerOptions.withPort(0))
            .build()
            .start();
    healthy(server.port());
    return streams;
  }

  private static void healthy(int port) {
    try (var cli =
        EchoServiceClient.newClient(
            "EchoService", ClientOptions.withHostPorts("127.0.0.1:" + port))) {
      assertThat(cli.echo(new Request().setMsg("still here")).getMsg()).isEqualTo("still here");
    }
  }

  @Test
  void clientKilledInTheMiddleOfARequest() throws Exception {
    start();
    Leaks.Baseline before = Leaks.Baseline.now();
    byte[] frame = Vectors.get("A");
    for (int cut = 1; cut < frame.length; cut += 7) {
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        s.getOutputStream().write(Arrays.copyOf(frame, cut));
      }
    }
    healthy(server.port());
    Leaks.assertBackTo(before, server, "clients killed mid-request");
  }

  @Test
  void clientKilledInTheMiddleOfABidiStreamEndsTheHandler() throws Exception {
    WatchedStreams streams = start();
    Leaks.Baseline before = Leaks.Baseline.now();
    var cli =
        echo.echoservice.EchoServiceClient.newClient(
            "echo.EchoService",
            ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
            ClientOptions.withTransport(Transport.GRPC));
    var stream = cli.bidiSideStreaming();
    stream.send(Echo.Request.newBuilder().setMsg("one").build());
    assertThat(stream.recv().getMsg()).isEqualTo("one");
    cli.close(); // the connection goes away with the stream open
    assertThat(streams.done.await(10, TimeUnit.SECONDS)).as("the handler returned").isTrue();
    assertThat(streams.ended.get())
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.CANCELLED));
    healthy(server.port());
    Leaks.assertBackTo(before, server, "a client killed mid-stream");
  }

  @Test
  void clientThatStopsReadingHoldsTheSenderNotTheMemory() throws Exception {
    WatchedStreams streams = start();
    Leaks.Baseline before = Leaks.Baseline.now();
    var cli =
        echo.echoservice.EchoServiceClient.newClient(
            "echo.EchoService",
            ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
            ClientOptions.withTransport(Transport.GRPC));
    var stream = cli.serverSideStreaming(Echo.Request.newBuilder().setMsg("go").build());
    assertThat(stream.recv()).isNotNull();
    // the client reads nothing more: flow control must park the sender, not let it queue replies
    assertThat(Await.untilWaitingForWindow(() -> streams.sender, Duration.ofSeconds(10)))
        .as("the sending handler waits for the client's window (sent %d)", streams.sent.get())
        .isTrue();
    // what the flow-control windows and the client's receive queue let through: about 2 MiB of 1
    // KiB
    // replies here, however long the client keeps not reading
    assertThat(streams.sent.get()).isLessThan(4_096);
    // killing the client while the server is blocked writing ends the handler too
    cli.close();
    assertThat(streams.done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(streams.ended.get()).isInstanceOf(RpcException.class);
    healthy(server.port());
    Leaks.assertBackTo(before, server, "a client killed while the server writes");
  }

  @Test
  void thousandsOfConnectionsOpenedAndDropped() throws Exception {
    start();
    Leaks.Baseline before = Leaks.Baseline.now();
    byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 10_000; i++) {
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        switch (i % 3) {
          case 0 -> {} // nothing at all
          case 1 -> s.getOutputStream().write(preface);
          default -> s.getOutputStream().write(Vectors.get("C"), 0, 6);
        }
      }
    }
    healthy(server.port());
    Leaks.assertBackTo(before, server, "10,000 connections opened and dropped");
  }

  /**
   * A server process killed with calls in flight: callers fail with UNAVAILABLE, not at their
   * deadline.
   */
  @Test
  void serverKilledWithCallsInFlight() throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.weft.examples.interop.Main",
                "server",
                "--port",
                "0")
            .redirectErrorStream(true)
            .start();
    try {
      int port = PeerProcesses.awaitPort(p, Pattern.compile("Weft server listening on .*:(\\d+)"));
      CallOptions longDeadline = CallOptions.timeout(Duration.ofSeconds(60));
      try (var thrift =
              EchoServiceClient.newClient(
                  "EchoService", ClientOptions.withHostPorts("127.0.0.1:" + port));
          var grpc =
              io.weft.api.Client.newClient(
                  "grpc.testing.TestService",
                  ClientOptions.withHostPorts("127.0.0.1:" + port),
                  ClientOptions.withTransport(Transport.GRPC))) {
        var testService = io.grpc.testing.integration.testservice.TestServiceClient.of(grpc);
        assertThat(thrift.echo(new Request().setMsg("up")).getMsg()).isEqualTo("up");
        AtomicReference<RpcException> thriftFailure = new AtomicReference<>();
        AtomicReference<RpcException> grpcFailure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread a =
            Thread.ofVirtual()
                .start(() -> {
                  started.countDown();
                  thriftFailure.set(
                      catchThrowableOfType(
                          RpcException.class, () -> thrift.sleep(30_000, longDeadline)));
                });
        var stream = testService.fullDuplexCall(longDeadline);
        stream.send(
            io.grpc.testing.integration.Messages.StreamingOutputCallRequest.newBuilder()
                .addResponseParameters(
                    io.grpc.testing.integration.Messages.ResponseParameters.newBuilder().setSize(1))
                .build());
        assertThat(stream.recv()).isNotNull(); // the stream is open on the server
        Thread b =
            Thread.ofVirtual()
                .start(
                    () -> grpcFailure.set(catchThrowableOfType(RpcException.class, stream::recv)));
        started.await();
        p.destroyForcibly().waitFor();
        a.join();
        b.join();
        assertThat(thriftFailure.get().code()).isEqualTo(StatusCode.UNAVAILABLE);
        assertThat(grpcFailure.get().code()).isEqualTo(StatusCode.UNAVAILABLE);
      }
    } finally {
      p.destroyForcibly();
    }
  }
}
