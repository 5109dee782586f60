package io.weft.wire.grpc;

import io.weft.wire.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * HPACK header fields written as plain literals: "literal header field without indexing" (RFC 7541
 * §6.2.2) with raw, non-Huffman strings, pseudo-headers by their static-table name. Such fields never touch the dynamic
 * table, so a block of them can sit between header blocks that another encoder wrote.
 *
 * <p>Why: Helidon 4.5.0's HPACK encoder Huffman-codes every name and value longer than three
 * characters into a buffer as long as the string, which overflows when the code is longer than
 * the text ({@code "}, {@code {}, {@code \}, … take 10 to 30 bits), and it keeps only the low
 * byte of each character. Weft's client writes a header block with this class whenever a field is
 * not {@linkplain #huffmanSafe safe} for that encoder; Weft's server writes all its response
 * headers and trailers with it (cheaper per call than the encoder, and never touching the dynamic
 * table that Helidon keeps for its own header blocks on the connection).
 */
public final class HpackLiterals {
  private HpackLiterals() {}

  /**
   * Whether Helidon's encoder writes {@code s} correctly: only characters whose Huffman code is at
   * most 8 bits long (letters, digits, space and {@code %-./=:_&*,;}), so the code is never longer
   * than the text.
   */
  public static boolean huffmanSafe(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || " %-./=:_&*,;".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether Helidon's encoder writes the header name or value {@code s} correctly: it writes
   * strings of at most three characters raw, longer ones Huffman-coded (see {@link #huffmanSafe}).
   */
  public static boolean fieldSafe(String s) {
    return s.length() <= 3 || huffmanSafe(s);
  }

  /** A header block of {@code fields} (name, value, name, value, …), each a plain literal. */
  public static byte[] block(java.util.List<String> fields) {
    Buffer out = new Buffer(64 * fields.size() / 2 + 16);
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      write(out, fields.get(i), fields.get(i + 1));
    }
    return java.util.Arrays.copyOf(out.array(), out.size());
  }

  /** Appends one field; the name must already be lower case. Values are written as UTF-8 octets. */
  public static void write(Buffer out, String name, String value) {
    int index = switch (name) {
      // pseudo-headers by their static-table name (some decoders, Helidon's among them, refuse a literal name)
      case ":authority" -> 1;
      case ":method" -> 2;
      case ":path" -> 4;
      case ":scheme" -> 6;
      case ":status" -> 8;
      default -> 0;
    };
    if (index != 0) {
      integer(out, index, 4, 0); // literal without indexing, indexed name
    } else {
      out.writeByte(0); // literal without indexing, new name
      string(out, name.getBytes(StandardCharsets.US_ASCII));
    }
    string(out, value.getBytes(StandardCharsets.UTF_8));
  }

  private static void string(Buffer out, byte[] bytes) {
    integer(out, bytes.length, 7, 0); // H = 0: not Huffman-coded
    out.write(bytes, 0, bytes.length);
  }

  /** An HPACK integer with an {@code prefixBits}-bit prefix, the byte's other bits set to {@code flags}. */
  static void integer(Buffer out, int value, int prefixBits, int flags) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      out.writeByte(flags | value);
      return;
    }
    out.writeByte(flags | max);
    value -= max;
    while (value >= 128) {
      out.writeByte((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }
}
