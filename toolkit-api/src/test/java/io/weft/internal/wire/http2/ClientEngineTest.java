package io.weft.internal.wire.http2;

import static io.weft.internal.wire.http2.EngineHarness.FIVE_SECONDS;
import static io.weft.internal.wire.http2.EngineHarness.request;
import static io.weft.internal.wire.http2.Frames.DATA;
import static io.weft.internal.wire.http2.Frames.FLAG_END_HEADERS;
import static io.weft.internal.wire.http2.Frames.FLAG_END_STREAM;
import static io.weft.internal.wire.http2.Frames.GOAWAY;
import static io.weft.internal.wire.http2.Frames.HEADERS;
import static io.weft.internal.wire.http2.Frames.PING;
import static io.weft.internal.wire.http2.Frames.RST_STREAM;
import static io.weft.internal.wire.http2.Frames.SETTINGS;
import static io.weft.internal.wire.http2.Frames.WINDOW_UPDATE;
import static io.weft.testing.ScriptedPeer.entries;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Deadline;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.http2.EngineHarness.Call;
import io.weft.internal.wire.http2.EngineHarness.Client;
import io.weft.testing.ScriptedPeer;
import io.weft.testing.ScriptedPeer.Frame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine as a client ({@link Http2Connection#client}), a {@link ScriptedPeer} as its server.
 * Every RST_STREAM and GOAWAY the engine sends is checked for a known code when each test ends.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientEngineTest {
  private static final Duration QUIET = Duration.ofMillis(300);

  private Client client;

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
  }

  private ScriptedPeer start(UnaryOperator<Http2Config.Builder> config) throws IOException {
    client = new Client(config);
    return client.peer;
  }

  /** The scripted server's opening exchange, then the client sees the settings. */
  private ScriptedPeer started(UnaryOperator<Http2Config.Builder> config, int... settings)
      throws Exception {
    ScriptedPeer peer = start(config);
    peer.handshake(settings);
    assertThat(client.conn.awaitSettings(TimeUnit.SECONDS.toNanos(5))).isTrue();
    return peer;
  }

  private static Call listener() {
    return new Call(true, false);
  }

  private static Deadline soon() {
    return Deadline.after(Duration.ofSeconds(10));
  }

  private static Frame expect(ScriptedPeer peer, int type, int stream) {
    Frame f = peer.expectNext();
    assertThat(f.type()).as("%s", f).isEqualTo(type);
    assertThat(f.stream()).as("%s", f).isEqualTo(stream);
    return f;
  }

  private static void sync(ScriptedPeer peer, long opaque) {
    peer.ping(false, opaque);
    Frame f = peer.expectNext();
    assertThat(f.type()).as("%s", f).isEqualTo(PING);
    assertThat(f.isAck()).isTrue();
    assertThat(f.pingData()).isEqualTo(opaque);
  }

  private static StreamException streamFailure(CompletableFuture<?> f) throws Exception {
    try {
      f.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(StreamException.class);
      return (StreamException) e.getCause();
    }
    throw new AssertionError("expected a StreamException");
  }

  @Test
  void awaitSettingsIsFalseWhenTheServerNeverSendsSettings() throws Exception {
    ScriptedPeer peer = start(b -> b);
    Frame s = expect(peer, SETTINGS, 0); // the client's own, after its preface
    assertThat(s.isAck()).isFalse();
    assertThat(s.settings())
        .containsEntry(Settings.ENABLE_PUSH, 0L)
        .doesNotContainKey(Settings.MAX_CONCURRENT_STREAMS);
    long t0 = System.nanoTime();
    assertThat(client.conn.awaitSettings(TimeUnit.MILLISECONDS.toNanos(300))).isFalse();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(millis).isBetween(250L, 3_000L);

    peer.settings();
    assertThat(client.conn.awaitSettings(TimeUnit.SECONDS.toNanos(5))).isTrue();
    assertThat(peer.await(f -> f.type() == SETTINGS && f.isAck(), FIVE_SECONDS)).isNotNull();
  }

  @Test
  void newStreamSendsHeadersAndDataWithinTheWindows() throws Exception {
    ScriptedPeer peer = started(b -> b, Settings.INITIAL_WINDOW_SIZE, 10);
    Call l = listener();
    Fields req = request("/svc/Method");
    req.add("grpc-timeout", "5S");
    byte[] body = "abcdefghijklmnopqrstuvwxy".getBytes(StandardCharsets.UTF_8);
    CompletableFuture<Http2Stream> opened = client.openAsync(req, body, true, l, soon());

    Frame h = expect(peer, HEADERS, 1);
    assertThat(h.has(FLAG_END_HEADERS)).isTrue();
    assertThat(h.endStream()).isFalse();
    assertThat(entries(h.fields())).isEqualTo(entries(req));
    Frame d = expect(peer, DATA, 1);
    assertThat(d.text()).isEqualTo("abcdefghij"); // the stream window
    assertThat(d.endStream()).isFalse();
    assertThat(peer.next(QUIET)).isNull();
    assertThat(opened).isNotDone();

    peer.windowUpdate(1, 15);
    Frame rest = expect(peer, DATA, 1);
    assertThat(rest.text()).isEqualTo("klmnopqrstuvwxy");
    assertThat(rest.endStream()).isTrue();
    Http2Stream s = opened.get(5, TimeUnit.SECONDS);
    assertThat(s.id()).isEqualTo(1);

    peer.headers(1, FLAG_END_HEADERS, ":status", "200", "content-type", "application/grpc")
        .data(1, 0, "pong")
        .headers(1, FLAG_END_HEADERS | FLAG_END_STREAM, "grpc-status", "0");
    l.ended.get(5, TimeUnit.SECONDS);
    assertThat(l.headerBlocks).hasSize(2);
    assertThat(l.headerBlocks.get(0).get(":status")).isEqualTo("200");
    assertThat(l.headerBlocks.get(1).get("grpc-status")).isEqualTo("0");
    assertThat(new String(l.body(), StandardCharsets.UTF_8)).isEqualTo("pong");
    assertThat(s.isClosed()).isTrue();
    assertThat(client.conn.activeStreams()).isZero();

    // a second stream's headers use the dynamic table, and still decode to the same fields
    Call l3 = listener();
    client.open(request("/svc/Method"), new byte[0], true, l3, soon());
    Frame h3 = expect(peer, HEADERS, 3);
    assertThat(h3.endStream()).isTrue();
    assertThat(entries(h3.fields())).isEqualTo(entries(request("/svc/Method")));
  }

  @Test
  void writeBlockedOnAZeroWindowEndsWithDeadline() throws Exception {
    ScriptedPeer peer = started(b -> b, Settings.INITIAL_WINDOW_SIZE, 0);
    Call l = listener();
    long t0 = System.nanoTime();
    CompletableFuture<Http2Stream> opened =
        client.openAsync(
            request("/slow"), new byte[10], true, l, Deadline.after(Duration.ofMillis(400)));
    expect(peer, HEADERS, 1);
    StreamException e = streamFailure(opened);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(e.kind()).isEqualTo(StreamException.Kind.DEADLINE);
    assertThat(millis).isBetween(350L, 3_000L);
    Frame rst = expect(peer, RST_STREAM, 1);
    assertThat(rst.errorCode()).isEqualTo(ErrorCode.CANCEL);
  }

  @Test
  void dataOnAStreamTheClientResetStillReturnsConnectionWindow() throws Exception {
    ScriptedPeer peer =
        started(
            b -> b.connectionWindow(Settings.DEFAULT_WINDOW).streamWindow(Settings.DEFAULT_WINDOW));
    Call l1 = listener();
    Http2Stream s1 = client.open(request("/a"), new byte[0], true, l1, soon());
    expect(peer, HEADERS, 1);
    s1.reset(ErrorCode.CANCEL);
    assertThat(expect(peer, RST_STREAM, 1).errorCode()).isEqualTo(ErrorCode.CANCEL);

    // the server had sent these before it read the reset
    peer.headers(1, FLAG_END_HEADERS, ":status", "200", "content-type", "application/grpc");
    for (int i = 0; i < 4; i++) {
      peer.data(1, 0, new byte[16_383]);
    }
    long returned = 0;
    while (returned < 4 * 16_383) {
      Frame wu = expect(peer, WINDOW_UPDATE, 0);
      returned += wu.increment();
    }
    assertThat(returned).isEqualTo(4 * 16_383);
    assertThat(l1.body()).isEmpty();

    // a later stream gets the whole connection window
    Call l3 = listener();
    client.open(request("/b"), new byte[0], true, l3, soon());
    expect(peer, HEADERS, 3);
    peer.headers(3, FLAG_END_HEADERS, ":status", "200", "content-type", "application/grpc");
    for (int i = 0; i < 4; i++) {
      peer.data(3, 0, new byte[16_383]);
    }
    peer.headers(3, FLAG_END_HEADERS | FLAG_END_STREAM, "grpc-status", "0");
    l3.ended.get(5, TimeUnit.SECONDS);
    assertThat(l3.body()).hasSize(4 * 16_383);
    assertThat(l3.reset).isNotDone();
    assertThat(peer.received()).noneMatch(f -> f.type() == GOAWAY);
  }

  @Test
  void goAwayFailsStreamsAboveItsLastStreamIdAsRefused() throws Exception {
    ScriptedPeer peer = started(b -> b);
    Call l1 = listener();
    Call l3 = listener();
    client.open(request("/a"), new byte[0], true, l1, soon());
    client.open(request("/b"), new byte[0], true, l3, soon());
    expect(peer, HEADERS, 1);
    expect(peer, HEADERS, 3);

    peer.goAway(1, ErrorCode.NO_ERROR);
    StreamException e = l3.reset.get(5, TimeUnit.SECONDS);
    assertThat(e.kind()).isEqualTo(StreamException.Kind.REFUSED);
    assertThat(l1.reset).isNotDone();
    assertThat(client.conn.isAlive()).isFalse();
    assertThat(client.conn.tryReserve()).isFalse();

    peer.headers(1, FLAG_END_HEADERS, ":status", "200", "content-type", "application/grpc")
        .headers(1, FLAG_END_HEADERS | FLAG_END_STREAM, "grpc-status", "0");
    l1.ended.get(5, TimeUnit.SECONDS);
    assertThat(l1.reset).isNotDone();
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue(); // the last stream done, the client leaves
  }

  @Test
  void pingAckWithAnUnknownPayloadIsIgnored() throws Exception {
    ScriptedPeer peer = started(b -> b);
    peer.ping(true, 0xdeadbeefL);
    sync(peer, 777);
    assertThat(peer.next(QUIET)).isNull();
    assertThat(client.conn.isAlive()).isTrue();
  }

  @Test
  void pingOfTheWrongLengthIsFrameSizeError() throws Exception {
    ScriptedPeer peer = started(b -> b);
    peer.raw(PING, 0, 0, new byte[7]);
    Frame g = expect(peer, GOAWAY, 0);
    assertThat(g.errorCode()).isEqualTo(ErrorCode.FRAME_SIZE_ERROR);
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
  }

  @Test
  void pushPromiseIsConnectionProtocolError() throws Exception {
    ScriptedPeer peer = started(b -> b);
    Call l = listener();
    client.open(request("/a"), new byte[0], true, l, soon());
    expect(peer, HEADERS, 1);
    Buffer p = new Buffer(64);
    p.writeInt(2);
    byte[] block = peer.encode(request("/pushed"));
    p.write(block, 0, block.length);
    peer.raw(Frames.PUSH_PROMISE, FLAG_END_HEADERS, 1, p.toByteArray());
    Frame g = expect(peer, GOAWAY, 0);
    assertThat(g.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
    assertThat(l.reset.get(5, TimeUnit.SECONDS).kind())
        .isEqualTo(StreamException.Kind.CONNECTION_LOST);
  }

  @Test
  void responseHeadersWithAnUppercaseNameAreStreamProtocolError() throws Exception {
    ScriptedPeer peer = started(b -> b);
    Call l = listener();
    client.open(request("/a"), new byte[0], true, l, soon());
    expect(peer, HEADERS, 1);
    peer.headers(1, FLAG_END_HEADERS, ":status", "200", "Content-Type", "application/grpc");
    Frame rst = expect(peer, RST_STREAM, 1);
    assertThat(rst.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    StreamException e = l.reset.get(5, TimeUnit.SECONDS);
    assertThat(e.kind()).isEqualTo(StreamException.Kind.RESET_LOCALLY);
    assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    assertThat(l.headerBlocks).isEmpty();
    sync(peer, 8); // the connection goes on
  }

  @Test
  void keepAliveFailsTheConnectionWhenTheServerStopsAnsweringPings() throws Exception {
    ScriptedPeer peer = started(b -> b.keepAlive(Duration.ofMillis(200), Duration.ofMillis(300)));
    Call l = listener();
    client.open(request("/long"), new byte[0], true, l, soon());
    Frame ping = peer.await(f -> f.type() == PING && !f.isAck(), FIVE_SECONDS);
    long t0 = System.nanoTime();
    assertThat(peer.received()).anyMatch(f -> f.type() == HEADERS && f.stream() == 1);
    StreamException e = l.reset.get(5, TimeUnit.SECONDS);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(e.kind()).isEqualTo(StreamException.Kind.CONNECTION_LOST);
    assertThat(millis).as("ms from the PING to the failure (timeout 300 ms)").isLessThan(2_000);
    assertThat(ping.stream()).isZero();
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
    assertThat(client.conn.isAlive()).isFalse();
  }

  @Test
  void keepAliveStaysUpWhileTheServerAnswers() throws Exception {
    ScriptedPeer peer = start(b -> b.keepAlive(Duration.ofMillis(100), Duration.ofMillis(300)));
    peer.autoAck(true);
    peer.handshake();
    Call l = listener();
    client.open(request("/long"), new byte[0], true, l, soon());
    for (int i = 0; i < 4; i++) {
      peer.await(f -> f.type() == PING && !f.isAck(), FIVE_SECONDS);
    }
    assertThat(l.reset).isNotDone();
    peer.headers(
        1,
        FLAG_END_HEADERS | FLAG_END_STREAM,
        ":status",
        "200",
        "content-type",
        "application/grpc",
        "grpc-status",
        "0");
    l.ended.get(5, TimeUnit.SECONDS);
    assertThat(client.conn.isAlive()).isTrue();
  }
}
