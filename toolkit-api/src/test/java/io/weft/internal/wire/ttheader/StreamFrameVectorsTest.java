package io.weft.internal.wire.ttheader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.internal.wire.WireException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.thrift.TApplicationException;
import org.junit.jupiter.api.Test;

/**
 * TTHeader Streaming frames captured between Kitex's own StreamX client and server ({@code
 * ttstream-vectors.txt}) decode as Kitex meant them, re-encode byte for byte, and frames Weft
 * builds are the ones Kitex writes.
 */
class StreamFrameVectorsTest {
  private static final int MAX = 16 << 20;

  static Map<String, byte[]> vectors() throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (InputStream in =
        StreamFrameVectorsTest.class.getResourceAsStream("/ttstream-vectors.txt")) {
      String key = null;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        line = line.strip();
        if (line.startsWith("#")) {
          key = line.substring(1).strip().split(":")[0];
        } else if (!line.isEmpty()) {
          out.put(key, HexFormat.of().parseHex(line));
        }
      }
    }
    return out;
  }

  private static StreamFrame read(byte[] b) throws IOException {
    return new StreamFrameReader(new ByteArrayInputStream(b), MAX).read();
  }

  @Test
  void everyVectorReencodesByteForByte() throws IOException {
    for (Map.Entry<String, byte[]> v : vectors().entrySet()) {
      StreamFrame f = read(v.getValue());
      assertThat(f.toBytes()).as(v.getKey()).isEqualTo(v.getValue());
      assertThat(f.method()).as(v.getKey()).isEqualTo("EchoBidi");
    }
  }

  @Test
  void openDataAndHalfClose() throws IOException {
    Map<String, byte[]> v = vectors();
    StreamFrame open = read(v.get("open"));
    assertThat(open.type()).isEqualTo(StreamFrame.Type.HEADER);
    assertThat(open.streamId()).isEqualTo(1);
    assertThat(open.strings()).containsExactly(Map.entry("isn", "StreamService"));
    assertThat(open.payload()).isEmpty();
    StreamFrame data = read(v.get("data"));
    assertThat(data.type()).isEqualTo(StreamFrame.Type.DATA);
    assertThat(data.payload()).isEqualTo(HexFormat.of().parseHex("0b00010000000161" + "00"));
    StreamFrame close = read(v.get("half-close"));
    assertThat(close.type()).isEqualTo(StreamFrame.Type.TRAILER);
    assertThat(close.strings()).isEmpty();
    assertThat(close.payload()).isEmpty();
  }

  @Test
  void weftWritesWhatKitexWrites() throws IOException {
    Map<String, byte[]> v = vectors();
    byte[] struct = HexFormat.of().parseHex("0b0001000000016100");
    assertThat(StreamFrame.of(StreamFrame.Type.DATA, 1, "EchoBidi", null, struct).toBytes())
        .isEqualTo(v.get("data"));
    assertThat(StreamFrame.of(StreamFrame.Type.TRAILER, 1, "EchoBidi", null, null).toBytes())
        .isEqualTo(v.get("half-close"));
    byte[] error =
        StreamFrame.exceptionPayload(
            "EchoBidi", 1, new TApplicationException(6, "biz error: boom"));
    assertThat(StreamFrame.of(StreamFrame.Type.TRAILER, 1, "EchoBidi", null, error).toBytes())
        .isEqualTo(v.get("error-trailer"));
  }

  @Test
  void trailersAndRst() throws IOException {
    Map<String, byte[]> v = vectors();
    StreamFrame biz = read(v.get("biz-trailer"));
    assertThat(biz.strings())
        .containsEntry("biz-status", "404")
        .containsEntry("biz-message", "not found")
        .containsEntry("biz-extra", "{\"k\":\"v\"}");
    TApplicationException e = StreamFrame.exception(read(v.get("error-trailer")).payload());
    assertThat(e.getType()).isEqualTo(6);
    assertThat(e.getMessage()).isEqualTo("biz error: boom");
    StreamFrame rst = read(v.get("rst"));
    assertThat(rst.type()).isEqualTo(StreamFrame.Type.RST);
    assertThat(rst.streamId()).isEqualTo(2);
    assertThat(StreamFrame.exception(rst.payload()).getType()).isEqualTo(12007);
  }

  @Test
  void malformedFramesFailClearly() throws IOException {
    byte[] data = vectors().get("data");
    byte[] noFlag = data.clone();
    noFlag[7] = 0;
    assertThatThrownBy(() -> read(noFlag))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("without the streaming flag");
    byte[] badType = data.clone();
    badType[23] = '9';
    assertThatThrownBy(() -> read(badType))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("unknown frame type 9");
    assertThatThrownBy(() -> read(HexFormat.of().parseHex("7fffffff10000002")))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("exceeds the limit of " + MAX);
    assertThatThrownBy(() -> read(Arrays.copyOf(data, data.length - 3)))
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> StreamFrame.exception(new byte[] {1, 2, 3}))
        .isInstanceOf(WireException.class);
  }

  @Test
  void aDataFrameFromItsEncodedHeaderIsTheFrameOfWrites() {
    byte[] struct = HexFormat.of().parseHex("0b0001000000016100");
    for (String method : new String[] {"EchoBidi", "m", "Échange"}) {
      io.weft.internal.wire.Buffer out = new io.weft.internal.wire.Buffer(8);
      out.write(7); // frames before it in the same buffer
      int start = StreamFrame.beginData(out, StreamFrame.dataHeader(77, method));
      out.write(struct, 0, struct.length);
      StreamFrame.finishData(out, start);
      assertThat(Arrays.copyOfRange(out.array(), start, out.size()))
          .as(method)
          .isEqualTo(StreamFrame.of(StreamFrame.Type.DATA, 77, method, null, struct).toBytes());
    }
  }

  /** Counts the reads that reach the socket. */
  private static final class CountingInput extends InputStream {
    private final InputStream in;
    private final int chunk;
    int reads;

    CountingInput(byte[] bytes, int chunk) {
      this.in = new ByteArrayInputStream(bytes);
      this.chunk = chunk;
    }

    @Override
    public int read() throws IOException {
      reads++;
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      reads++;
      return in.read(b, off, Math.min(len, chunk));
    }
  }

  @Test
  void framesThatArriveTogetherCostOneRead() throws IOException {
    byte[] data = vectors().get("data");
    int frames = 100;
    byte[] all = new byte[data.length * frames];
    for (int i = 0; i < frames; i++) {
      System.arraycopy(data, 0, all, i * data.length, data.length);
    }
    CountingInput in = new CountingInput(all, Integer.MAX_VALUE);
    StreamFrameReader r = new StreamFrameReader(in, MAX);
    String method = null;
    for (int i = 0; i < frames; i++) {
      StreamFrame f = r.read();
      assertThat(f.payload()).isEqualTo(HexFormat.of().parseHex("0b0001000000016100"));
      if (method == null) {
        method = f.method();
      }
      // the data frame path, with the connection's one String for the method: no maps, no strings
      assertThat(f.method()).isEqualTo("EchoBidi").isSameAs(method);
    }
    assertThat(r.read()).isNull();
    assertThat(in.reads).isEqualTo(2); // the frames, then the end of the stream
  }

  @Test
  void framesSplitAnywhereAndFramesLargerThanTheBufferReadWhole() throws IOException {
    Map<String, byte[]> v = vectors();
    byte[] big = new byte[3 * StreamFrameReader.BUFFER + 5];
    Arrays.fill(big, (byte) 0x5a);
    byte[] large = StreamFrame.of(StreamFrame.Type.DATA, 3, "EchoBidi", null, big).toBytes();
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < 3; i++) {
      all.writeBytes(v.get("data"));
      all.writeBytes(large);
      all.writeBytes(v.get("biz-trailer"));
    }
    for (int chunk : new int[] {1, 3, 7, 4096, StreamFrameReader.BUFFER + 1, Integer.MAX_VALUE}) {
      StreamFrameReader r = new StreamFrameReader(new CountingInput(all.toByteArray(), chunk), MAX);
      for (int i = 0; i < 3; i++) {
        assertThat(r.read().toBytes()).as("chunk %d", chunk).isEqualTo(v.get("data"));
        assertThat(r.read().payload()).as("chunk %d", chunk).isEqualTo(big);
        assertThat(r.read().strings()).as("chunk %d", chunk).containsEntry("biz-status", "404");
      }
      assertThat(r.read()).isNull();
    }
  }

  @Test
  void aConnectionThatEndsInsideABufferedOrALargeFrameFails() throws IOException {
    byte[] data = vectors().get("data");
    byte[] twoAndAHalf = new byte[data.length * 2 + 5];
    System.arraycopy(data, 0, twoAndAHalf, 0, data.length);
    System.arraycopy(data, 0, twoAndAHalf, data.length, data.length);
    System.arraycopy(data, 0, twoAndAHalf, 2 * data.length, 5);
    assertThatThrownBy(
            () -> {
              StreamFrameReader r =
                  new StreamFrameReader(new ByteArrayInputStream(twoAndAHalf), MAX);
              while (r.read() != null) {
                // the first two frames read; the third is cut
              }
            })
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("inside a frame");
    byte[] large =
        StreamFrame.of(
                StreamFrame.Type.DATA, 3, "EchoBidi", null, new byte[2 * StreamFrameReader.BUFFER])
            .toBytes();
    assertThatThrownBy(() -> read(Arrays.copyOf(large, large.length - 1)))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("1 bytes missing");
  }

  /** What a decode gave: the frame's every part, or the failure's class and message. */
  private static String outcome(java.util.function.Supplier<StreamFrame> decode) {
    try {
      StreamFrame f = decode.get();
      return f.type()
          + " "
          + f.streamId()
          + " "
          + f.method()
          + " flags="
          + f.header().flags()
          + " int="
          + f.intInfo()
          + " str="
          + f.strings()
          + " wire="
          + f.wireSize()
          + " payload="
          + HexFormat.of().formatHex(f.payload())
          + " bytes="
          + HexFormat.of().formatHex(f.toBytes());
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  @Test
  void theDataFramePathDecodesAsTheGeneralOneWhateverTheBytes() throws IOException {
    java.util.List<byte[]> frames = new java.util.ArrayList<>(vectors().values());
    byte[] struct = HexFormat.of().parseHex("0b0001000000016100");
    for (String method : new String[] {"", "m", "Ec", "Ech", "Echo", "Échange"}) {
      frames.add(StreamFrame.of(StreamFrame.Type.DATA, 5, method, null, struct).toBytes());
      frames.add(StreamFrame.of(StreamFrame.Type.DATA, 5, method, null, null).toBytes());
    }
    java.util.Random random = new java.util.Random(17);
    int compared = 0;
    for (byte[] frame : frames) {
      java.util.List<byte[]> variants = new java.util.ArrayList<>();
      variants.add(frame);
      for (int i = 0; i < frame.length; i++) {
        for (int v : new int[] {0, 1, 2, 3, 0x10, 0x7f, 0xff, random.nextInt(256)}) {
          byte[] m = frame.clone();
          m[i] = (byte) v;
          variants.add(m);
        }
      }
      for (byte[] v : variants) {
        String plain = outcome(() -> StreamFrame.decode(v, 0, v.length));
        String general = outcome(() -> StreamFrame.decodeWithHeader(v, 0, v.length));
        assertThat(plain).as(HexFormat.of().formatHex(v)).isEqualTo(general);
        byte[] shifted = new byte[v.length + 3]; // at an offset, as in the reader's buffer
        System.arraycopy(v, 0, shifted, 3, v.length);
        assertThat(outcome(() -> StreamFrame.decode(shifted, 3, v.length)))
            .as(HexFormat.of().formatHex(v))
            .isEqualTo(general);
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(1000);
  }
}
