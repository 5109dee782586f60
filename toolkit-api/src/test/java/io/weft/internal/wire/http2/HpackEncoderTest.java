package io.weft.internal.wire.http2;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.internal.wire.Buffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HPACK encoder against RFC 7541 Appendix C, its table size updates, and round trips. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HpackEncoderTest {
  private static final HexFormat HEX = HexFormat.of();

  private static String block(HpackEncoder e, String... nameValues) {
    return block(e, HpackEncoder.INDEX, nameValues);
  }

  private static String block(HpackEncoder e, int indexing, String... nameValues) {
    Buffer out = new Buffer();
    e.beginBlock(out);
    for (int i = 0; i < nameValues.length; i += 2) {
      e.field(out, nameValues[i], nameValues[i + 1], indexing);
    }
    return HEX.formatHex(out.toByteArray());
  }

  @Test
  void c2LiteralRepresentations() {
    HpackEncoder e = new HpackEncoder(4096, false);
    assertThat(block(e, "custom-key", "custom-header"))
        .isEqualTo("400a637573746f6d2d6b65790d637573746f6d2d686561646572");
    assertThat(e.dynamicTableSize()).isEqualTo(55);
    assertThat(block(new HpackEncoder(4096, false), HpackEncoder.NO_INDEX, ":path", "/sample/path"))
        .isEqualTo("040c2f73616d706c652f70617468");
    assertThat(block(new HpackEncoder(4096, false), HpackEncoder.NEVER_INDEX, "password", "secret"))
        .isEqualTo("100870617373776f726406736563726574");
    assertThat(block(new HpackEncoder(4096, false), ":method", "GET")).isEqualTo("82");
  }

  private static final String[] C3_1 = {
    ":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com"
  };
  private static final String[] C3_2 = {
    ":method",
    "GET",
    ":scheme",
    "http",
    ":path",
    "/",
    ":authority",
    "www.example.com",
    "cache-control",
    "no-cache"
  };
  private static final String[] C3_3 = {
    ":method",
    "GET",
    ":scheme",
    "https",
    ":path",
    "/index.html",
    ":authority",
    "www.example.com",
    "custom-key",
    "custom-value"
  };

  @Test
  void c3RequestsWithoutHuffman() {
    HpackEncoder e = new HpackEncoder(4096, false);
    assertThat(block(e, C3_1)).isEqualTo("828684410f7777772e6578616d706c652e636f6d");
    assertThat(e.dynamicTableSize()).isEqualTo(57);
    assertThat(block(e, C3_2)).isEqualTo("828684be58086e6f2d6361636865");
    assertThat(e.dynamicTableSize()).isEqualTo(110);
    assertThat(block(e, C3_3))
        .isEqualTo("828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565");
    assertThat(e.dynamicTableSize()).isEqualTo(164);
    assertThat(e.dynamicTableEntries()).isEqualTo(3);
  }

  @Test
  void c4RequestsWithHuffman() {
    HpackEncoder e = new HpackEncoder(4096, true);
    assertThat(block(e, C3_1)).isEqualTo("828684418cf1e3c2e5f23a6ba0ab90f4ff");
    assertThat(block(e, C3_2)).isEqualTo("828684be5886a8eb10649cbf");
    assertThat(block(e, C3_3)).isEqualTo("828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf");
    assertThat(e.dynamicTableSize()).isEqualTo(164);
  }

  private static final String[] C5_1 = {
    ":status",
    "302",
    "cache-control",
    "private",
    "date",
    "Mon, 21 Oct 2013 20:13:21 GMT",
    "location",
    "https://www.example.com"
  };
  private static final String[] C5_2 = {
    ":status",
    "307",
    "cache-control",
    "private",
    "date",
    "Mon, 21 Oct 2013 20:13:21 GMT",
    "location",
    "https://www.example.com"
  };
  private static final String[] C5_3 = {
    ":status",
    "200",
    "cache-control",
    "private",
    "date",
    "Mon, 21 Oct 2013 20:13:22 GMT",
    "location",
    "https://www.example.com",
    "content-encoding",
    "gzip",
    "set-cookie",
    "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"
  };

  @Test
  void c5ResponsesWithoutHuffmanEvict() throws HpackException {
    HpackEncoder e = new HpackEncoder(256, false);
    HpackDecoder d = new HpackDecoder(4096, Integer.MAX_VALUE);
    // The appendix assumes a decoder already at 256; ours starts at the protocol's 4096, so the
    // first block says 256 (3fe101) first.
    String first = block(e, C5_1);
    assertThat(first)
        .isEqualTo(
            "3fe101"
                + "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a32"
                + "3120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d");
    assertThat(e.dynamicTableSize()).isEqualTo(222);
    assertInStep(d, first, e, C5_1);
    String second = block(e, C5_2);
    assertThat(second).isEqualTo("4803333037c1c0bf");
    assertThat(e.dynamicTableSize()).isEqualTo(222);
    assertInStep(d, second, e, C5_2);
    String third = block(e, C5_3);
    assertThat(third)
        .isEqualTo(
            "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738"
                + "666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d616765"
                + "3d333630303b2076657273696f6e3d31");
    assertThat(e.dynamicTableSize()).isEqualTo(215);
    assertInStep(d, third, e, C5_3);
  }

  @Test
  void c6ResponsesWithHuffmanEvict() throws HpackException {
    HpackEncoder e = new HpackEncoder(256, true);
    HpackDecoder d = new HpackDecoder(4096, Integer.MAX_VALUE);
    String first = block(e, C5_1);
    assertThat(first)
        .isEqualTo(
            "3fe101"
                + "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad"
                + "171863c78f0b97c8e9ae82ae43d3");
    assertInStep(d, first, e, C5_1);
    // The appendix Huffman-codes "307" (640eff), no shorter than the raw 3 bytes; we don't.
    String second = block(e, C5_2);
    assertThat(second).isEqualTo("4803333037c1c0bf");
    assertInStep(d, second, e, C5_2);
    String third = block(e, C5_3);
    assertThat(third)
        .isEqualTo(
            "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7"
                + "b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007");
    assertThat(e.dynamicTableSize()).isEqualTo(215);
    assertInStep(d, third, e, C5_3);
  }

  private static void assertInStep(HpackDecoder d, String hex, HpackEncoder e, String... nameValues)
      throws HpackException {
    byte[] b = HEX.parseHex(hex);
    HpackDecoderTest.FieldList f = new HpackDecoderTest.FieldList();
    assertThat(d.decode(b, 0, b.length, f)).isTrue();
    List<Map.Entry<String, String>> expected = new ArrayList<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      expected.add(entry(nameValues[i], nameValues[i + 1]));
    }
    assertThat(f.list).isEqualTo(expected);
    assertThat(d.dynamicTableSize()).isEqualTo(e.dynamicTableSize());
    assertThat(d.dynamicTableEntries()).isEqualTo(e.dynamicTableEntries());
  }

  @Test
  void neverIndexedFieldsAreLiteralsEvenWhenInATable() {
    HpackEncoder e = new HpackEncoder(4096, false);
    assertThat(block(e, HpackEncoder.NEVER_INDEX, ":method", "GET")).isEqualTo("1203474554");
    assertThat(block(e, "a", "b")).isEqualTo("4001610162");
    // The name may still be an index: 62, in a 4-bit prefix, is 0f 2f.
    assertThat(block(e, HpackEncoder.NEVER_INDEX, "a", "b")).isEqualTo("1f2f0162");
    assertThat(e.dynamicTableEntries()).isEqualTo(1);
  }

  @Test
  void fullMatchesAreIndexedForIndexAndNoIndex() {
    HpackEncoder e = new HpackEncoder(4096, false);
    block(e, "a", "b", "c", "d");
    assertThat(block(e, HpackEncoder.NO_INDEX, "a", "b", "c", "d", ":status", "200"))
        .isEqualTo("bfbe88");
    assertThat(block(e, HpackEncoder.NO_INDEX, "a", "x"))
        .isEqualTo("0f300178"); // name 63, not added
    assertThat(e.dynamicTableEntries()).isEqualTo(2);
  }

  @Test
  void staticNamesArePreferredToDynamicOnes() {
    HpackEncoder e = new HpackEncoder(4096, false);
    assertThat(block(e, "cache-control", "no-cache")).isEqualTo("5808" + hex("no-cache"));
    assertThat(block(e, "cache-control", "private")).isEqualTo("5807" + hex("private"));
    assertThat(block(e, "x-a", "1", "x-a", "2")).isEqualTo("4003" + hex("x-a") + "0131" + "7e0132");
  }

  @Test
  void anEntryLargerThanTheTableIsSentWithoutIndexing() throws HpackException {
    HpackEncoder e = new HpackEncoder(100, false);
    HpackDecoder d = new HpackDecoder(4096, Integer.MAX_VALUE);
    assertInStep(d, block(e, "a", "b"), e, "a", "b");
    String big = "x".repeat(70);
    String hex = block(e, "a", big);
    assertThat(hex).isEqualTo("0f2f46" + hex(big)); // name index 62, without indexing
    assertInStep(d, hex, e, "a", big);
    assertThat(e.dynamicTableSize()).isEqualTo(34);
  }

  @Test
  void anEncoderWithoutATableSaysSoOnceAndNeverIndexes() throws HpackException {
    HpackEncoder e = new HpackEncoder(0, false);
    HpackDecoder d = new HpackDecoder(4096, Integer.MAX_VALUE);
    String first = block(e, ":method", "GET", "x-a", "b", "cache-control", "no-cache");
    assertThat(first)
        .isEqualTo("20" + "82" + "0003" + hex("x-a") + "0162" + "0f0908" + hex("no-cache"));
    assertInStep(d, first, e, ":method", "GET", "x-a", "b", "cache-control", "no-cache");
    assertThat(block(e, "x-a", "b")).isEqualTo("0003" + hex("x-a") + "0162");
    e.peerMaxTableSize(8192);
    assertThat(block(e, ":path", "/")).isEqualTo("84");
    e.peerMaxTableSize(0);
    assertThat(block(e, ":path", "/")).isEqualTo("84");
    assertThat(e.dynamicTableSize()).isZero();
  }

  @Test
  void peerSettingsBecomeSizeUpdatesAtTheNextBlock() {
    HpackEncoder e = new HpackEncoder(4096, false);
    assertThat(block(e, "a", "b")).isEqualTo("4001610162"); // the default 4096: nothing to say
    e.peerMaxTableSize(1024);
    assertThat(block(e, ":path", "/")).isEqualTo("3fe107" + "84");
    assertThat(block(e, ":path", "/")).isEqualTo("84");
    // Down to 20 and back: section 4.2 wants the smallest, then the final size.
    e.peerMaxTableSize(20);
    e.peerMaxTableSize(4096);
    assertThat(e.dynamicTableEntries()).isEqualTo(1);
    assertThat(block(e, ":path", "/")).isEqualTo("34" + "3fe11f" + "84");
    assertThat(e.dynamicTableEntries()).isZero(); // evicted by the 20
    // The same size again still gets an update: the peer's decoder may be waiting for one.
    e.peerMaxTableSize(4096);
    assertThat(block(e)).isEqualTo("3fe11f");

    HpackEncoder big = new HpackEncoder(65536, false);
    assertThat(block(big, ":path", "/")).isEqualTo("84");
    big.peerMaxTableSize(65536);
    assertThat(block(big, ":path", "/")).isEqualTo("3fe1ff03" + "84");
    big.peerMaxTableSize(1 << 20);
    assertThat(block(big)).isEqualTo("3fe1ff03"); // ours is the smaller

    assertThat(block(new HpackEncoder(1000, false), ":path", "/")).isEqualTo("3fc907" + "84");
    assertThatThrownBy(() -> new HpackEncoder(4096, false).field(new Buffer(), "a", "b", 4))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void oneCallValuesAreIndexedOnceForTheirNameThenSentAsTheyAre() throws HpackException {
    HpackEncoder e = new HpackEncoder(4096, true);
    HpackDecoder d = new HpackDecoder(4096, Integer.MAX_VALUE);
    String path = "/grpc.testing.TestService/UnaryCall";
    assertThat(HpackEncoder.indexing("traceparent")).isEqualTo(HpackEncoder.ONE_CALL);
    assertThat(HpackEncoder.indexing("rpc-transit-traceparent")).isEqualTo(HpackEncoder.ONE_CALL);
    assertThat(HpackEncoder.indexing("grpc-timeout")).isEqualTo(HpackEncoder.ONE_CALL);
    assertThat(HpackEncoder.indexing("tracestate")).isEqualTo(HpackEncoder.INDEX);
    Random random = new Random(7);
    for (int call = 0; call < 200; call++) {
      String traceparent =
          String.format(
              "00-%016x%016x-%016x-01", random.nextLong(), random.nextLong(), random.nextLong());
      Buffer out = new Buffer();
      e.beginBlock(out);
      e.field(out, ":path", path, HpackEncoder.INDEX);
      e.field(out, "traceparent", traceparent, HpackEncoder.ONE_CALL);
      HpackDecoderTest.FieldList got = new HpackDecoderTest.FieldList();
      assertThat(d.decode(out.array(), 0, out.size(), got)).isTrue();
      assertThat(got.list).containsExactly(entry(":path", path), entry("traceparent", traceparent));
      assertThat(d.dynamicTableSize()).isEqualTo(e.dynamicTableSize());
      if (call == 0) { // both inserted: the path's literal has a static name, traceparent not
        assertThat(e.dynamicTableEntries()).isEqualTo(2);
      } else {
        // the path by its index (63, the older entry), then traceparent without indexing, named
        // by its first entry's index (62) and its 55 octets as they are
        assertThat(HEX.formatHex(out.toByteArray()))
            .isEqualTo("bf" + "0f2f" + "37" + hex(traceparent));
        assertThat(e.dynamicTableEntries()).isEqualTo(2);
      }
    }
  }

  @Test
  void valuesAreUtf8() throws HpackException {
    for (boolean huffman : new boolean[] {false, true}) {
      HpackEncoder e = new HpackEncoder(4096, huffman);
      HpackDecoder d = new HpackDecoder(4096, Integer.MAX_VALUE);
      String value = "héllo ☺ and 😈";
      assertInStep(d, block(e, "x-utf8", value), e, "x-utf8", value);
      int octets = value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      assertThat(e.dynamicTableSize()).isEqualTo(6 + octets + 32);
      assertInStep(d, block(e, "x-utf8", value), e, "x-utf8", value);
    }
  }

  @Test
  void randomHeaderListsRoundTripOverManyBlocks() throws HpackException {
    for (int tableSize : new int[] {4096, 256, 0, 65536}) {
      for (boolean huffman : new boolean[] {false, true}) {
        Random random = new Random(tableSize * 31L + (huffman ? 1 : 0));
        HpackEncoder e = new HpackEncoder(tableSize, huffman);
        HpackDecoder d = new HpackDecoder(4096, Integer.MAX_VALUE);
        int fields = 0;
        for (int b = 0; b < 400; b++) {
          if (b % 50 == 49) {
            // The decoder's owner advertises a new SETTINGS_HEADER_TABLE_SIZE, the encoder's
            // owner applies it, and the decoder's owner sees the ACK before the next block.
            int setting = new int[] {0, 100, 1024, 4096, 8192, 70000}[random.nextInt(6)];
            e.peerMaxTableSize(setting);
            d.setMaxTableSize(setting);
          }
          Buffer out = new Buffer();
          e.beginBlock(out);
          List<Map.Entry<String, String>> expected = new ArrayList<>();
          for (int i = 0, n = random.nextInt(20); i < n; i++) {
            String name = randomName(random);
            String value = randomValue(random);
            e.field(out, name, value, random.nextInt(4)); // INDEX to ONE_CALL
            expected.add(entry(name, value));
          }
          HpackDecoderTest.FieldList got = new HpackDecoderTest.FieldList();
          assertThat(d.decode(out.array(), 0, out.size(), got)).isTrue();
          assertThat(got.list).as("block %d", b).isEqualTo(expected);
          assertThat(d.dynamicTableSize()).as("block %d", b).isEqualTo(e.dynamicTableSize());
          assertThat(d.dynamicTableEntries()).isEqualTo(e.dynamicTableEntries());
          fields += expected.size();
        }
        assertThat(fields).isGreaterThan(3000);
        if (tableSize == 0) {
          assertThat(d.dynamicTableEntries()).isZero();
        }
      }
    }
  }

  private static final String[] NAMES = {
    ":method",
    ":path",
    ":status",
    ":authority",
    "content-type",
    "te",
    "user-agent",
    "grpc-encoding",
    "grpc-accept-encoding",
    "grpc-timeout",
    "grpc-status",
    "grpc-message",
    "cache-control",
    "x-request-id",
    "authorization",
  };
  private static final String[] VALUES = {
    "",
    "GET",
    "POST",
    "/",
    "200",
    "application/grpc",
    "trailers",
    "gzip, deflate",
    "0",
    "identity",
    "/weft.Echo/Say",
    "1S",
  };

  static String randomName(Random random) {
    if (random.nextInt(3) > 0) {
      return NAMES[random.nextInt(NAMES.length)];
    }
    StringBuilder s = new StringBuilder("x-");
    for (int i = 0, n = random.nextInt(random.nextInt(10) == 0 ? 300 : 8); i < n; i++) {
      s.append("abcdefghijklmnopqrstuvwxyz0123456789-_".charAt(random.nextInt(38)));
    }
    return s.toString();
  }

  static String randomValue(Random random) {
    switch (random.nextInt(10)) {
      case 0, 1, 2, 3 -> {
        return VALUES[random.nextInt(VALUES.length)];
      }
      case 4 -> {
        StringBuilder s = new StringBuilder();
        for (int i = 0, n = random.nextInt(6); i < n; i++) {
          s.append(new String[] {"é", "☺", "😈", "a", "\u0000", "\u00ff"}[random.nextInt(6)]);
        }
        return s.toString();
      }
      case 5 -> {
        return "v".repeat(random.nextInt(5000));
      }
      default -> {
        StringBuilder s = new StringBuilder();
        for (int i = 0, n = random.nextInt(40); i < n; i++) {
          s.append((char) (0x20 + random.nextInt(0x5f)));
        }
        return s.toString();
      }
    }
  }

  private static String hex(String ascii) {
    return HEX.formatHex(ascii.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
  }
}
