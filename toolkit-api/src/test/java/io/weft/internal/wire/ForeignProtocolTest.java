package io.weft.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The first bytes of another protocol where a TTHeader, Framed, Thrift or HTTP/2 frame was due. */
class ForeignProtocolTest {
  private static String describe(byte[] b) {
    return ForeignProtocol.describe(b, 0, b.length);
  }

  @Test
  void tlsRecordsAreRecognised() {
    // the alert a TLS server answers a plaintext request with (0x15030300 = the "352518912 bytes"
    // of a TTHeader length)
    assertThat(describe(HexFormat.of().parseHex("15030300020232")))
        .isEqualTo("a TLS record (the peer expects TLS)");
    assertThat(describe(HexFormat.of().parseHex("16030100f8")))
        .isEqualTo("a TLS record (the peer expects TLS)"); // a ClientHello
    assertThat(describe(HexFormat.of().parseHex("170303"))).isNotNull();
  }

  @Test
  void http1ResponsesAreRecognisedWithTheirStatusLine() {
    byte[] answer =
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(describe(answer)).isEqualTo("an HTTP/1.x response (\"HTTP/1.1 400 Bad Request\")");
    assertThat(ForeignProtocol.describe(answer, 0, 4))
        .isEqualTo("an HTTP/1.x response"); // a TTHeader length word: "HTTP"
    assertThat(ForeignProtocol.describe(answer, 0, 9))
        .isEqualTo("an HTTP/1.x response (\"HTTP/1.1 \")"); // an HTTP/2 frame header's worth
  }

  @Test
  void framesOfTheExpectedProtocolsAreNot() {
    assertThat(describe(HexFormat.of().parseHex("000000060400000000"))).isNull(); // HTTP/2 SETTINGS
    assertThat(describe(HexFormat.of().parseHex("0000002a10000000"))).isNull(); // TTHeader
    assertThat(describe(HexFormat.of().parseHex("80010001"))).isNull(); // Thrift Binary, strict
    assertThat(describe(HexFormat.of().parseHex("1503"))).isNull(); // too short to tell
    assertThat(describe("HTTP/2.0".getBytes(StandardCharsets.US_ASCII))).isNull();
    assertThat(describe("HTT".getBytes(StandardCharsets.US_ASCII))).isNull();
  }
}
