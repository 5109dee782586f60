package io.weft.internal.wire.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.internal.wire.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Huffman code of RFC 7541 Appendix B: the table, the Appendix C strings, and padding rules.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HuffmanTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void codesAreThoseOfAppendixB() {
    // A sample across every length; the static initialiser has already checked that the lengths
    // fill the code space exactly, so a wrong length would show up here as shifted codes.
    int[][] samples = {
      {0, 0x1ff8, 13},
      {1, 0x7fffd8, 23},
      {9, 0xffffea, 24},
      {10, 0x3ffffffc, 30},
      {22, 0x3ffffffe, 30},
      {' ', 0x14, 6},
      {'!', 0x3f8, 10},
      {'"', 0x3f9, 10},
      {'&', 0xf8, 8},
      {'\'', 0x7fa, 11},
      {'0', 0x0, 5},
      {'9', 0x1f, 6},
      {'<', 0x7ffc, 15},
      {'A', 0x21, 6},
      {'Z', 0xfd, 8},
      {'\\', 0x7fff0, 19},
      {'^', 0x3ffc, 14},
      {'a', 0x3, 5},
      {'z', 0x7b, 7},
      {'{', 0x7ffe, 15},
      {'~', 0x1ffd, 13},
      {127, 0xffffffc, 28},
      {128, 0xfffe6, 20},
      {192, 0x3ffffe0, 26},
      {207, 0x1ffffed, 25},
      {249, 0xffffffe, 28},
      {255, 0x3ffffee, 26},
      {256, 0x3fffffff, 30},
    };
    for (int[] s : samples) {
      assertThat(Huffman.code(s[0])).as("code of %d", s[0]).isEqualTo(s[1]);
      assertThat(Huffman.codeLength(s[0])).as("length of %d", s[0]).isEqualTo(s[2]);
    }
  }

  @Test
  void appendixCStringsEncodeAndDecodeByteForByte() throws HpackException {
    String[][] vectors = {
      {"www.example.com", "f1e3c2e5f23a6ba0ab90f4ff"},
      {"no-cache", "a8eb10649cbf"},
      {"custom-key", "25a849e95ba97d7f"},
      {"custom-value", "25a849e95bb8e8b4bf"},
      {"302", "6402"},
      {"307", "640eff"},
      {"private", "aec3771a4b"},
      {"Mon, 21 Oct 2013 20:13:21 GMT", "d07abe941054d444a8200595040b8166e082a62d1bff"},
      {"Mon, 21 Oct 2013 20:13:22 GMT", "d07abe941054d444a8200595040b8166e084a62d1bff"},
      {"https://www.example.com", "9d29ad171863c78f0b97c8e9ae82ae43d3"},
      {"gzip", "9bd9ab"},
      {
        "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
        "94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007"
      },
    };
    for (String[] v : vectors) {
      byte[] code = HEX.parseHex(v[1]);
      assertThat(Huffman.encodedLength(v[0])).as(v[0]).isEqualTo(code.length);
      Buffer out = new Buffer();
      Huffman.encode(out, v[0]);
      assertThat(HEX.formatHex(out.toByteArray())).as(v[0]).isEqualTo(v[1]);
      assertThat(Huffman.decode(code, 0, code.length, StandardCharsets.ISO_8859_1)).isEqualTo(v[0]);
    }
  }

  @Test
  void everyOctetRoundTrips() throws HpackException {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    assertRoundTrip(all);
    for (int i = 0; i < 256; i++) {
      assertRoundTrip(new byte[] {(byte) i});
      assertRoundTrip(new byte[] {(byte) i, (byte) (255 - i), (byte) (i * 7)});
    }
    assertRoundTrip(new byte[0]);
    Random random = new Random(7541);
    for (int i = 0; i < 2000; i++) {
      byte[] b = new byte[random.nextInt(300)];
      random.nextBytes(b);
      assertRoundTrip(b);
    }
  }

  @Test
  void encodedLengthOfAStringCountsItsUtf8Octets() {
    for (String s :
        new String[] {"", "abc", "héllo", "☺ and 😈", "\u0000\u007f\u0080\u07ff\u0800\uffff"}) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      assertThat(Huffman.encodedLength(s))
          .as(s)
          .isEqualTo(Huffman.encodedLength(utf8, 0, utf8.length));
      Buffer out = new Buffer();
      Huffman.encode(out, s);
      assertThat(out.size()).isEqualTo(Huffman.encodedLength(s));
    }
  }

  @Test
  void everyOneAndTwoByteInputDecodesToItsOnlyEncodingOrIsRejected() {
    // Padding must be under 8 bits and all 1s, so a valid code has exactly one decoding and
    // re-encodes to itself; anything else must be an HpackException, never garbage.
    int valid = 0;
    for (int n = 1; n <= 2; n++) {
      for (int v = 0; v < 1 << (8 * n); v++) {
        byte[] code = n == 1 ? new byte[] {(byte) v} : new byte[] {(byte) (v >>> 8), (byte) v};
        byte[] dst = new byte[Huffman.maxDecodedLength(code.length)];
        int len;
        try {
          len = Huffman.decode(code, 0, code.length, dst, 0, 0);
        } catch (HpackException e) {
          continue;
        }
        valid++;
        byte[] again = new byte[code.length + 1];
        int m = Huffman.encode(dst, 0, len, again, 0);
        assertThat(Arrays.copyOf(again, m)).as("%x", v).isEqualTo(code);
      }
    }
    assertThat(valid).isGreaterThan(1000);
  }

  @Test
  void eosInsideAStringIsRejected() {
    // 'a' (00011) then EOS (30 1s) then 5 bits of padding: 40 bits.
    assertRejected("1fffffffff", "EOS symbol inside a Huffman string");
    // EOS alone, padded: 30 1s + 2 1s.
    assertRejected("ffffffff", "EOS symbol inside a Huffman string");
  }

  @Test
  void paddingLongerThanSevenBitsIsRejected() {
    assertRejected("ff", "padded with more than 7 bits");
    // 'a' then 3 bits of padding is fine; 'a' then 11 is not.
    assertDecodes("1f", "a");
    assertRejected("1fff", "padded with more than 7 bits");
    // A whole byte of padding after codes that end on a byte boundary: "302" is 6 + 5 + 5 bits.
    assertDecodes("6402", "302");
    assertRejected("6402ff", "padded with more than 7 bits");
    assertRejected("0fff", "padded with more than 7 bits"); // '1' (00001) then 11 1s
  }

  @Test
  void paddingThatIsNotAllOnesIsRejected() {
    assertRejected("18", "not the most significant bits of EOS"); // 'a' then 000
    assertRejected("1e", "not the most significant bits of EOS"); // 'a' then 110
    assertRejected("00", "not the most significant bits of EOS"); // '0' then 000
  }

  @Test
  void errorsSayWhere() {
    byte[] block = HEX.parseHex("0000ff");
    assertThatThrownBy(() -> Huffman.decode(block, 2, 1, new byte[8], 0, 0))
        .isInstanceOf(HpackException.class)
        .hasMessageContaining("at byte 2 of the header block")
        .satisfies(e -> assertThat(((HpackException) e).offset()).isEqualTo(2));
  }

  private static void assertRoundTrip(byte[] b) throws HpackException {
    Buffer out = new Buffer();
    Huffman.encode(out, b, 0, b.length);
    assertThat(out.size()).isEqualTo(Huffman.encodedLength(b, 0, b.length));
    byte[] dst = new byte[Huffman.maxDecodedLength(out.size()) + 3];
    int n = Huffman.decode(out.array(), 0, out.size(), dst, 3, 0);
    assertThat(Arrays.copyOfRange(dst, 3, 3 + n)).isEqualTo(b);
  }

  private static void assertDecodes(String hex, String expected) {
    byte[] code = HEX.parseHex(hex);
    try {
      assertThat(Huffman.decode(code, 0, code.length, StandardCharsets.ISO_8859_1))
          .isEqualTo(expected);
    } catch (HpackException e) {
      throw new AssertionError(hex, e);
    }
  }

  private static void assertRejected(String hex, String message) {
    byte[] code = HEX.parseHex(hex);
    assertThatThrownBy(() -> Huffman.decode(code, 0, code.length, StandardCharsets.ISO_8859_1))
        .as(hex)
        .isInstanceOf(HpackException.class)
        .hasMessageContaining(message);
  }
}
