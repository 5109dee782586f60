package io.weft.internal.wire.http2;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.internal.wire.Buffer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HPACK decoder against RFC 7541 Appendix C, malformed blocks, limits and HPACK bombs. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HpackDecoderTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final int NO_LIMIT = Integer.MAX_VALUE;

  /** Collects fields. */
  static final class FieldList implements HpackDecoder.FieldSink {
    final List<Map.Entry<String, String>> list = new ArrayList<>();

    @Override
    public void field(String name, String value) {
      list.add(entry(name, value));
    }
  }

  static List<Map.Entry<String, String>> decode(HpackDecoder d, String hex) throws HpackException {
    byte[] b = HEX.parseHex(hex);
    FieldList f = new FieldList();
    assertThat(d.decode(b, 0, b.length, f)).as(hex).isTrue();
    return f.list;
  }

  @Test
  void c2LiteralRepresentations() throws HpackException {
    HpackDecoder d = new HpackDecoder(4096, NO_LIMIT);
    assertThat(decode(d, "400a637573746f6d2d6b65790d637573746f6d2d686561646572"))
        .containsExactly(entry("custom-key", "custom-header"));
    assertThat(d.dynamicTableSize()).isEqualTo(55);
    assertThat(d.dynamicTableEntries()).isEqualTo(1);

    d = new HpackDecoder(4096, NO_LIMIT);
    assertThat(decode(d, "040c2f73616d706c652f70617468"))
        .containsExactly(entry(":path", "/sample/path"));
    assertThat(d.dynamicTableEntries()).isZero();

    d = new HpackDecoder(4096, NO_LIMIT);
    assertThat(decode(d, "100870617373776f726406736563726574"))
        .containsExactly(entry("password", "secret"));
    assertThat(d.dynamicTableEntries()).isZero();

    d = new HpackDecoder(4096, NO_LIMIT);
    assertThat(decode(d, "82")).containsExactly(entry(":method", "GET"));
    assertThat(d.dynamicTableSize()).isZero();
  }

  @Test
  void c3RequestsWithoutHuffman() throws HpackException {
    requests(
        "828684410f7777772e6578616d706c652e636f6d",
        "828684be58086e6f2d6361636865",
        "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565");
  }

  @Test
  void c4RequestsWithHuffman() throws HpackException {
    requests(
        "828684418cf1e3c2e5f23a6ba0ab90f4ff",
        "828684be5886a8eb10649cbf",
        "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf");
  }

  private static void requests(String first, String second, String third) throws HpackException {
    HpackDecoder d = new HpackDecoder(4096, NO_LIMIT);
    assertThat(decode(d, first))
        .containsExactly(
            entry(":method", "GET"),
            entry(":scheme", "http"),
            entry(":path", "/"),
            entry(":authority", "www.example.com"));
    assertThat(d.dynamicTableSize()).isEqualTo(57);
    assertThat(decode(d, second))
        .containsExactly(
            entry(":method", "GET"),
            entry(":scheme", "http"),
            entry(":path", "/"),
            entry(":authority", "www.example.com"),
            entry("cache-control", "no-cache"));
    assertThat(d.dynamicTableSize()).isEqualTo(110);
    assertThat(decode(d, third))
        .containsExactly(
            entry(":method", "GET"),
            entry(":scheme", "https"),
            entry(":path", "/index.html"),
            entry(":authority", "www.example.com"),
            entry("custom-key", "custom-value"));
    assertThat(d.dynamicTableSize()).isEqualTo(164);
    assertThat(d.dynamicTableEntries()).isEqualTo(3);
    // The table, newest first, as section C.3.3 lists it.
    assertThat(decode(d, "bebfc0"))
        .containsExactly(
            entry("custom-key", "custom-value"),
            entry("cache-control", "no-cache"),
            entry(":authority", "www.example.com"));
  }

  @Test
  void c5ResponsesWithoutHuffmanEvict() throws HpackException {
    responses(
        "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d54"
            + "6e1768747470733a2f2f7777772e6578616d706c652e636f6d",
        "4803333037c1c0bf",
        "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a6970773866"
            + "6f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d33"
            + "3630303b2076657273696f6e3d31");
  }

  @Test
  void c6ResponsesWithHuffmanEvict() throws HpackException {
    responses(
        "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c7"
            + "8f0b97c8e9ae82ae43d3",
        "4883640effc1c0bf",
        "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335"
            + "dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007");
  }

  private static void responses(String first, String second, String third) throws HpackException {
    HpackDecoder d = new HpackDecoder(256, NO_LIMIT);
    assertThat(decode(d, first))
        .containsExactly(
            entry(":status", "302"), entry("cache-control", "private"),
            entry("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
                entry("location", "https://www.example.com"));
    assertThat(d.dynamicTableSize()).isEqualTo(222);
    assertThat(d.dynamicTableEntries()).isEqualTo(4);
    assertThat(decode(d, second))
        .containsExactly(
            entry(":status", "307"), entry("cache-control", "private"),
            entry("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
                entry("location", "https://www.example.com"));
    assertThat(d.dynamicTableSize()).isEqualTo(222);
    assertThat(d.dynamicTableEntries()).isEqualTo(4);
    assertThat(decode(d, third))
        .containsExactly(
            entry(":status", "200"),
            entry("cache-control", "private"),
            entry("date", "Mon, 21 Oct 2013 20:13:22 GMT"),
            entry("location", "https://www.example.com"),
            entry("content-encoding", "gzip"),
            entry("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"));
    assertThat(d.dynamicTableSize()).isEqualTo(215);
    assertThat(d.dynamicTableEntries()).isEqualTo(3);
    assertThat(decode(d, "bebfc0"))
        .containsExactly(
            entry("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"),
            entry("content-encoding", "gzip"),
            entry("date", "Mon, 21 Oct 2013 20:13:22 GMT"));
    assertThatThrownBy(() -> decode(d, "c1")).isInstanceOf(HpackException.class);
  }

  @Test
  void indexedFieldsReturnTheTablesOwnStrings() throws HpackException {
    HpackDecoder d = new HpackDecoder(4096, NO_LIMIT);
    List<Map.Entry<String, String>> first = decode(d, "828684410f7777772e6578616d706c652e636f6d");
    List<Map.Entry<String, String>> again = decode(d, "82be");
    assertThat(again.get(0).getKey()).isSameAs(first.get(0).getKey());
    assertThat(again.get(0).getValue()).isSameAs(first.get(0).getValue());
    assertThat(again.get(1).getKey()).isSameAs(first.get(3).getKey());
    assertThat(again.get(1).getValue()).isSameAs(first.get(3).getValue());
  }

  @Test
  void aBlockOfDynamicReferencesAllocatesNothing() throws HpackException {
    HpackDecoder d = new HpackDecoder(4096, NO_LIMIT);
    Buffer setup = new Buffer();
    HpackEncoder e = new HpackEncoder(4096, true);
    e.beginBlock(setup);
    for (int i = 0; i < 20; i++) {
      e.field(setup, "x-header-" + i, "value-" + i, HpackEncoder.INDEX);
    }
    d.decode(setup.array(), 0, setup.size(), (n, v) -> {});
    byte[] block = new byte[2000];
    for (int i = 0; i < block.length; i++) {
      block[i] = (byte) (0x80 | 62 + i % 20);
    }
    CountingSink sink = new CountingSink();
    for (int i = 0; i < 200; i++) { // warm up, so that the JIT's own allocations are over
      d.decode(block, 0, block.length, sink);
    }
    long allocated = allocated(() -> d.decode(block, 0, block.length, sink));
    assertThat(allocated).isLessThan(1024);
    assertThat(sink.fields).isEqualTo(201L * block.length);
  }

  @Test
  void sizeUpdateAtTheStartIsHonoured() throws HpackException {
    HpackDecoder d = new HpackDecoder(4096, NO_LIMIT);
    decode(d, "828684410f7777772e6578616d706c652e636f6d");
    assertThat(d.dynamicTableEntries()).isEqualTo(1);
    // Down to 0 and back to 4096 (3fe11f), as section 4.2 has an encoder do; then a new entry.
    assertThat(decode(d, "203fe11f824001610162"))
        .containsExactly(entry(":method", "GET"), entry("a", "b"));
    assertThat(d.dynamicTableEntries()).isEqualTo(1);
    assertThat(d.dynamicTableSize()).isEqualTo(34);
    assertThat(decode(d, "be")).containsExactly(entry("a", "b"));
  }

  @Test
  void sizeUpdateShrinksTheTable() throws HpackException {
    HpackDecoder d = new HpackDecoder(4096, NO_LIMIT);
    decode(d, "4001610162" + "4001630164"); // a: b, c: d, 34 each
    assertThat(d.dynamicTableSize()).isEqualTo(68);
    assertThat(decode(d, "3f0bbe")).containsExactly(entry("c", "d")); // size 42: keeps one
    assertThat(d.dynamicTableEntries()).isEqualTo(1);
    assertThatThrownBy(() -> decode(d, "bf")).isInstanceOf(HpackException.class);
  }

  @Test
  void sizeUpdateAfterAFieldOrAboveTheMaximumIsRejected() {
    HpackDecoder d = new HpackDecoder(4096, NO_LIMIT);
    assertThatThrownBy(() -> decode(d, "8220"))
        .isInstanceOf(HpackException.class)
        .hasMessageContaining("after the first field")
        .hasMessageContaining("at byte 1 ");
    HpackDecoder small = new HpackDecoder(256, NO_LIMIT);
    assertThatThrownBy(() -> decode(small, "3fe201")) // 257
        .isInstanceOf(HpackException.class)
        .hasMessageContaining("above our maximum of 256");
  }

  @Test
  void loweringOurMaximumRequiresAnUpdateInTheNextBlock() throws HpackException {
    HpackDecoder d = new HpackDecoder(4096, NO_LIMIT);
    decode(d, "4001610162");
    d.setMaxTableSize(1024);
    assertThatThrownBy(() -> decode(d, "be"))
        .isInstanceOf(HpackException.class)
        .hasMessageContaining("size update");

    HpackDecoder ok = new HpackDecoder(4096, NO_LIMIT);
    decode(ok, "4001610162");
    ok.setMaxTableSize(1024);
    assertThatThrownBy(() -> decode(ok, "3fe11f"))
        .isInstanceOf(HpackException.class); // 4096 > 1024
    HpackDecoder ok2 = new HpackDecoder(4096, NO_LIMIT);
    decode(ok2, "4001610162");
    ok2.setMaxTableSize(1024);
    assertThat(decode(ok2, "3fe107be")).containsExactly(entry("a", "b")); // 1024
    assertThat(decode(ok2, "be")).containsExactly(entry("a", "b"));

    // Raising it asks for nothing: the peer may keep its current size.
    HpackDecoder up = new HpackDecoder(4096, NO_LIMIT);
    decode(up, "4001610162");
    up.setMaxTableSize(8192);
    assertThat(decode(up, "be")).containsExactly(entry("a", "b"));
    assertThat(decode(up, "3fe13f")).isEmpty(); // 8192 is now allowed
  }

  @Test
  void badIndicesAreRejected() {
    assertError("80", "index 0", 0);
    assertError("be", "past the end of the dynamic table", 0);
    assertError("82ff00", "past the end of the dynamic table", 1); // 127
    assertError("7e0161", "past the end of the dynamic table", 0); // literal, name index 62
    assertError("0f3001", "past the end of the dynamic table", 0); // literal, name index 63
  }

  @Test
  void badIntegersAreRejected() {
    assertError("ff", "ends inside an integer", 0);
    assertError("82ff80", "ends inside an integer", 1);
    assertError("ffffffffff7f", "above 2^31-1", 0);
    assertError(
        "ff808080808000", "longer than 5 continuation bytes", 0); // 6 bytes after the prefix
    assertError(
        "3fe0ffffff07", "above our maximum", 0); // 2^31-1 is an integer, but too big a table
    assertError("3fe1ffffff07", "above 2^31-1", 0); // 2^31
  }

  @Test
  void badStringsAreRejectedBeforeAllocating() {
    assertError("40", "ends before a string", 1);
    assertError("400161", "ends before a string", 3);
    assertError("400a6375", "runs past the end of the block", 1);
    assertError("40016101", "runs past the end of the block", 3);
    // A declared length of 2^31-1 must not be allocated, only compared with what is left.
    assertError("000161" + "7f80ffffff07" + "00", "string of 2147483647 bytes runs past", 3);
    assertError("000161" + "ff80ffffff07" + "00", "string of 2147483647 bytes runs past", 3);
    assertError("0081ff0161", "padded with more than 7 bits", 2); // bad Huffman name
    assertError("00016181ff", "padded with more than 7 bits", 4); // bad Huffman value
    assertError("00016181fe", "most significant bits of EOS", 4);
    assertError("000161851fffffffff", "EOS symbol", 8);
  }

  @Test
  void errorOffsetsCountFromTheBlockNotTheArray() {
    byte[] array = HEX.parseHex("ffff82be");
    HpackDecoder d = new HpackDecoder(4096, NO_LIMIT);
    assertThatThrownBy(() -> d.decode(array, 2, 2, (n, v) -> {}))
        .isInstanceOf(HpackException.class)
        .satisfies(e -> assertThat(((HpackException) e).offset()).isEqualTo(1));
  }

  @Test
  void namesAreLatin1AndValuesUtf8WithReplacement() throws HpackException {
    HpackDecoder d = new HpackDecoder(4096, NO_LIMIT);
    // name: e9 ('é' in ISO-8859-1); value: "☺" in UTF-8, then a lone ff.
    assertThat(decode(d, "0001e904e298baff")).containsExactly(entry("é", "☺\uFFFD"));
    // Dynamic entries count octets, not chars: 1 + 4 + 32.
    decode(d, "4001e904e298baff");
    assertThat(d.dynamicTableSize()).isEqualTo(37);
  }

  @Test
  void anEntryLargerThanTheTableEmptiesIt() throws HpackException {
    HpackDecoder d = new HpackDecoder(100, NO_LIMIT);
    decode(d, "4001610162");
    assertThat(d.dynamicTableEntries()).isEqualTo(1);
    String big = "x".repeat(70); // 1 + 70 + 32 > 100
    assertThat(decode(d, "40016146" + HEX.formatHex(big.getBytes(StandardCharsets.US_ASCII))))
        .containsExactly(entry("a", big));
    assertThat(d.dynamicTableEntries()).isZero();
    assertThat(d.dynamicTableSize()).isZero();
  }

  @Test
  void overTheHeaderListLimitTheRestIsReadButNotDeliveredAndTheTableStaysInStep()
      throws HpackException {
    for (boolean huffman : new boolean[] {false, true}) {
      HpackEncoder e = new HpackEncoder(4096, huffman);
      HpackDecoder d = new HpackDecoder(4096, 200);
      // 4 fields of 1 + 60 + 32 = 93: the third passes 200.
      List<String[]> fields = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        fields.add(
            new String[] {"" + (char) ('a' + i), String.valueOf((char) ('0' + i)).repeat(60)});
      }
      Buffer block = new Buffer();
      e.beginBlock(block);
      e.field(block, fields.get(0)[0], fields.get(0)[1], HpackEncoder.INDEX);
      e.field(block, fields.get(1)[0], fields.get(1)[1], HpackEncoder.NO_INDEX);
      e.field(block, fields.get(2)[0], fields.get(2)[1], HpackEncoder.INDEX);
      e.field(block, "x-skipped", "not delivered, not indexed", HpackEncoder.NEVER_INDEX);
      e.field(block, fields.get(3)[0], fields.get(3)[1], HpackEncoder.INDEX);
      e.field(block, fields.get(0)[0], fields.get(0)[1], HpackEncoder.INDEX); // an index now
      FieldList got = new FieldList();
      assertThat(d.decode(block.array(), 0, block.size(), got)).isFalse();
      assertThat(got.list)
          .containsExactly(entry("a", fields.get(0)[1]), entry("b", fields.get(1)[1]));
      assertThat(d.dynamicTableSize()).isEqualTo(e.dynamicTableSize()).isEqualTo(3 * 93);

      Buffer next = new Buffer();
      e.beginBlock(next);
      e.field(next, fields.get(3)[0], fields.get(3)[1], HpackEncoder.INDEX);
      e.field(next, fields.get(2)[0], fields.get(2)[1], HpackEncoder.INDEX);
      assertThat(next.size()).isEqualTo(2);
      got = new FieldList();
      assertThat(d.decode(next.array(), 0, next.size(), got)).isTrue();
      assertThat(got.list)
          .containsExactly(entry("d", fields.get(3)[1]), entry("c", fields.get(2)[1]));
    }
  }

  @Test
  void hpackBombCostsNoAllocation() throws HpackException {
    HpackDecoder d = new HpackDecoder(4096, 16 * 1024);
    String big = "v".repeat(4096 - 32 - 5);
    Buffer setup = new Buffer();
    HpackEncoder e = new HpackEncoder(4096, false);
    e.beginBlock(setup);
    e.field(setup, "bomb!", big, HpackEncoder.INDEX);
    assertThat(d.decode(setup.array(), 0, setup.size(), (n, v) -> {})).isTrue();
    assertThat(d.dynamicTableSize()).isEqualTo(4096);

    byte[] bomb = new byte[16_000];
    Arrays.fill(bomb, (byte) 0xbe);
    CountingSink sink = new CountingSink();
    for (int i = 0; i < 50; i++) {
      assertThat(d.decode(bomb, 0, bomb.length, sink)).isFalse();
    }
    sink.fields = 0;
    long t0 = System.nanoTime();
    boolean[] result = new boolean[1];
    long allocated = allocated(() -> result[0] = d.decode(bomb, 0, bomb.length, sink));
    long nanos = System.nanoTime() - t0;
    assertThat(result[0]).isFalse();
    assertThat(allocated).as("bytes allocated").isLessThan(64 * 1024);
    assertThat(sink.fields).isEqualTo(4); // 4 × 4096 = 16 KiB; the fifth passes the limit
    assertThat(nanos).as("nanoseconds").isLessThan(TimeUnit.SECONDS.toNanos(1));

    // Non-indexed literals past the limit are read past without building strings.
    Buffer literals = new Buffer();
    for (int i = 0; i < 5; i++) {
      literals.writeByte(0xbe);
    }
    HpackEncoder h = new HpackEncoder(0, true);
    Buffer ignored = new Buffer();
    h.beginBlock(ignored); // the size update to 0; our decoder's table must stay as it is
    for (int i = 0; i < 500; i++) {
      h.field(literals, "x-literal", "some value that is not short " + i, HpackEncoder.NO_INDEX);
    }
    for (int i = 0; i < 50; i++) {
      d.decode(literals.array(), 0, literals.size(), sink);
    }
    result[0] = true;
    long literalAllocated =
        allocated(() -> result[0] = d.decode(literals.array(), 0, literals.size(), sink));
    assertThat(result[0]).isFalse();
    assertThat(literalAllocated).as("bytes allocated").isLessThan(16 * 1024);
    assertThat(d.dynamicTableSize()).isEqualTo(4096);
  }

  @Test
  void randomAndMutatedBlocksEndInAReturnOrAnHpackException() {
    Random random = new Random(20_000);
    // Valid blocks to mutate, from an encoder with every option.
    List<byte[]> seeds = new ArrayList<>();
    for (int s = 0; s < 50; s++) {
      HpackEncoder e = new HpackEncoder(random.nextBoolean() ? 4096 : 256, random.nextBoolean());
      if (random.nextBoolean()) {
        e.peerMaxTableSize(random.nextInt(5000));
      }
      Buffer b = new Buffer();
      e.beginBlock(b);
      for (int i = 0, n = random.nextInt(12); i < n; i++) {
        e.field(
            b,
            HpackEncoderTest.randomName(random),
            HpackEncoderTest.randomValue(random),
            random.nextInt(3));
      }
      seeds.add(b.toByteArray());
    }
    int exceptions = 0;
    HpackDecoder shared = new HpackDecoder(4096, 8192);
    for (int i = 0; i < 20_000; i++) {
      byte[] block;
      if (i % 4 == 0) {
        block = new byte[random.nextInt(64)];
        random.nextBytes(block);
      } else {
        block = mutate(seeds.get(random.nextInt(seeds.size())), random);
      }
      HpackDecoder d =
          i % 2 == 0 ? shared : new HpackDecoder(random.nextInt(5000), 1 + random.nextInt(4000));
      try {
        d.decode(
            block,
            0,
            block.length,
            (n, v) -> {
              if (n == null || v == null) {
                throw new AssertionError("null field");
              }
            });
        assertThat(d.dynamicTableSize()).isBetween(0, 5000);
      } catch (HpackException e) {
        exceptions++;
        assertThat(e.offset()).isBetween(0, block.length);
        if (d == shared) {
          shared = new HpackDecoder(4096, 8192); // a connection would end here
        }
      }
    }
    assertThat(exceptions).isBetween(1000, 19_000);
  }

  private static byte[] mutate(byte[] seed, Random random) {
    byte[] b = seed.clone();
    for (int m = 0, n = 1 + random.nextInt(3); m < n && b.length > 0; m++) {
      switch (random.nextInt(5)) {
        case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        case 1 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        case 2 -> b = Arrays.copyOf(b, random.nextInt(b.length));
        case 3 -> {
          int at = random.nextInt(b.length);
          byte[] c = new byte[b.length + 1];
          System.arraycopy(b, 0, c, 0, at);
          c[at] = (byte) (random.nextBoolean() ? 0xff : random.nextInt(256));
          System.arraycopy(b, at, c, at + 1, b.length - at);
          b = c;
        }
        default -> {
          int at = random.nextInt(b.length);
          byte[] c = new byte[b.length - 1];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, at + 1, c, at, b.length - at - 1);
          b = c;
        }
      }
    }
    return b;
  }

  private static void assertError(String hex, String message, int offset) {
    HpackDecoder d = new HpackDecoder(4096, NO_LIMIT);
    byte[] b = HEX.parseHex(hex);
    assertThatThrownBy(() -> d.decode(b, 0, b.length, (n, v) -> {}))
        .as(hex)
        .isInstanceOf(HpackException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((HpackException) e).offset()).as(hex).isEqualTo(offset));
  }

  /** Counts fields without keeping them, so that it allocates nothing itself. */
  static final class CountingSink implements HpackDecoder.FieldSink {
    long fields;

    @Override
    public void field(String name, String value) {
      fields++;
    }
  }

  interface Decoding {
    void run() throws HpackException;
  }

  /** Bytes this thread allocated while running {@code r}. */
  static long allocated(Decoding r) throws HpackException {
    com.sun.management.ThreadMXBean bean =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = bean.getCurrentThreadAllocatedBytes();
    r.run();
    return bean.getCurrentThreadAllocatedBytes() - before;
  }
}
