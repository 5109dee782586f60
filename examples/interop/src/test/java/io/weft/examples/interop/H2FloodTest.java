package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.testing.integration.testservice.TestServiceServer;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.http2.Frames;
import io.weft.testing.Await;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 floods against the real one-port server, each from a connection of its own, while a
 * healthy Weft gRPC client keeps calling it: CONTINUATION, PING, SETTINGS and rapid-reset floods,
 * window overflows, an HPACK bomb, and a peer that pings without reading the answers. Each attack
 * ends as RFC 9113 and the engine's limits say (the codes checked, the socket closed within seconds
 * after a connection error), the healthy client never fails, and afterwards the process holds what
 * it held before (file descriptors, live virtual threads, calls in flight).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class H2FloodTest {
  private static final String EMPTY_CALL = "/grpc.testing.TestService/EmptyCall";
  private static final String FULL_DUPLEX = "/grpc.testing.TestService/FullDuplexCall";
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  private Server server;
  private int port;
  private HealthyCalls healthy;
  private Leaks.Baseline before;

  @BeforeEach
  void start() throws Exception {
    server = InteropServer.create(0).start();
    port = server.port();
    healthy = new HealthyCalls(port);
    before = Leaks.Baseline.now();
    healthy.start();
  }

  @AfterEach
  void stop() {
    healthy.close();
    server.stop();
  }

  /** The healthy client went on being served, and the attack left nothing behind. */
  private void afterAttack(String what) throws Exception {
    healthy.awaitMore(3);
    healthy.stop();
    Leaks.assertBackTo(before, server, what);
  }

  @Test
  void continuationFloodEndsWithEnhanceYourCalm() throws Exception {
    try (H2Wire w = H2Wire.open(port)) {
      int id = w.nextStreamId();
      byte[] block = w.requestBlock(EMPTY_CALL, "application/grpc");
      // HEADERS without END_HEADERS, then empty CONTINUATION frames that never end the block
      w.frame(H2Wire.HEADERS, 0, id, Arrays.copyOf(block, 2));
      Buffer empties = new Buffer(9 * 1000);
      for (int i = 0; i < 1000; i++) {
        H2Wire.frame(empties, H2Wire.CONTINUATION, 0, id, new byte[0]);
      }
      for (int i = 0; i < 10 && w.tryWrite(empties); i++) {
        // up to 10,000 of them, until the server hangs up
      }
      H2Wire.Frame goAway = w.awaitGoAway(PROMPTLY);
      assertThat(goAway.errorCode()).as("%s", goAway).isEqualTo(H2Wire.ENHANCE_YOUR_CALM);
      w.awaitClosed(PROMPTLY);
    }
    afterAttack("a CONTINUATION flood");
  }

  @Test
  void pingFloodEndsWithTooManyPingsAfterThreeStrikes() throws Exception {
    try (H2Wire w = H2Wire.open(port)) {
      Buffer pings = new Buffer(17 * 20);
      for (int i = 0; i < 20; i++) {
        H2Wire.frame(pings, H2Wire.PING, 0, 0, H2Wire.ping(i));
      }
      w.tryWrite(pings);
      AtomicInteger acks = new AtomicInteger();
      H2Wire.Frame goAway =
          w.await(
              f -> f.type() == H2Wire.GOAWAY,
              "a GOAWAY",
              PROMPTLY,
              f -> {
                if (f.type() == H2Wire.PING && f.ack()) {
                  acks.incrementAndGet();
                }
              });
      w.assertCodesValid();
      assertThat(goAway.errorCode()).as("%s", goAway).isEqualTo(H2Wire.ENHANCE_YOUR_CALM);
      assertThat(goAway.debug()).isEqualTo("too_many_pings");
      // the first ping is fair (no stream open: one every 2 hours), the next two are strikes, the
      // third strike ends it
      assertThat(acks.get()).as("pings answered before the third strike").isEqualTo(3);
      w.awaitClosed(PROMPTLY);
    }
    afterAttack("a PING flood");
  }

  @Test
  void settingsFloodEndsWithEnhanceYourCalm() throws Exception {
    try (H2Wire w = H2Wire.open(port)) {
      Buffer settings = new Buffer(9 * 500);
      for (int i = 0; i < 500; i++) {
        H2Wire.frame(settings, H2Wire.SETTINGS, 0, 0, new byte[0]);
      }
      w.tryWrite(settings);
      AtomicInteger acks = new AtomicInteger();
      H2Wire.Frame goAway =
          w.await(
              f -> f.type() == H2Wire.GOAWAY,
              "a GOAWAY",
              PROMPTLY,
              f -> {
                if (f.type() == H2Wire.SETTINGS && f.ack()) {
                  acks.incrementAndGet();
                }
              });
      w.assertCodesValid();
      assertThat(goAway.errorCode()).as("%s", goAway).isEqualTo(H2Wire.ENHANCE_YOUR_CALM);
      assertThat(acks.get())
          .as("SETTINGS acknowledged before the limit of 100 in 10 s")
          .isLessThanOrEqualTo(100);
      w.awaitClosed(PROMPTLY);
    }
    afterAttack("a SETTINGS flood");
  }

  /**
   * CVE-2023-44487: streams opened and reset at once, 20,000 of them as fast as the socket takes
   * them.
   */
  @Test
  void rapidResetEndsWithEnhanceYourCalm() throws Exception {
    int sent = 0;
    try (H2Wire w = H2Wire.open(port)) {
      for (int batch = 0; batch < 20; batch++) {
        Buffer b = new Buffer(32 * 1024);
        for (int i = 0; i < 1000; i++) {
          int id = w.open(b, EMPTY_CALL, "application/grpc", false);
          H2Wire.frame(b, H2Wire.RST_STREAM, 0, id, H2Wire.int32(H2Wire.CANCEL));
        }
        if (!w.tryWrite(b)) {
          break;
        }
        sent += 1000;
      }
      H2Wire.Frame goAway = w.awaitGoAway(Duration.ofSeconds(20));
      assertThat(goAway.errorCode())
          .as("%s after %d streams opened and reset", goAway, sent)
          .isEqualTo(H2Wire.ENHANCE_YOUR_CALM);
      w.awaitClosed(PROMPTLY);
    }
    afterAttack("a rapid reset of " + sent + " streams");
  }

  @Test
  void windowUpdateOverflowIsAFlowControlError() throws Exception {
    try (H2Wire w = H2Wire.open(port)) {
      // a stream's window past 2^31-1: a stream error, and the connection goes on
      int open = w.openGrpc(FULL_DUPLEX, false);
      w.frame(H2Wire.WINDOW_UPDATE, 0, open, H2Wire.int32(0x7FFFFFFF));
      H2Wire.Frame rst =
          w.await(
              f -> f.type() == H2Wire.RST_STREAM && f.stream() == open,
              "RST_STREAM on the overflowed stream",
              PROMPTLY,
              null);
      assertThat(rst.errorCode()).as("%s", rst).isEqualTo(H2Wire.FLOW_CONTROL_ERROR);
      assertCallSucceeds(w, w.requestBlock(EMPTY_CALL, "application/grpc"));
      // the connection's window past 2^31-1: a connection error
      w.frame(H2Wire.WINDOW_UPDATE, 0, 0, H2Wire.int32(0x7FFFFFFF));
      H2Wire.Frame goAway = w.awaitGoAway(PROMPTLY);
      assertThat(goAway.errorCode()).as("%s", goAway).isEqualTo(H2Wire.FLOW_CONTROL_ERROR);
      w.awaitClosed(PROMPTLY);
    }
    afterAttack("window overflows");
  }

  /**
   * A 4 KB field put into the server's HPACK table once, then named 15,000 times in one 15 KB
   * header block (60 MB decoded): the request is answered 431 and the connection goes on.
   */
  @Test
  void hpackBombIsAnswered431AndTheConnectionGoesOn() throws Exception {
    try (H2Wire w = H2Wire.open(port)) {
      // an ordinary call whose headers add x-bomb: 4,000 bytes to the table (dynamic index 62)
      ByteArrayOutputStream first = literalRequest(EMPTY_CALL);
      first.write(0x40); // literal with incremental indexing, new name
      RawH2.string(first, "x-bomb");
      RawH2.string(first, "a".repeat(4000));
      assertCallSucceeds(w, first.toByteArray());

      ByteArrayOutputStream bomb = literalRequest(EMPTY_CALL);
      for (int i = 0; i < 15_000; i++) {
        bomb.write(0x80 | 62); // indexed field: x-bomb again
      }
      int id = w.nextStreamId();
      w.frame(
          H2Wire.HEADERS, Frames.FLAG_END_HEADERS | Frames.FLAG_END_STREAM, id, bomb.toByteArray());
      H2Wire.Frame reply =
          w.await(
              f -> f.type() == H2Wire.HEADERS && f.stream() == id,
              "the reply to the HPACK bomb",
              PROMPTLY,
              f -> assertThat(f.type()).as("%s", f).isNotIn(H2Wire.GOAWAY, H2Wire.RST_STREAM));
      assertThat(reply.fields()).containsEntry(":status", "431");
      // the table is still in step on both sides: the next call on the connection is served
      assertCallSucceeds(w, literalRequest(EMPTY_CALL).toByteArray());
      w.assertCodesValid();
    }
    afterAttack("an HPACK bomb");
  }

  /**
   * A peer that pings (at a pace the server permits, with a call open) but never reads the
   * acknowledgements: the server closes it instead of queueing them without bound.
   */
  @Test
  void pingsFromAPeerThatNeverReadsCloseTheConnection() throws Exception {
    Server permissive =
        Server.builder()
            .addService(TestServiceServer.definition(new GrpcTestHandler()))
            .options(
                ServerOptions.withServiceAddr("127.0.0.1", 0),
                ServerOptions.withPermitKeepAliveTime(Duration.ofNanos(1)))
            .build()
            .start();
    try {
      long pings = 0;
      boolean open = true;
      try (H2Wire w = H2Wire.open(permissive.port(), new byte[0], 4096, false)) {
        w.openGrpc(FULL_DUPLEX, false); // a call open: pings are permitted at any pace
        Buffer batch = new Buffer(17 * 1000);
        for (int i = 0; i < 1000; i++) {
          H2Wire.frame(batch, H2Wire.PING, 0, 0, H2Wire.ping(i));
        }
        // 50 MB of PINGs at most; the server must give up on us long before
        while (pings < 3_000_000 && (open = w.tryWrite(batch))) {
          pings += 1000;
        }
        System.out.println(
            "non-reading pinger: "
                + pings
                + " PINGs written before the server closed the connection");
        assertThat(open)
            .as(
                "the server closed the connection of a peer that read none of the acknowledgements of %d PINGs",
                pings)
            .isFalse();
        w.awaitClosed(Duration.ofSeconds(10)); // what it had sent, then the end
      }
      Await.until(() -> permissive.inFlight() == 0, Duration.ofSeconds(15));
      assertThat(permissive.inFlight()).as("calls left on the permissive server").isZero();
    } finally {
      permissive.stop();
    }
    afterAttack("a peer that pings and never reads");
  }

  /**
   * An EmptyCall on {@code w} with the header block {@code block}: its trailers say OK, and no
   * GOAWAY came before them.
   */
  private static void assertCallSucceeds(H2Wire w, byte[] block) throws Exception {
    int id = w.nextStreamId();
    Buffer b = new Buffer(block.length + 64);
    H2Wire.frame(b, H2Wire.HEADERS, Frames.FLAG_END_HEADERS, id, block);
    H2Wire.frame(b, H2Wire.DATA, Frames.FLAG_END_STREAM, id, H2Wire.grpcMessage(new byte[0]));
    w.write(b);
    H2Wire.Frame trailers =
        w.await(
            f -> f.type() == H2Wire.HEADERS && f.stream() == id && f.endStream(),
            "the call's trailers",
            PROMPTLY,
            f ->
                assertThat(f.type())
                    .as("%s before the call's trailers", f)
                    .isNotIn(H2Wire.GOAWAY, H2Wire.RST_STREAM));
    assertThat(trailers.fields()).containsEntry("grpc-status", "0");
  }

  /**
   * A gRPC request's header block of static-table indexes and literals that never touch the dynamic
   * table.
   */
  private static ByteArrayOutputStream literalRequest(String path) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x83); // :method POST
    b.write(0x86); // :scheme http
    b.write(0x04); // :path, literal without indexing
    RawH2.string(b, path);
    b.write(0x01); // :authority
    RawH2.string(b, "localhost");
    b.write(0x00);
    RawH2.string(b, "content-type");
    RawH2.string(b, "application/grpc");
    b.write(0x00);
    RawH2.string(b, "te");
    RawH2.string(b, "trailers");
    return b;
  }
}
