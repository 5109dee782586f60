package io.weft.internal.wire.http2;

import static io.weft.internal.wire.http2.EngineHarness.FIVE_SECONDS;
import static io.weft.internal.wire.http2.EngineHarness.okTrailers;
import static io.weft.internal.wire.http2.EngineHarness.request;
import static io.weft.internal.wire.http2.EngineHarness.responseHeaders;
import static io.weft.internal.wire.http2.Frames.CONTINUATION;
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
import static io.weft.testing.ScriptedPeer.fields;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Deadline;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.http2.EngineHarness.Acceptor;
import io.weft.internal.wire.http2.EngineHarness.Call;
import io.weft.internal.wire.http2.EngineHarness.Server;
import io.weft.testing.ScriptedPeer;
import io.weft.testing.ScriptedPeer.Frame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine as a server ({@link Http2Connection#server}), a {@link ScriptedPeer} as its client:
 * each test scripts the client's frames and asserts the exact frames the engine answers with. Every
 * RST_STREAM and GOAWAY the engine sends is checked for a known code when each test ends.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerEngineTest {
  private static final Duration QUIET = Duration.ofMillis(300);

  private Server server;

  @AfterEach
  void tearDown() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private ScriptedPeer start(UnaryOperator<Http2Config.Builder> config, Acceptor acceptor)
      throws IOException {
    server = new Server(config, acceptor);
    return server.connect();
  }

  private ScriptedPeer start(UnaryOperator<Http2Config.Builder> config) throws IOException {
    return start(config, new Acceptor(true, true));
  }

  private static Acceptor manual() {
    return new Acceptor(false, false);
  }

  private static Frame expect(ScriptedPeer peer, int type, int stream) {
    Frame f = peer.expectNext();
    assertThat(f.type()).as("%s", f).isEqualTo(type);
    assertThat(f.stream()).as("%s", f).isEqualTo(stream);
    return f;
  }

  /**
   * The echo reply to a request on {@code stream} with {@code body}: HEADERS 200, DATA (if any),
   * trailers.
   */
  private static void expectEcho(ScriptedPeer peer, int stream, String body) {
    Frame h = expect(peer, HEADERS, stream);
    assertThat(h.endStream()).isFalse();
    assertThat(entries(h.fields())).isEqualTo(entries(responseHeaders()));
    if (!body.isEmpty()) {
      Frame d = expect(peer, DATA, stream);
      assertThat(d.endStream()).isFalse();
      assertThat(d.text()).isEqualTo(body);
    }
    Frame t = expect(peer, HEADERS, stream);
    assertThat(t.endStream()).isTrue();
    assertThat(entries(t.fields())).isEqualTo(entries(okTrailers()));
  }

  /** A PING and its ACK: every frame the engine sent before the ACK has been taken. */
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
    throw new AssertionError("expected a StreamException, but the write succeeded");
  }

  // ---- SETTINGS and PING ----

  @Test
  void firstFrameIsSettingsAsConfiguredThenOursIsAcknowledgedAndPingsAnswered() throws Exception {
    ScriptedPeer peer =
        start(b -> b.maxConcurrentStreams(7).streamWindow(100_000).maxHeaderListSize(8192));
    Frame first = peer.expectNext();
    assertThat(first.type()).isEqualTo(SETTINGS);
    assertThat(first.isAck()).isFalse();
    assertThat(first.stream()).isZero();
    assertThat(first.settings())
        .containsEntry(Settings.MAX_CONCURRENT_STREAMS, 7L)
        .containsEntry(Settings.INITIAL_WINDOW_SIZE, 100_000L)
        .containsEntry(Settings.MAX_HEADER_LIST_SIZE, 8192L)
        .doesNotContainEntry(Settings.ENABLE_PUSH, 1L);
    Frame wu = expect(peer, WINDOW_UPDATE, 0);
    assertThat(wu.increment()).isEqualTo((4 << 20) - Settings.DEFAULT_WINDOW);

    peer.preface().settings(Settings.INITIAL_WINDOW_SIZE, 1000);
    Frame ack = expect(peer, SETTINGS, 0);
    assertThat(ack.isAck()).isTrue();
    assertThat(ack.payload()).isEmpty();

    peer.ping(false, 0x0102030405060708L);
    Frame pong = expect(peer, PING, 0);
    assertThat(pong.isAck()).isTrue();
    assertThat(pong.pingData()).isEqualTo(0x0102030405060708L);

    // a PING ACK is answered with nothing: the next frame is the answer to the next PING
    peer.ping(true, 0x55L);
    peer.ping(false, 0x66L);
    Frame next = expect(peer, PING, 0);
    assertThat(next.isAck()).isTrue();
    assertThat(next.pingData()).isEqualTo(0x66L);
    assertThat(peer.next(QUIET)).isNull();
  }

  // ---- requests ----

  @Test
  void requestIsEchoed() throws Exception {
    ScriptedPeer peer = start(b -> b);
    peer.handshake();
    peer.headers(1, FLAG_END_HEADERS, request("/echo")).data(1, FLAG_END_STREAM, "hello");
    expectEcho(peer, 1, "hello");
    Call c = server.acceptor.next();
    assertThat(entries(c.headers)).isEqualTo(entries(request("/echo")));
    c.replied.get(5, TimeUnit.SECONDS);
    assertThat(peer.next(QUIET)).isNull();
  }

  /**
   * RFC 7541 lets an encoder write any field, pseudo-headers included, as a literal with a literal
   * name (Helidon refused that with GOAWAY PROTOCOL_ERROR; grpc-java accepts it), and the same
   * block with every field Huffman-coded and indexed into the dynamic table.
   */
  @Test
  void pseudoHeadersInAnyHpackEncodingAreAccepted() throws Exception {
    ScriptedPeer peer = start(b -> b);
    peer.handshake();
    Buffer literalNames = new Buffer(256);
    HpackEncoder plain =
        new HpackEncoder(0, false); // no dynamic table: one table size update, then literals
    plain.beginBlock(literalNames);
    Fields request = request("/echo");
    for (int i = 0; i < request.size(); i++) {
      byte[] name = request.name(i).getBytes(StandardCharsets.US_ASCII);
      byte[] value = request.value(i).getBytes(StandardCharsets.US_ASCII);
      literalNames.writeByte(
          0x00); // literal without indexing, new name (not the static table's index)
      literalNames.writeByte(name.length).write(name, 0, name.length);
      literalNames.writeByte(value.length).write(value, 0, value.length);
    }
    peer.headerBlock(1, FLAG_END_HEADERS, Arrays.copyOf(literalNames.array(), literalNames.size()))
        .data(1, FLAG_END_STREAM, "one");
    expectEcho(peer, 1, "one");

    Buffer indexed = new Buffer(256);
    HpackEncoder huffman = new HpackEncoder(4096, true);
    huffman.beginBlock(indexed);
    for (int i = 0; i < request.size(); i++) {
      huffman.field(indexed, request.name(i), request.value(i), HpackEncoder.INDEX);
    }
    peer.headerBlock(3, FLAG_END_HEADERS, Arrays.copyOf(indexed.array(), indexed.size()))
        .data(3, FLAG_END_STREAM, "two");
    expectEcho(peer, 3, "two");
    assertThat(server.acceptor.next().headers.get(":path")).isEqualTo("/echo");
  }

  @Test
  void paddedDataIsHandled() throws Exception {
    ScriptedPeer peer = start(b -> b);
    peer.handshake();
    peer.headers(1, FLAG_END_HEADERS, request("/echo"))
        .dataPadded(1, 0, "hel".getBytes(StandardCharsets.UTF_8), 20)
        .dataPadded(1, FLAG_END_STREAM, "lo".getBytes(StandardCharsets.UTF_8), 255);
    expectEcho(peer, 1, "hello");
  }

  @Test
  void paddedHeadersAreHandled() throws Exception {
    ScriptedPeer peer = start(b -> b);
    peer.handshake();
    peer.headersPadded(1, FLAG_END_HEADERS | FLAG_END_STREAM, request("/padded"), 40);
    expectEcho(peer, 1, "");
    assertThat(entries(server.acceptor.next().headers)).isEqualTo(entries(request("/padded")));
  }

  @Test
  void headerBlockSplitOverContinuationFramesWorks() throws Exception {
    ScriptedPeer peer = start(b -> b);
    peer.handshake();
    Fields req = request("/split/over/continuations");
    req.add("x-long", "v".repeat(300));
    byte[] block = peer.encode(req);
    int third = block.length / 3;
    peer.headerBlock(1, 0, Arrays.copyOfRange(block, 0, third))
        .continuation(1, 0, new byte[0])
        .continuation(1, 0, Arrays.copyOfRange(block, third, 2 * third))
        .continuation(1, FLAG_END_HEADERS, Arrays.copyOfRange(block, 2 * third, block.length))
        .data(1, FLAG_END_STREAM, "x");
    expectEcho(peer, 1, "x");
    assertThat(entries(server.acceptor.next().headers)).isEqualTo(entries(req));
  }

  // ---- outbound flow control ----

  @Test
  void zeroWindowHoldsTheBodyAndWindowUpdateReleasesExactlyThatMuch() throws Exception {
    ScriptedPeer peer = start(b -> b);
    peer.handshake(Settings.INITIAL_WINDOW_SIZE, 0);
    peer.headers(1, FLAG_END_HEADERS, request("/echo")).data(1, FLAG_END_STREAM, "hello world");
    assertThat(peer.poll(f -> f.type() == DATA, QUIET)).isNull();

    peer.windowUpdate(1, 4);
    Frame d = peer.await(f -> f.type() == DATA, FIVE_SECONDS);
    assertThat(d.stream()).isEqualTo(1);
    assertThat(d.text()).isEqualTo("hell");
    assertThat(d.endStream()).isFalse();
    assertThat(peer.received())
        .filteredOn(f -> f.type() == HEADERS && f.stream() == 1)
        .hasSize(1)
        .first()
        .satisfies(h -> assertThat(h.fields().get(":status")).isEqualTo("200"));
    assertThat(peer.poll(f -> f.type() == DATA || f.type() == HEADERS, QUIET)).isNull();

    peer.windowUpdate(1, 100);
    Frame rest = expect(peer, DATA, 1);
    assertThat(rest.text()).isEqualTo("o world");
    Frame t = expect(peer, HEADERS, 1);
    assertThat(t.endStream()).isTrue();
  }

  @Test
  void settingsThatRaiseTheWindowReleaseDataAfterTheirAck() throws Exception {
    ScriptedPeer peer = start(b -> b);
    peer.handshake(Settings.INITIAL_WINDOW_SIZE, 0);
    peer.headers(1, FLAG_END_HEADERS, request("/echo")).data(1, FLAG_END_STREAM, "hello world");
    Call c = server.acceptor.next();
    c.ended.get(5, TimeUnit.SECONDS);
    assertThat(peer.poll(f -> f.type() == DATA, QUIET)).isNull();

    peer.settings(Settings.INITIAL_WINDOW_SIZE, 65_535);
    Frame ack =
        peer.await(
            f -> f.type() != HEADERS, FIVE_SECONDS); // response headers may leave with the data
    assertThat(ack.type()).as("the first frame after our SETTINGS: %s", ack).isEqualTo(SETTINGS);
    assertThat(ack.isAck()).isTrue();
    Frame d = peer.expectNext();
    if (d.type() == HEADERS) { // the response headers, unless they left before the window opened
      d = peer.expectNext();
    }
    assertThat(d.type()).as("%s", d).isEqualTo(DATA);
    assertThat(d.text()).isEqualTo("hello world");
    assertThat(expect(peer, HEADERS, 1).endStream()).isTrue();
    assertThat(peer.received())
        .filteredOn(f -> f.type() == HEADERS && !f.endStream())
        .singleElement()
        .satisfies(h -> assertThat(h.fields().get(":status")).isEqualTo("200"));
  }

  // ---- inbound flow control ----

  @Test
  void windowUpdatesGoOutAsTheListenerConsumesAndNeverBefore() throws Exception {
    Acceptor acceptor = manual();
    ScriptedPeer peer = start(b -> b.streamWindow(40_000).connectionWindow(80_000), acceptor);
    peer.handshake();
    peer.headers(1, FLAG_END_HEADERS, request("/upload"))
        .data(1, 0, new byte[16_384])
        .data(1, 0, new byte[3_616]);
    Call c = acceptor.next();
    c.awaitBytes(20_000, FIVE_SECONDS);
    assertThat(peer.poll(f -> f.type() == WINDOW_UPDATE, QUIET)).isNull();

    c.stream.consumed(5_000); // below a quarter of either window: still nothing
    assertThat(peer.poll(f -> f.type() == WINDOW_UPDATE, QUIET)).isNull();

    c.stream.consumed(15_000);
    Frame conn = expect(peer, WINDOW_UPDATE, 0);
    assertThat(conn.increment()).isEqualTo(20_000);
    Frame stream = expect(peer, WINDOW_UPDATE, 1);
    assertThat(stream.increment()).isEqualTo(20_000);
    assertThat(peer.next(QUIET)).isNull();
  }

  @Test
  void dataPastTheStreamWindowIsFlowControlError() throws Exception {
    Acceptor acceptor = manual();
    ScriptedPeer peer = start(b -> b.streamWindow(40_000).connectionWindow(80_000), acceptor);
    peer.handshake();
    peer.headers(1, FLAG_END_HEADERS, request("/upload"))
        .data(1, 0, new byte[16_384])
        .data(1, 0, new byte[16_384]);
    Call c = acceptor.next();
    c.awaitBytes(32_768, FIVE_SECONDS);
    peer.data(1, 0, new byte[16_384]); // 49,152 > 40,000
    Frame rst = expect(peer, RST_STREAM, 1);
    assertThat(rst.errorCode()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
    StreamException why = c.reset.get(5, TimeUnit.SECONDS);
    assertThat(why.kind()).isEqualTo(StreamException.Kind.RESET_LOCALLY);
    assertThat(why.code()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
    sync(peer, 1); // the connection goes on
  }

  @Test
  void dataPastTheConnectionWindowIsConnectionFlowControlError() throws Exception {
    ScriptedPeer peer =
        start(b -> b.streamWindow(60_000).connectionWindow(Settings.DEFAULT_WINDOW), manual());
    peer.handshake();
    peer.headers(1, FLAG_END_HEADERS, request("/a"))
        .headers(3, FLAG_END_HEADERS, request("/b"))
        .data(1, 0, new byte[16_384])
        .data(1, 0, new byte[16_384])
        .data(1, 0, new byte[16_384])
        .data(3, 0, new byte[16_384]); // 65,536 > 65,535
    Frame g = peer.expectGoAway(ErrorCode.FLOW_CONTROL_ERROR);
    assertThat(g.lastStreamId()).isEqualTo(3);
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
  }

  // ---- stream states ----

  @Test
  void dataOnAnIdleStreamIsConnectionProtocolError() throws Exception {
    ScriptedPeer peer = start(b -> b);
    peer.handshake();
    peer.data(5, 0, "x");
    Frame g = expect(peer, GOAWAY, 0);
    assertThat(g.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    assertThat(g.lastStreamId()).isZero();
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
  }

  @Test
  void dataAfterThePeersResetIsStreamClosed() throws Exception {
    Acceptor acceptor = manual();
    ScriptedPeer peer = start(b -> b, acceptor);
    peer.handshake();
    peer.headers(1, FLAG_END_HEADERS, request("/a"));
    Call c = acceptor.next();
    peer.rst(1, ErrorCode.CANCEL);
    assertThat(c.reset.get(5, TimeUnit.SECONDS).kind())
        .isEqualTo(StreamException.Kind.RESET_BY_PEER);
    peer.data(1, 0, "late");
    Frame rst = expect(peer, RST_STREAM, 1);
    assertThat(rst.errorCode()).isEqualTo(ErrorCode.STREAM_CLOSED);
    sync(peer, 2);
  }

  @Test
  void dataAfterEndStreamIsStreamClosed() throws Exception {
    Acceptor acceptor = manual();
    ScriptedPeer peer = start(b -> b, acceptor);
    peer.handshake();
    peer.headers(1, FLAG_END_HEADERS | FLAG_END_STREAM, request("/a"));
    acceptor.next();
    peer.data(1, 0, "after the end");
    Frame rst = expect(peer, RST_STREAM, 1);
    assertThat(rst.errorCode()).isEqualTo(ErrorCode.STREAM_CLOSED);
    sync(peer, 3);
  }

  @Test
  void headersWithAnEvenStreamIdIsConnectionProtocolError() throws Exception {
    ScriptedPeer peer = start(b -> b);
    peer.handshake();
    peer.headers(2, FLAG_END_HEADERS | FLAG_END_STREAM, request("/a"));
    assertThat(expect(peer, GOAWAY, 0).errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
  }

  @Test
  void headersWithALowerStreamIdThanBeforeIsConnectionProtocolError() throws Exception {
    Acceptor acceptor = manual();
    ScriptedPeer peer = start(b -> b, acceptor);
    peer.handshake();
    peer.headers(5, FLAG_END_HEADERS, request("/a"));
    acceptor.next();
    peer.headers(3, FLAG_END_HEADERS, request("/b"));
    Frame g = expect(peer, GOAWAY, 0);
    assertThat(g.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    assertThat(g.lastStreamId()).isEqualTo(5);
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
  }

  @Test
  void framesOnAStreamTheServerResetAreIgnoredButTheirCreditComesBack() throws Exception {
    Acceptor acceptor = manual();
    ScriptedPeer peer =
        start(
            b -> b.connectionWindow(Settings.DEFAULT_WINDOW).streamWindow(Settings.DEFAULT_WINDOW),
            acceptor);
    peer.handshake();
    peer.headers(1, FLAG_END_HEADERS, request("/a"));
    Call c = acceptor.next();
    c.stream.reset(ErrorCode.CANCEL);
    assertThat(expect(peer, RST_STREAM, 1).errorCode()).isEqualTo(ErrorCode.CANCEL);

    peer.data(1, 0, new byte[16_384])
        .windowUpdate(1, 100)
        .priority(1, 0, false, 16)
        .headers(1, FLAG_END_HEADERS | FLAG_END_STREAM, fields("grpc-status", "0"))
        .rst(1, ErrorCode.CANCEL);
    Frame wu = expect(peer, WINDOW_UPDATE, 0);
    assertThat(wu.increment()).isEqualTo(16_384);
    sync(peer, 4); // nothing else: no RST_STREAM, no GOAWAY
    assertThat(c.body()).isEmpty();
  }

  // ---- floods ----

  @Test
  void continuationFloodOfEmptyFramesIsEnhanceYourCalm() throws Exception {
    ScriptedPeer peer = start(b -> b);
    peer.handshake();
    peer.headerBlock(1, 0, peer.encode(request("/flood")));
    byte[] batch = new byte[1_000 * Frames.HEADER_LENGTH];
    for (int i = 0; i < 1_000; i++) {
      Frames.headerAt(batch, i * Frames.HEADER_LENGTH, 0, CONTINUATION, 0, 1);
    }
    int sent = floodUntilClosed(peer, batch, 100); // up to 100,000 frames
    Frame g = peer.expectGoAway(ErrorCode.ENHANCE_YOUR_CALM);
    assertThat(g.lastStreamId()).isZero();
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
    long allocated = server.served.get(5, TimeUnit.SECONDS);
    assertThat(allocated)
        .as("bytes the server allocated in serve() for a flood of %d batches", sent)
        .isLessThan(256 << 10);
    assertThat(peer.received()).noneMatch(f -> f.type() == HEADERS);
  }

  @Test
  void continuationFloodPastTheHeaderBlockByteLimitIsEnhanceYourCalm() throws Exception {
    ScriptedPeer peer = start(b -> b); // 64 KiB header lists: blocks of at most ~97 KiB, 32 frames
    peer.handshake();
    peer.headerBlock(1, 0, new byte[16_384]);
    Buffer b = new Buffer();
    for (int i = 0; i < 16; i++) {
      Frames.header(b, 16_384, CONTINUATION, 0, 1);
      b.write(new byte[16_384], 0, 16_384);
    }
    int sent = floodUntilClosed(peer, b.toByteArray(), 16); // up to 4 MiB of header block
    Frame g = peer.expectGoAway(ErrorCode.ENHANCE_YOUR_CALM);
    assertThat(g.debug()).contains("bytes");
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
    long allocated = server.served.get(5, TimeUnit.SECONDS);
    assertThat(allocated)
        .as("bytes the server allocated in serve() for %d batches of 256 KiB", sent)
        .isLessThan(1 << 20);
  }

  /**
   * Writes {@code batch} up to {@code times} times, stopping once the engine has closed the
   * connection; returns how many went.
   */
  private static int floodUntilClosed(ScriptedPeer peer, byte[] batch, int times) {
    int sent = 0;
    try {
      for (; sent < times; sent++) {
        if (peer.received().stream().anyMatch(f -> f.type() == GOAWAY)) {
          break;
        }
        peer.bytes(batch);
      }
    } catch (UncheckedIOException closed) {
      // the engine closed the connection under the flood
    }
    return sent;
  }

  @Test
  void pingFloodEndsAfterTheThirdStrikeWithTooManyPings() throws Exception {
    ScriptedPeer peer = start(b -> b.permitKeepAliveTime(Duration.ofMinutes(5)));
    peer.handshake();
    sync(peer, 1); // allowed: the first ping
    sync(peer, 2); // strike 1
    sync(peer, 3); // strike 2
    peer.ping(false, 4); // strike 3
    Frame g = peer.expectNext();
    assertThat(g.type()).as("%s", g).isEqualTo(GOAWAY);
    assertThat(g.errorCode()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM);
    assertThat(g.debug()).isEqualTo("too_many_pings");
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
    assertThat(peer.received())
        .filteredOn(f -> f.type() == PING)
        .extracting(Frame::pingData)
        .containsExactly(1L, 2L, 3L);
  }

  @Test
  void settingsFloodPastTheLimitIsEnhanceYourCalm() throws Exception {
    ScriptedPeer peer = start(b -> b.floodLimits(10_000, 5, Duration.ofMinutes(1), 10_000));
    peer.handshake(); // 1
    for (int i = 2; i <= 5; i++) {
      peer.settings(Settings.MAX_FRAME_SIZE, 16_384 + i);
      Frame ack = expect(peer, SETTINGS, 0);
      assertThat(ack.isAck()).isTrue();
    }
    peer.settings(Settings.MAX_FRAME_SIZE, 20_000); // 6
    Frame g = expect(peer, GOAWAY, 0);
    assertThat(g.errorCode()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM);
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
  }

  @Test
  void rapidResetPastTheLimitIsEnhanceYourCalm() throws Exception {
    Acceptor acceptor = manual();
    ScriptedPeer peer = start(b -> b.floodLimits(5, 100, Duration.ofMinutes(1), 10_000), acceptor);
    peer.handshake();
    for (int id = 1; id <= 9; id += 2) {
      peer.headers(id, FLAG_END_HEADERS, request("/r")).rst(id, ErrorCode.CANCEL);
    }
    sync(peer, 5); // five resets: still up, and nothing sent but the ACK
    peer.headers(11, FLAG_END_HEADERS, request("/r")).rst(11, ErrorCode.CANCEL);
    Frame g = expect(peer, GOAWAY, 0);
    assertThat(g.errorCode()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM);
    assertThat(g.lastStreamId()).isEqualTo(11);
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
  }

  @Test
  void windowUpdateOverflowingTheConnectionWindowIsConnectionFlowControlError() throws Exception {
    ScriptedPeer peer = start(b -> b);
    peer.handshake();
    peer.windowUpdate(0, Integer.MAX_VALUE);
    assertThat(expect(peer, GOAWAY, 0).errorCode()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
  }

  @Test
  void windowUpdateOverflowingAStreamWindowIsStreamFlowControlError() throws Exception {
    Acceptor acceptor = manual();
    ScriptedPeer peer = start(b -> b, acceptor);
    peer.handshake();
    peer.headers(1, FLAG_END_HEADERS, request("/a"));
    Call c = acceptor.next();
    peer.windowUpdate(1, Integer.MAX_VALUE);
    assertThat(expect(peer, RST_STREAM, 1).errorCode()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
    assertThat(c.reset.get(5, TimeUnit.SECONDS).code()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
    sync(peer, 6);
  }

  @Test
  void windowUpdateOfZeroOnAStreamIsStreamProtocolError() throws Exception {
    Acceptor acceptor = manual();
    ScriptedPeer peer = start(b -> b, acceptor);
    peer.handshake();
    peer.headers(1, FLAG_END_HEADERS, request("/a"));
    acceptor.next();
    peer.windowUpdate(1, 0);
    assertThat(expect(peer, RST_STREAM, 1).errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    sync(peer, 7);
  }

  @Test
  void windowUpdateOfZeroOnTheConnectionIsConnectionProtocolError() throws Exception {
    ScriptedPeer peer = start(b -> b);
    peer.handshake();
    peer.windowUpdate(0, 0);
    assertThat(expect(peer, GOAWAY, 0).errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
  }

  @Test
  void hpackBombIsAnswered431QuicklyWithLittleAllocatedAndTheConnectionSurvives() throws Exception {
    ScriptedPeer peer = start(b -> b.maxHeaderListSize(16 * 1024));
    peer.handshake();
    sync(peer, 8);
    // one 4 KiB entry in the dynamic table, then 10,000 one-byte references to it: 40 MB decoded
    Buffer block = new Buffer(16_384);
    HpackEncoder enc = peer.encoder();
    enc.beginBlock(block);
    request("/bomb").forEach((n, v) -> enc.field(block, n, v, HpackEncoder.NO_INDEX));
    String big = "b".repeat(4_000);
    for (int i = 0; i <= 10_000; i++) {
      enc.field(block, "x-bomb", big, HpackEncoder.INDEX);
    }
    assertThat(block.size()).isLessThan(Http2Config.MAX_FRAME_SIZE);
    long before = server.allocated();
    long t0 = System.nanoTime();
    peer.headerBlock(1, FLAG_END_HEADERS | FLAG_END_STREAM, block.toByteArray());
    Frame h = expect(peer, HEADERS, 1);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(h.endStream()).isTrue();
    assertThat(h.fields().get(":status")).isEqualTo("431");
    assertThat(h.fields().get("grpc-status")).isEqualTo("8");
    sync(peer, 9); // the reader is done with the block
    long allocated = server.allocated() - before;
    assertThat(millis).as("ms to answer the bomb").isLessThan(2_000);
    assertThat(allocated).as("bytes the reader allocated for a 40 MB bomb").isLessThan(1 << 20);
    assertThat(server.acceptor.calls).isEmpty();

    // the connection is still usable, and the HPACK tables still agree
    peer.headers(3, FLAG_END_HEADERS, request("/after")).data(3, FLAG_END_STREAM, "still here");
    expectEcho(peer, 3, "still here");
    assertThat(entries(server.acceptor.next().headers)).isEqualTo(entries(request("/after")));
  }

  // ---- concurrency ----

  @Test
  void streamsPastMaxConcurrentStreamsAreRefused() throws Exception {
    Acceptor acceptor = manual();
    ScriptedPeer peer = start(b -> b.maxConcurrentStreams(2), acceptor);
    assertThat(peer.handshake().settings()).containsEntry(Settings.MAX_CONCURRENT_STREAMS, 2L);
    peer.headers(1, FLAG_END_HEADERS, request("/a"))
        .headers(3, FLAG_END_HEADERS, request("/b"))
        .headers(5, FLAG_END_HEADERS, request("/c"));
    Frame rst = expect(peer, RST_STREAM, 5);
    assertThat(rst.errorCode()).isEqualTo(ErrorCode.REFUSED_STREAM);
    assertThat(acceptor.next().stream.id()).isEqualTo(1);
    assertThat(acceptor.next().stream.id()).isEqualTo(3);
    assertThat(acceptor.calls).isEmpty();

    peer.rst(1, ErrorCode.CANCEL)
        .headers(7, FLAG_END_HEADERS, request("/d")); // a slot is free again
    assertThat(acceptor.next().stream.id()).isEqualTo(7);
    sync(peer, 10);
  }

  // ---- blocked writers ----

  @Test
  void writerBlockedOnAZeroWindowIsWokenWhenThePeerResetsTheStream() throws Exception {
    SendBudget budget = new SendBudget(1 << 24);
    Acceptor acceptor = manual();
    ScriptedPeer peer = start(b -> b.maxPending(1 << 20, 1 << 20, budget), acceptor);
    peer.handshake(Settings.INITIAL_WINDOW_SIZE, 0);
    peer.headers(1, FLAG_END_HEADERS | FLAG_END_STREAM, request("/a"));
    Call c = acceptor.next();
    CompletableFuture<Void> w =
        c.writeAsync(
            responseHeaders(),
            new byte[100],
            okTrailers(),
            true,
            Deadline.after(Duration.ofMinutes(1)));
    peer.windowUpdate(1, 10);
    assertThat(peer.await(f -> f.type() == DATA, FIVE_SECONDS).data())
        .hasSize(10); // the writer runs, and waits for 90 more
    assertThat(w).isNotDone();

    long t0 = System.nanoTime();
    peer.rst(1, ErrorCode.CANCEL);
    StreamException e = streamFailure(w);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2_000);
    assertThat(e.kind()).isEqualTo(StreamException.Kind.RESET_BY_PEER);
    assertThat(e.code()).isEqualTo(ErrorCode.CANCEL);
    assertThat(budget.held()).isZero();
  }

  @Test
  void writerBlockedOnAZeroWindowIsWokenWhenTheConnectionDies() throws Exception {
    SendBudget budget = new SendBudget(1 << 24);
    Acceptor acceptor = manual();
    ScriptedPeer peer = start(b -> b.maxPending(1 << 20, 1 << 20, budget), acceptor);
    peer.handshake(Settings.INITIAL_WINDOW_SIZE, 0);
    peer.headers(1, FLAG_END_HEADERS | FLAG_END_STREAM, request("/a"));
    Call c = acceptor.next();
    CompletableFuture<Void> w =
        c.writeAsync(
            responseHeaders(),
            new byte[100],
            okTrailers(),
            true,
            Deadline.after(Duration.ofMinutes(1)));
    peer.windowUpdate(1, 10);
    assertThat(peer.await(f -> f.type() == DATA, FIVE_SECONDS).data()).hasSize(10);

    long t0 = System.nanoTime();
    peer.close();
    StreamException e = streamFailure(w);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2_000);
    assertThat(e.kind()).isEqualTo(StreamException.Kind.CONNECTION_LOST);
    assertThat(c.reset.get(5, TimeUnit.SECONDS).kind())
        .isEqualTo(StreamException.Kind.CONNECTION_LOST);
    assertThat(budget.held()).isZero();
    assertThat(server.acceptor.closed.get(5, TimeUnit.SECONDS)).isSameAs(server.conn);
  }

  // ---- outbound limits ----

  @Test
  void writerOverTheStreamLimitGetsOverLimitAndThePeerSeesEnhanceYourCalm() throws Exception {
    SendBudget budget = new SendBudget(1 << 20);
    Acceptor acceptor = manual();
    ScriptedPeer peer = start(b -> b.maxPending(1_000, 1_500, budget), acceptor);
    peer.handshake(Settings.INITIAL_WINDOW_SIZE, 0);
    peer.headers(1, FLAG_END_HEADERS | FLAG_END_STREAM, request("/a"));
    Call c = acceptor.next();
    StreamException e =
        streamFailure(
            c.writeAsync(
                responseHeaders(),
                new byte[2_000],
                okTrailers(),
                true,
                Deadline.after(FIVE_SECONDS)));
    assertThat(e.kind()).isEqualTo(StreamException.Kind.OVER_LIMIT);
    assertThat(e.code()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM);
    assertThat(budget.held()).isZero();
    peer.expectRst(1, ErrorCode.ENHANCE_YOUR_CALM);
  }

  @Test
  void writersOverTheConnectionLimitGetOverLimitAndTheBudgetEmpties() throws Exception {
    SendBudget budget = new SendBudget(1 << 20);
    Acceptor acceptor = manual();
    ScriptedPeer peer = start(b -> b.maxPending(1_000, 1_500, budget), acceptor);
    peer.handshake(Settings.INITIAL_WINDOW_SIZE, 0);
    peer.headers(1, FLAG_END_HEADERS | FLAG_END_STREAM, request("/a"))
        .headers(3, FLAG_END_HEADERS | FLAG_END_STREAM, request("/b"));
    Call c1 = acceptor.next();
    Call c3 = acceptor.next();
    // 800 + 800 waiting bytes: each within the stream limit, together past the connection's
    CompletableFuture<Void> w1 =
        c1.writeAsync(
            responseHeaders(),
            new byte[800],
            okTrailers(),
            true,
            Deadline.after(Duration.ofMinutes(1)));
    CompletableFuture<Void> w3 =
        c3.writeAsync(
            responseHeaders(),
            new byte[800],
            okTrailers(),
            true,
            Deadline.after(Duration.ofMinutes(1)));
    CompletableFuture.anyOf(w1, w3).exceptionally(t -> null).get(5, TimeUnit.SECONDS);
    boolean firstFailed = w1.isCompletedExceptionally();
    CompletableFuture<Void> failed = firstFailed ? w1 : w3;
    CompletableFuture<Void> waiting = firstFailed ? w3 : w1;
    int failedId = firstFailed ? 1 : 3;
    StreamException e = streamFailure(failed);
    assertThat(e.kind()).isEqualTo(StreamException.Kind.OVER_LIMIT);
    assertThat(waiting).isNotDone();

    peer.settings(Settings.INITIAL_WINDOW_SIZE, 65_535); // the other one may now finish
    waiting.get(5, TimeUnit.SECONDS);
    assertThat(budget.held()).isZero();
    peer.expectRst(failedId, ErrorCode.ENHANCE_YOUR_CALM);
  }

  // ---- graceful shutdown ----

  @Test
  void shutdownSendsTwoGoAwaysAroundAPingLetsOpenStreamsFinishThenCloses() throws Exception {
    ScriptedPeer peer = start(b -> b);
    peer.handshake();
    peer.headers(1, FLAG_END_HEADERS, request("/one"));
    server.acceptor.next();

    server.conn.shutdown();
    Frame first = expect(peer, GOAWAY, 0);
    assertThat(first.lastStreamId()).isEqualTo(Integer.MAX_VALUE);
    assertThat(first.errorCode()).isEqualTo(ErrorCode.NO_ERROR);
    Frame ping = expect(peer, PING, 0);
    assertThat(ping.isAck()).isFalse();

    peer.headers(
        3, FLAG_END_HEADERS, request("/three")); // in flight before the PING came back: served
    server.acceptor.next();
    peer.ping(true, ping.pingData());
    Frame last = expect(peer, GOAWAY, 0);
    assertThat(last.lastStreamId()).isEqualTo(3);
    assertThat(last.errorCode()).isEqualTo(ErrorCode.NO_ERROR);

    peer.headers(5, FLAG_END_HEADERS | FLAG_END_STREAM, request("/five"));
    assertThat(expect(peer, RST_STREAM, 5).errorCode()).isEqualTo(ErrorCode.REFUSED_STREAM);

    peer.data(1, FLAG_END_STREAM, "one");
    expectEcho(peer, 1, "one");
    peer.data(3, FLAG_END_STREAM, "three");
    expectEcho(peer, 3, "three");
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
    assertThat(peer.received()).filteredOn(f -> f.type() == GOAWAY).hasSize(2);
  }

  // ---- keepalive ----

  @Test
  void keepAliveClosesAConnectionWhosePeerNeverAnswers() throws Exception {
    ScriptedPeer peer = start(b -> b.keepAlive(Duration.ofMillis(200), Duration.ofMillis(300)));
    peer.handshake();
    Frame ping = peer.await(f -> f.type() == PING && !f.isAck(), FIVE_SECONDS);
    long t0 = System.nanoTime();
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2_000);
    assertThat(ping.stream()).isZero();
  }

  @Test
  void keepAliveKeepsAConnectionWhosePeerAnswers() throws Exception {
    ScriptedPeer peer = start(b -> b.keepAlive(Duration.ofMillis(100), Duration.ofMillis(300)));
    peer.autoAck(true);
    peer.handshake();
    for (int i = 0; i < 4; i++) {
      peer.await(f -> f.type() == PING && !f.isAck(), FIVE_SECONDS); // answered by autoAck
    }
    peer.headers(1, FLAG_END_HEADERS, request("/alive")).data(1, FLAG_END_STREAM, "yes");
    Frame h = peer.await(f -> f.type() == HEADERS, FIVE_SECONDS);
    assertThat(h.fields().get(":status")).isEqualTo("200");
    assertThat(peer.await(f -> f.type() == DATA, FIVE_SECONDS).text()).isEqualTo("yes");
    assertThat(peer.await(f -> f.type() == HEADERS, FIVE_SECONDS).endStream()).isTrue();
  }

  // ---- error codes ----

  @Test
  void everyResetAndGoAwayCarriesAKnownCode() throws Exception {
    Acceptor acceptor = manual();
    ScriptedPeer peer = start(b -> b.maxConcurrentStreams(1), acceptor);
    peer.handshake();
    peer.headers(1, FLAG_END_HEADERS, request("/a"))
        .headers(3, FLAG_END_HEADERS, request("/b")) // refused
        .windowUpdate(1, 0) // PROTOCOL_ERROR
        .data(1, 0, "x") // ignored: the server reset stream 1
        .headers(5, FLAG_END_HEADERS, fields(":method", "POST")) // malformed: PROTOCOL_ERROR
        .rst(99, 0x1234) // idle: GOAWAY PROTOCOL_ERROR
    ;
    assertThat(peer.awaitClosed(FIVE_SECONDS)).isTrue();
    List<Frame> errors =
        peer.received().stream().filter(f -> f.type() == RST_STREAM || f.type() == GOAWAY).toList();
    assertThat(errors)
        .extracting(f -> entry(f.type(), f.rawErrorCode()))
        .containsExactly(
            entry(RST_STREAM, ErrorCode.REFUSED_STREAM.code()),
            entry(RST_STREAM, ErrorCode.PROTOCOL_ERROR.code()),
            entry(RST_STREAM, ErrorCode.PROTOCOL_ERROR.code()),
            entry(GOAWAY, ErrorCode.PROTOCOL_ERROR.code()));
    assertThat(peer.assertOnlyKnownErrorCodes()).isEqualTo(4);
  }
}
