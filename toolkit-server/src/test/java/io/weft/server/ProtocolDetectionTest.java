package io.weft.server;

import static io.weft.server.TestService.call;
import static io.weft.server.TestService.readReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.internal.wire.ttheader.Framing;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bytes that begin none of the server's protocols (a TLS ClientHello on a plain server, HTTP/1,
 * random bytes, a length beyond the frame limit) close that connection and only that one: a
 * connection opened before, mid-conversation, keeps working, and so do new ones.
 */
class ProtocolDetectionTest {
  private static Server server;

  @BeforeAll
  static void start() {
    server =
        TestService.server(
                new TestService.Blocking(0),
                ServerOptions.withMaxFrameSize(64 << 10),
                ServerOptions.withDetectionTimeout(Duration.ofSeconds(2)))
            .start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // a TLS 1.2 ClientHello's record header and the start of its handshake
        "16030100a5010000a10303",
        // HTTP/1.1
        "474554202f20485454502f312e310d0a486f73743a206c6f63616c686f73740d0a0d0a",
        // random bytes
        "ff13a7c2094be1d077aa52",
        // a TTHeader length of 1 GiB, far past the 64 KiB limit, then the magic
        "400000001000000000000001",
        // a Framed length of 1 MiB, past the limit, then a strict binary version
        "0010000080010001"
      })
  void garbageClosesOnlyItsOwnConnection(String hex) throws IOException {
    try (Socket healthy = connect()) {
      healthy.getOutputStream().write(call(Framing.TTHEADER, "Echo", "before", 1));
      assertThat(TestService.result(readReply(healthy.getInputStream(), Framing.TTHEADER)))
          .isEqualTo("before");

      try (Socket bad = connect()) {
        bad.getOutputStream().write(HexFormat.of().parseHex(hex));
        assertThat(readToEnd(bad.getInputStream()))
            .as("what the server sent before closing")
            .hasSizeLessThan(4096);
      }

      healthy.getOutputStream().write(call(Framing.TTHEADER, "Echo", "after", 2));
      assertThat(TestService.result(readReply(healthy.getInputStream(), Framing.TTHEADER)))
          .isEqualTo("after");
    }
    try (Socket fresh = connect()) {
      fresh.getOutputStream().write(call(Framing.FRAMED, "Echo", "fresh", 3));
      assertThat(TestService.result(readReply(fresh.getInputStream(), Framing.FRAMED)))
          .isEqualTo("fresh");
    }
  }

  /**
   * Reads until the server closes the connection (an orderly close or a reset); fails on the
   * socket's timeout.
   */
  private static byte[] readToEnd(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    byte[] b = new byte[1024];
    try {
      int n;
      while ((n = in.read(b)) >= 0) {
        got.write(b, 0, n);
      }
    } catch (SocketException reset) {
      // closed with unread bytes of ours still queued: a reset is a close too
    }
    return got.toByteArray();
  }

  private static Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
    s.setSoTimeout(20_000);
    return s;
  }
}
