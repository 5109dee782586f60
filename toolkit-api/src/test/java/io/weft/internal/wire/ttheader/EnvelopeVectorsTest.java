package io.weft.internal.wire.ttheader;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.internal.wire.Buffer;
import io.weft.testing.Vectors;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every vector of shared/spec decodes to what its comment says and re-encodes byte for byte. */
class EnvelopeVectorsTest {
  private static final int MAX = 16 << 20;

  @Test
  void vectorFileHasAllFive() {
    assertThat(Vectors.load()).containsKeys("A", "B", "C", "D", "E");
  }

  @Test
  void a_ttheaderCallWithIntAndStringInfo() throws IOException {
    byte[] wire = Vectors.get("A");
    Envelope e = read(wire, Framing.TTHEADER);
    assertThat(e.framing()).isEqualTo(Framing.TTHEADER);
    assertThat(e.format()).isEqualTo(PayloadFormat.THRIFT_BINARY);
    assertThat(e.messageType()).isEqualTo(Envelope.CALL);
    assertThat(e.name()).isEqualTo("Echo");
    assertThat(e.seqId()).isEqualTo(1);
    assertThat(e.header().seqId()).isEqualTo(1);
    assertThat(e.header().flags()).isZero();
    assertThat(e.header().protocolId()).isEqualTo(TTHeader.PROTOCOL_THRIFT_BINARY);
    assertThat(e.header().intInfo()).containsExactly(Map.entry(IntKey.TO_METHOD, "Echo"));
    assertThat(e.header().strInfo()).containsExactly(Map.entry("k", "v"));
    // Echo_args{1: Request{1: "hello"}}
    assertThat(hex(body(e))).isEqualTo("0c00010b00010000000568656c6c6f0000");
    assertThat(reencode(e)).isEqualTo(wire);
  }

  @Test
  void b_ttheaderReplyWithNoInfo() throws IOException {
    byte[] wire = Vectors.get("B");
    Envelope e = read(wire, Framing.TTHEADER);
    assertThat(e.messageType()).isEqualTo(Envelope.REPLY);
    assertThat(e.name()).isEqualTo("Echo");
    assertThat(e.seqId()).isEqualTo(1);
    assertThat(e.header().intInfo()).isEmpty();
    assertThat(e.header().strInfo()).isEmpty();
    // Echo_result{0: Response{1: "world"}}
    assertThat(hex(body(e))).isEqualTo("0c00000b000100000005776f726c640000");
    assertThat(reencode(e)).isEqualTo(wire);
  }

  @Test
  void c_framedCall() throws IOException {
    byte[] wire = Vectors.get("C");
    Envelope e = read(wire, Framing.FRAMED);
    assertThat(e.header()).isNull();
    assertThat(e.name()).isEqualTo("Echo");
    assertThat(e.messageType()).isEqualTo(Envelope.CALL);
    assertThat(hex(body(e))).isEqualTo("0c00010b00010000000568656c6c6f0000");
    assertThat(reencode(e)).isEqualTo(wire);
  }

  @Test
  void d_unframedCall() throws IOException {
    byte[] wire = Vectors.get("D");
    Envelope e = read(wire, Framing.BUFFERED);
    assertThat(e.name()).isEqualTo("Echo");
    assertThat(e.seqId()).isEqualTo(1);
    assertThat(hex(body(e))).isEqualTo("0c00010b00010000000568656c6c6f0000");
    assertThat(reencode(e)).isEqualTo(wire);
  }

  @Test
  void e_ttheaderOneway() throws IOException {
    byte[] wire = Vectors.get("E");
    Envelope e = read(wire, Framing.TTHEADER);
    assertThat(e.messageType()).isEqualTo(Envelope.ONEWAY);
    assertThat(e.name()).isEqualTo("VisitOneway");
    assertThat(e.seqId()).isEqualTo(2);
    assertThat(reencode(e)).isEqualTo(wire);
  }

  @Test
  void detectionPicksTheFramingOfEachVector() {
    assertThat(Framing.detect(Vectors.get("A"), 8)).isEqualTo(Framing.TTHEADER);
    assertThat(Framing.detect(Vectors.get("C"), 8)).isEqualTo(Framing.FRAMED);
    assertThat(Framing.detect(Vectors.get("D"), 2)).isEqualTo(Framing.BUFFERED);
    assertThat(Framing.detect(Vectors.get("A"), 4)).isNull();
    assertThat(Framing.detect("PRI * HTTP/2.0".getBytes(StandardCharsets.US_ASCII), 8)).isNull();
  }

  @Test
  void readerReadsBackToBackMessagesThenEnd() throws IOException {
    byte[] a = Vectors.get("A");
    byte[] e = Vectors.get("E");
    byte[] both = Arrays.copyOf(a, a.length + e.length);
    System.arraycopy(e, 0, both, a.length, e.length);
    EnvelopeReader reader = new EnvelopeReader(new ByteArrayInputStream(both), MAX);
    assertThat(reader.read(Framing.TTHEADER).name()).isEqualTo("Echo");
    assertThat(reader.read(Framing.TTHEADER).name()).isEqualTo("VisitOneway");
    assertThat(reader.read(Framing.TTHEADER)).isNull();
  }

  @Test
  void newHeadersAreWrittenInKitexOrder() {
    TTHeader h = new TTHeader();
    h.intInfo().put(IntKey.TO_METHOD, "Echo");
    h.strInfo().put("k", "v");
    Buffer out = new Buffer();
    int start = h.encode(out);
    TTHeader.finish(out, start);
    // string block (0x01) before int block (0x10), as gopkg/protocol/ttheader writes them
    assertThat(hex(out.toByteArray()))
        .isEqualTo(
            "00000022"
                + "1000"
                + "0000"
                + "00000000"
                + "0006"
                + "0000"
                + "01"
                + "0001"
                + "0001"
                + "6b"
                + "0001"
                + "76"
                + "10"
                + "0001"
                + "0009"
                + "0004"
                + "4563686f"
                + "0000");
  }

  static Envelope read(byte[] wire, Framing framing) throws IOException {
    return new EnvelopeReader(new ByteArrayInputStream(wire), MAX).read(framing);
  }

  static byte[] body(Envelope e) {
    return Arrays.copyOfRange(e.buffer(), e.bodyOffset(), e.bodyOffset() + e.bodyLength());
  }

  static byte[] reencode(Envelope e) {
    Buffer out = new Buffer();
    EnvelopeWriter w = new EnvelopeWriter(out, e.framing(), MAX);
    w.begin(e.header(), e.format(), e.messageType(), e.name(), e.seqId());
    out.write(e.buffer(), e.bodyOffset(), e.bodyLength());
    w.finish();
    return out.toByteArray();
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
