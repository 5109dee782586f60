package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.testservice.TestServiceServer;
import io.weft.api.CallOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.http2.Frames;
import io.weft.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a hostile HTTP/2 client can make the real server (Helidon's listener and Weft's engine, in
 * this process) hold, over real sockets: replies it never opens a window for, and streams it opens
 * by the ten thousand and abandons mid-body. While it lasts the server stays within its send limits
 * and serves other clients; once the client leaves, the heap, the file descriptors, the live
 * virtual threads and {@link Server#inFlight()} return to where they were.
 *
 * <p>The heap bounds are only meaningful with a heap well above the server's send budget (a quarter
 * of the heap, at most 256 MiB): surefire's default JVM takes a quarter of the machine's memory, 6
 * GiB on the 24 GiB test machine, so the budget is the full 256 MiB and an unbounded server would
 * hold 2 GiB here without running out of memory, which the bounds catch.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class H2BoundsTest {
  private static final long MIB = 1 << 20;
  private static final String UNARY = "/grpc.testing.TestService/UnaryCall";
  private static final String STREAMING_INPUT = "/grpc.testing.TestService/StreamingInputCall";

  private Server server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  /** The interop server's services and sizes, with {@code maxConcurrentStreams} per connection. */
  private int start(int maxConcurrentStreams) {
    server =
        Server.builder()
            .addService(TestServiceServer.definition(new GrpcTestHandler()))
            .options(
                ServerOptions.withServiceAddr("127.0.0.1", 0),
                ServerOptions.withMaxMessageSize(InteropServer.MAX_MESSAGE),
                ServerOptions.withMaxFrameSize(InteropServer.MAX_MESSAGE + 1024),
                ServerOptions.withMaxConcurrentStreams(maxConcurrentStreams))
            .build()
            .start();
    return server.port();
  }

  /**
   * 2,000 unary calls, each asking for a 1 MiB reply, from a client that sets
   * SETTINGS_INITIAL_WINDOW_SIZE to 0 and never opens a window: 2 GiB of replies nobody will take.
   * The server's MAX_CONCURRENT_STREAMS is 100 here, so they come over 20 connections, and the
   * per-connection limit (32 MiB) alone would let them hold 640 MiB: the server-wide budget (256
   * MiB) is what must hold. Past the limits streams are reset with ENHANCE_YOUR_CALM.
   */
  @Test
  void twoThousandZeroWindowStreamsAskingForAMebibyteEach() throws Exception {
    final int streams = 2_000;
    int port = start(100);
    long budget =
        Math.min(
            256 * MIB,
            Runtime.getRuntime().maxMemory() / 4); // the server's, as RealServer sizes it
    HealthyCalls healthy = new HealthyCalls(port);
    SoftAssertions soft = new SoftAssertions();
    try {
      Leaks.Baseline before = Leaks.Baseline.now();
      long heapBefore = Leaks.heapUsedAfterGc();
      healthy.start();
      byte[] request =
          H2Wire.grpcMessage(
              SimpleRequest.newBuilder().setResponseSize((int) MIB).build().toByteArray());
      byte[] zeroWindow = H2Wire.settings(0x4 /* SETTINGS_INITIAL_WINDOW_SIZE */, 0);
      List<H2Wire> bad = new ArrayList<>();
      try {
        H2Wire first = H2Wire.open(port, zeroWindow, 0, false);
        bad.add(first);
        int perConnection = maxConcurrentStreams(first.readFrame());
        assertThat(perConnection).isEqualTo(100);
        int connections = (streams + perConnection - 1) / perConnection;
        while (bad.size() < connections) {
          bad.add(H2Wire.open(port, zeroWindow, 0, false));
        }
        int opened = 0;
        for (H2Wire w : bad) {
          Buffer b = new Buffer(32 * 1024);
          for (int i = 0; i < perConnection && opened < streams; i++, opened++) {
            int id = w.open(b, UNARY, "application/grpc", false);
            H2Wire.frame(b, H2Wire.DATA, Frames.FLAG_END_STREAM, id, request);
          }
          w.write(b);
        }
        // the server handles a connection's frames in order: once it answers a PING sent after the
        // requests, every call has started (the client reads only now, and only control frames)
        for (H2Wire w : bad) {
          w.startReading();
          w.frame(H2Wire.PING, 0, 0, H2Wire.ping(1));
        }
        for (H2Wire w : bad) {
          w.await(
              f -> f.type() == H2Wire.PING && f.ack(),
              "the PING acknowledgement",
              Duration.ofSeconds(60),
              null);
        }

        // each call that could wait holds its 1 MiB reply; the rest were turned away: at most the
        // budget's worth (256 calls of 1 MiB with the test JVM's heap) may be left, plus a healthy
        // call
        Await.until(() -> server.inFlight() <= budget / MIB + 1, Duration.ofSeconds(60));
        long held = server.inFlight();
        assertThat(held)
            .as("calls still holding a reply for the zero-window client")
            .isLessThanOrEqualTo(budget / MIB + 1);
        long heapHeld = Leaks.heapUsedAfterGc() - heapBefore;
        System.out.printf(
            "zero-window: %d calls hold replies, heap +%d MiB over the baseline%n",
            held, heapHeld >> 20);
        soft.assertThat(heapHeld)
            .as(
                "heap held for the zero-window client by %d calls (the send budget is %d MiB)",
                held, budget >> 20)
            .isLessThanOrEqualTo(budget + 128 * MIB);

        // while the budget is spent, a good client asking for a reply larger than its stream window
        // (the server must wait for its WINDOW_UPDATE) is either served or refused at once with
        // RESOURCE_EXHAUSTED; it must not be left waiting for a reply that will never come
        String big;
        try {
          big =
              healthy
                          .client()
                          .unaryCall(
                              SimpleRequest.newBuilder().setResponseSize((int) (2 * MIB)).build(),
                              CallOptions.timeout(Duration.ofSeconds(5)))
                          .getPayload()
                          .getBody()
                          .size()
                      == 2 * MIB
                  ? "OK"
                  : "short";
        } catch (RpcException e) {
          big = e.code() + ": " + e.getMessage();
        }
        System.out.println(
            "zero-window: a good client's 2 MiB call while the budget is spent: " + big);
        soft.assertThat(big)
            .as("a good client's 2 MiB call while the budget is spent")
            .matches("OK|RESOURCE_EXHAUSTED.*");

        // every call turned away was reset, with ENHANCE_YOUR_CALM
        Await.until(
            () -> enhanceYourCalm(bad) >= streams - server.inFlight(), Duration.ofSeconds(10));
        java.util.Map<Integer, Integer> codes = new java.util.TreeMap<>();
        for (H2Wire w : bad) {
          w.resets().forEach((k, v) -> codes.merge(k, v, Integer::sum));
          w.assertCodesValid();
        }
        System.out.println(
            "zero-window: RST_STREAM codes the client saw: "
                + codes
                + ", calls holding: "
                + server.inFlight());
        soft.assertThat(enhanceYourCalm(bad))
            .as(
                "RST_STREAM(ENHANCE_YOUR_CALM) for the %d calls past the send limits (codes seen %s)",
                streams - server.inFlight(), codes)
            .isGreaterThanOrEqualTo((int) (streams - server.inFlight()));
        healthy.awaitMore(3);
      } finally {
        for (H2Wire w : bad) {
          w.close();
        }
      }
      // the client has left: what it made the server hold goes
      Leaks.assertHeapBackTo(
          heapBefore, 256 * MIB, Duration.ofSeconds(90), "the zero-window client left");
      healthy.awaitMore(2);
      healthy.stop();
      Leaks.assertBackTo(before, server, "the zero-window client left");
      System.out.printf(
          "zero-window (heap %d MiB, send budget %d MiB): heap back to +%d MiB%n",
          Runtime.getRuntime().maxMemory() >> 20,
          budget >> 20,
          (Leaks.heapUsedAfterGc() - heapBefore) >> 20);
    } finally {
      healthy.close();
    }
    soft.assertAll();
  }

  /**
   * 50 connections x 1,000 gRPC calls (unary and client-streaming), each left inside its first
   * message.
   */
  @Test
  void fiftyThousandGrpcStreamsAbandonedMidBody() throws Exception {
    abandonMidBody(true);
  }

  /** The same with plain HTTP/2 POSTs, which the server answers itself without a thread. */
  @Test
  void fiftyThousandPlainPostsAbandonedMidBody() throws Exception {
    abandonMidBody(false);
  }

  private void abandonMidBody(boolean grpc) throws Exception {
    final int connections = 50;
    final int perConnection = 1_000;
    server = InteropServer.create(0).start();
    int port = server.port();
    String what =
        grpc ? "50,000 gRPC streams abandoned mid-body" : "50,000 plain POSTs abandoned mid-body";
    try (HealthyCalls healthy = new HealthyCalls(port)) {
      Leaks.Baseline before = Leaks.Baseline.now();
      long heapBefore = Leaks.heapUsedAfterGc();
      // a message declaring 64 bytes, of which 10 come
      byte[] partial =
          new Buffer(16).writeByte(0).writeInt(64).writeLong(0).writeShort(0).toByteArray();
      byte[] text = "the first part of a body".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      List<H2Wire> wires = new ArrayList<>();
      try {
        for (int c = 0; c < connections; c++) {
          H2Wire w = H2Wire.open(port);
          wires.add(w);
          Buffer b = new Buffer(64 * 1024);
          for (int i = 0; i < perConnection; i++) {
            int id;
            if (grpc) {
              id = w.open(b, i % 2 == 0 ? UNARY : STREAMING_INPUT, "application/grpc", false);
              H2Wire.frame(b, H2Wire.DATA, 0, id, partial);
            } else {
              id = w.open(b, "/upload", "text/plain", false);
              H2Wire.frame(b, H2Wire.DATA, 0, id, text);
            }
          }
          H2Wire.frame(b, H2Wire.PING, 0, 0, H2Wire.ping(c));
          w.write(b);
        }
        // once a connection answers the PING behind its streams, the server has read all of them
        for (H2Wire w : wires) {
          w.await(
              f -> f.type() == H2Wire.PING && f.ack(),
              "the PING acknowledgement",
              Duration.ofSeconds(60),
              f -> {
                assertThat(f.type())
                    .as(
                        "what the server sends on a connection whose streams wait for their bodies: %s",
                        f)
                    .isIn(H2Wire.SETTINGS, H2Wire.WINDOW_UPDATE);
              });
        }
        if (grpc) {
          assertThat(server.inFlight())
              .as("gRPC calls open")
              .isEqualTo((long) connections * perConnection);
        } else {
          assertThat(server.inFlight()).as("plain requests are no calls").isZero();
          // the server answers plain requests itself: nothing runs per stream
          assertThat(Leaks.liveVirtualThreads())
              .as("live virtual threads with 50,000 plain POSTs open")
              .isLessThanOrEqualTo(before.virtualThreads() + connections + 16);
        }
        long heapHeld = Leaks.heapUsedAfterGc() - heapBefore;
        System.out.printf(
            "%s: heap +%d MiB while open (%d bytes a stream)%n",
            what, heapHeld >> 20, heapHeld / (connections * perConnection));
        healthy.round(); // others are served meanwhile
      } finally {
        for (H2Wire w : wires) {
          w.close();
        }
      }
      Leaks.assertBackTo(before, server, what);
      Leaks.assertHeapBackTo(heapBefore, 64 * MIB, Duration.ofSeconds(30), what);
      healthy.round();
      System.out.printf(
          "%s: heap back to +%d MiB%n", what, (Leaks.heapUsedAfterGc() - heapBefore) >> 20);
    }
  }

  private static int enhanceYourCalm(List<H2Wire> wires) {
    int n = 0;
    for (H2Wire w : wires) {
      n += w.resetsWith(H2Wire.ENHANCE_YOUR_CALM);
    }
    return n;
  }

  /** SETTINGS_MAX_CONCURRENT_STREAMS from the server's first SETTINGS frame. */
  private static int maxConcurrentStreams(H2Wire.Frame settings) {
    assertThat(settings.type()).as("the server's first frame").isEqualTo(H2Wire.SETTINGS);
    byte[] p = settings.payload();
    for (int i = 0; i + 6 <= p.length; i += 6) {
      if (Buffer.getUnsignedShort(p, i) == 0x3) {
        return Buffer.getInt(p, i + 2);
      }
    }
    return Integer.MAX_VALUE;
  }
}
