package io.weft.internal.wire.http2;

import static io.weft.testing.ScriptedPeer.entries;
import static io.weft.testing.ScriptedPeer.fields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.testing.ScriptedPeer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fixture itself: two scripted peers, client and server, against each other. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScriptedPeerTest {
  private static final Duration SHORT = Duration.ofMillis(200);

  @Test
  void framesCrossAndHeaderBlocksAreDecodedWhenComplete() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ScriptedPeer client = ScriptedPeer.client(ss.getLocalPort());
        ScriptedPeer server = ScriptedPeer.server(ss)) {
      client.preface().settings(Settings.INITIAL_WINDOW_SIZE, 0, Settings.MAX_FRAME_SIZE, 20_000);
      ScriptedPeer.Frame s = server.expectNext();
      assertThat(s.type()).isEqualTo(Frames.SETTINGS);
      assertThat(s.settings())
          .containsExactly(
              java.util.Map.entry(Settings.INITIAL_WINDOW_SIZE, 0L),
              java.util.Map.entry(Settings.MAX_FRAME_SIZE, 20_000L));

      Fields req = EngineHarness.request("/a/b");
      byte[] block = client.encode(req);
      int third = block.length / 3;
      client
          .headerBlock(1, 0, Arrays.copyOfRange(block, 0, third))
          .continuation(1, 0, Arrays.copyOfRange(block, third, 2 * third))
          .continuation(
              1, Frames.FLAG_END_HEADERS, Arrays.copyOfRange(block, 2 * third, block.length));
      assertThat(server.expectNext().fields()).isNull();
      assertThat(server.expectNext().fields()).isNull();
      ScriptedPeer.Frame last = server.expectNext();
      assertThat(last.type()).isEqualTo(Frames.CONTINUATION);
      assertThat(entries(last.fields())).isEqualTo(entries(req));

      // the dynamic table is in step: the same block again is all indexed fields
      client.headersPadded(3, Frames.FLAG_END_HEADERS | Frames.FLAG_END_STREAM, req, 7);
      ScriptedPeer.Frame h = server.expectNext();
      assertThat(h.stream()).isEqualTo(3);
      assertThat(h.endStream()).isTrue();
      assertThat(entries(h.fields())).isEqualTo(entries(req));

      client
          .dataPadded(3, 0, "abc".getBytes(StandardCharsets.US_ASCII), 4)
          .rst(3, ErrorCode.CANCEL)
          .goAway(3, ErrorCode.ENHANCE_YOUR_CALM, "calm")
          .windowUpdate(0, 99)
          .ping(false, 0x1234L);
      assertThat(server.expectNext().text()).isEqualTo("abc");
      assertThat(server.expectNext().errorCode()).isEqualTo(ErrorCode.CANCEL);
      ScriptedPeer.Frame g = server.expectNext();
      assertThat(g.lastStreamId()).isEqualTo(3);
      assertThat(g.errorCode()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM);
      assertThat(g.debug()).isEqualTo("calm");
      assertThat(server.expectNext().increment()).isEqualTo(99);
      assertThat(server.expectNext().pingData()).isEqualTo(0x1234L);
      assertThat(server.next(SHORT)).isNull();
      assertThat(server.assertOnlyKnownErrorCodes()).isEqualTo(2);
    }
  }

  @Test
  void autoAckAnswersSettingsAndPingOnly() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ScriptedPeer client = ScriptedPeer.client(ss.getLocalPort());
        ScriptedPeer server = ScriptedPeer.server(ss)) {
      server.autoAck(true);
      client.preface().settings().ping(false, 5).ping(true, 6).settingsAck();
      ScriptedPeer.Frame a = client.expectNext();
      assertThat(a.type()).isEqualTo(Frames.SETTINGS);
      assertThat(a.isAck()).isTrue();
      ScriptedPeer.Frame p = client.expectNext();
      assertThat(p.isAck()).isTrue();
      assertThat(p.pingData()).isEqualTo(5);
      assertThat(client.next(SHORT)).isNull();
    }
  }

  @Test
  void closingIsSeenAndTimeoutsReturnNull() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ScriptedPeer client = ScriptedPeer.client(ss.getLocalPort());
        ScriptedPeer server = ScriptedPeer.server(ss)) {
      assertThat(client.next(SHORT)).isNull();
      assertThat(client.poll(f -> true, SHORT)).isNull();
      assertThat(client.awaitClosed(SHORT)).isFalse();
      client.preface().ping(false, 1);
      server.close();
      assertThat(client.awaitClosed(Duration.ofSeconds(5))).isTrue();
      assertThatThrownBy(() -> client.next(SHORT))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("closed");
      assertThat(fields("a", "b").get("a")).isEqualTo("b");
    }
  }
}
