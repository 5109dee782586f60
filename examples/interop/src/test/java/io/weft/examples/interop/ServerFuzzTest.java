package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;

import interop.thrift.Request;
import interop.thrift.echoservice.EchoServiceClient;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.weft.api.Client;
import io.weft.api.ClientOptions;
import io.weft.api.Server;
import io.weft.api.Transport;
import io.weft.internal.wire.fuzz.Fuzz;
import io.weft.testing.Vectors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Mutated and random bytes on the server's one port, each on its own connection, while healthy
 * clients of every kind keep calling: a bad connection costs only itself, and when it is over the
 * process holds no more file descriptors than before.
 */
class ServerFuzzTest {
  /**
   * Bad connections tried, from a fixed seed; each may wait up to 50 ms for the server, so about
   * ten seconds in all.
   */
  static final int INPUTS = 400;

  @Test
  void badConnectionsCostOnlyThemselves() throws Exception {
    Server server = InteropServer.create(0).start();
    int port = server.port();
    healthyRound(
        port); // load every class and start every JDK poller first, so that they are in the
    // baseline
    Leaks.Baseline before = Leaks.Baseline.now();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong healthyCalls = new AtomicLong();
    AtomicReference<Throwable> healthyFailure = new AtomicReference<>();
    Thread healthy =
        Thread.ofVirtual()
            .start(() -> {
              try {
                while (running.get()) {
                  healthyRound(port);
                  healthyCalls.incrementAndGet();
                }
              } catch (Throwable t) {
                healthyFailure.set(t);
              }
            });

    Fuzz fuzz = new Fuzz(42, IOException.class);
    Vectors.load().values().forEach(fuzz::seed);
    fuzz.seed(grpcEmptyCall());
    try {
      fuzz.run(input -> exchange(port, input), INPUTS);
    } finally {
      running.set(false);
      healthy.join();
    }
    assertThat(fuzz.failures()).isEmpty();
    assertThat(healthyFailure.get())
        .as("a healthy client failed while bad connections came and went")
        .isNull();
    assertThat(healthyCalls.get()).isPositive();
    // every connection the fuzz opened is closed on both sides, and no call it started still runs
    Leaks.assertConnectionsBackTo(before, server, fuzz.inputs() + " bad connections");
    System.out.println(
        "server fuzz: "
            + fuzz.inputs()
            + " connections, "
            + healthyCalls.get()
            + " healthy rounds alongside");
    server.stop();
  }

  /** One TTHeader and one gRPC call, each on a client of its own, closed after. */
  private static void healthyRound(int port) {
    try (var thrift =
            EchoServiceClient.newClient(
                "EchoService",
                ClientOptions.withHostPorts("127.0.0.1:" + port),
                ClientOptions.withTransport(Transport.TTHEADER));
        Client grpc =
            Client.newClient(
                "grpc.testing.TestService",
                ClientOptions.withHostPorts("127.0.0.1:" + port),
                ClientOptions.withTransport(Transport.GRPC))) {
      assertThat(thrift.echo(new Request().setMsg("ok")).getMsg()).isEqualTo("ok");
      TestServiceClient.of(grpc).emptyCall(Empty.getDefaultInstance());
    }
  }

  /** Sends {@code input} on a fresh connection and reads whatever comes back for a moment. */
  private static void exchange(int port, byte[] input) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(50);
      s.getOutputStream().write(input);
      InputStream in = s.getInputStream();
      byte[] sink = new byte[8192];
      int total = 0;
      try {
        int n;
        while ((n = in.read(sink)) > 0 && (total += n) < (1 << 20)) {
          // drain
        }
      } catch (SocketTimeoutException e) {
        // the server is waiting for more: give up on this one
      }
    }
  }

  /** A whole gRPC EmptyCall as raw bytes: preface, SETTINGS, HEADERS, DATA with END_STREAM. */
  static byte[] grpcEmptyCall() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    frame(out, 0x4, 0, 0, new byte[0]);
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(0x83); // :method POST
    block.write(0x86); // :scheme http
    block.write(0x04); // :path, literal value
    literalValue(block, "/grpc.testing.TestService/EmptyCall");
    block.write(0x01); // :authority, literal value
    literalValue(block, "localhost");
    block.write(0x00);
    literalValue(block, "content-type");
    literalValue(block, "application/grpc");
    block.write(0x00);
    literalValue(block, "te");
    literalValue(block, "trailers");
    frame(out, 0x1, 0x4, 1, block.toByteArray());
    frame(out, 0x0, 0x1, 1, new byte[] {0, 0, 0, 0, 0});
    return out.toByteArray();
  }

  private static void literalValue(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    out.write(b.length);
    out.write(b, 0, b.length);
  }

  private static void frame(
      ByteArrayOutputStream out, int type, int flags, int stream, byte[] payload) {
    out.write(payload.length >>> 16);
    out.write(payload.length >>> 8);
    out.write(payload.length);
    out.write(type);
    out.write(flags);
    out.write(stream >>> 24);
    out.write(stream >>> 16);
    out.write(stream >>> 8);
    out.write(stream);
    out.write(payload, 0, payload.length);
  }
}
