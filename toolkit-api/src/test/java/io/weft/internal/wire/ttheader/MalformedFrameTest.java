package io.weft.internal.wire.ttheader;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.internal.wire.WireException;
import io.weft.testing.Vectors;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Truncated, oversized and inconsistent frames fail with a WireException (or EOF) that says what
 * was wrong.
 */
class MalformedFrameTest {
  private static final int MAX = 16 << 20;

  private static Envelope read(byte[] wire, Framing framing, int max) throws Exception {
    return new EnvelopeReader(new ByteArrayInputStream(wire), max).read(framing);
  }

  private static byte[] vectorWith(String letter, int index, int value) {
    byte[] b = Vectors.get(letter).clone();
    b[index] = (byte) value;
    return b;
  }

  @Test
  void truncatedFrameIsAnEof() {
    byte[] a = Vectors.get("A");
    for (int cut : new int[] {2, 4, 10, 30, a.length - 1}) {
      assertThatThrownBy(() -> read(Arrays.copyOf(a, cut), Framing.TTHEADER, MAX))
          .isInstanceOf(EOFException.class);
    }
  }

  @Test
  void frameOverTheLimitIsRejectedBeforeAllocating() {
    byte[] huge = HexFormat.of().parseHex("7fffffff10000000");
    assertThatThrownBy(() -> read(huge, Framing.TTHEADER, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("exceeds the limit of " + MAX);
    assertThatThrownBy(() -> read(Vectors.get("A"), Framing.TTHEADER, 32))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("frame of 67 bytes exceeds the limit of 32");
  }

  @Test
  void negativeLengthIsRejected() {
    assertThatThrownBy(() -> read(HexFormat.of().parseHex("ffffffff10000000"), Framing.FRAMED, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("4294967295");
  }

  @Test
  void wrongMagicIsRejected() {
    assertThatThrownBy(() -> read(vectorWith("A", 5, 0x01), Framing.TTHEADER, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("not TTHeader: magic 0x1001");
  }

  @Test
  void headerSizePastTheFrameIsRejected() {
    assertThatThrownBy(() -> read(vectorWith("A", 12, 0x40), Framing.TTHEADER, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("runs past the frame");
  }

  @Test
  void tooSmallHeaderSizeIsRejected() {
    assertThatThrownBy(() -> read(vectorWith("A", 13, 0x00), Framing.TTHEADER, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("HEADER SIZE 0");
  }

  @Test
  void infoStringPastTheHeaderIsRejected() {
    // int info value length (offset 21..22) claims 0x00ff bytes
    assertThatThrownBy(() -> read(vectorWith("A", 22, 0xff), Framing.TTHEADER, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("runs past the header");
  }

  @Test
  void unknownInfoIdIsRejected() {
    assertThatThrownBy(() -> read(vectorWith("A", 16, 0x7f), Framing.TTHEADER, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("unknown id 0x7f");
  }

  @Test
  void unsupportedProtocolIdIsRejected() {
    assertThatThrownBy(() -> read(vectorWith("A", 14, 0x02), Framing.TTHEADER, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("protocol id 2 is not supported");
  }

  @Test
  void transformsAreRejected() {
    assertThatThrownBy(() -> read(vectorWith("A", 15, 0x01), Framing.TTHEADER, MAX))
        .isInstanceOf(WireException.class);
  }

  @Test
  void lengthDisagreeingWithHeaderSizeIsRejected() {
    // LENGTH says 0x43 but we hand the decoder a frame one byte shorter
    byte[] a = Vectors.get("A");
    assertThatThrownBy(() -> TTHeader.decode(a, 0, a.length - 1))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("disagrees");
  }

  @Test
  void garbagePayloadIsRejected() {
    byte[] a = vectorWith("A", 38, 0x55);
    assertThatThrownBy(() -> read(a, Framing.TTHEADER, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("invalid TTHeader payload");
  }

  @Test
  void methodNameLengthPastTheMessageIsRejected() {
    // Framed vector C: name length at offset 8..11
    assertThatThrownBy(() -> read(vectorWith("C", 11, 0x7f), Framing.FRAMED, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("method name length 127");
    assertThatThrownBy(() -> read(vectorWith("C", 8, 0x80), Framing.FRAMED, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void unframedMessageWithHugeStringIsRejectedBeforeAllocating() {
    // D with the Request.Msg string length set to 0x7fffffff
    byte[] d = Vectors.get("D").clone();
    d[22] = 0x7f;
    d[23] = (byte) 0xff;
    d[24] = (byte) 0xff;
    d[25] = (byte) 0xff;
    assertThatThrownBy(() -> read(d, Framing.BUFFERED, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("string length 2147483647");
  }

  @Test
  void unframedMessageWithUnknownTypeIsRejected() {
    byte[] d = vectorWith("D", 16, 0x42);
    assertThatThrownBy(() -> read(d, Framing.BUFFERED, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("unknown Thrift type 66");
  }

  @Test
  void unframedMessageNestedTooDeepIsRejected() {
    StringBuilder hex = new StringBuilder("80010001000000044563686f00000001");
    for (int i = 0; i < 100; i++) {
      hex.append("0c0001"); // field 1: struct, 100 levels deep
    }
    byte[] deep = HexFormat.of().parseHex(hex);
    assertThatThrownBy(() -> read(deep, Framing.BUFFERED, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("nests deeper than 64");
  }

  @Test
  void unframedMessageWithBadVersionIsRejected() {
    assertThatThrownBy(() -> read(vectorWith("D", 1, 0x02), Framing.BUFFERED, MAX))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("bad Thrift Binary version");
  }
}
