package io.weft.internal.wire.http2;

import io.weft.internal.wire.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * A server's header blocks without HPACK state: each field is a static-table index (":status 200"),
 * or a literal without indexing (RFC 7541 section 6.2.2) whose name is a static-table index where
 * it has one. Nothing is ever added to the peer's dynamic table, so any thread may write a block at
 * any time, in any order, with no lock: the cost is a few bytes per response. Stateless.
 */
final class StatelessHpack {
  private StatelessHpack() {}

  /**
   * Appends {@code fields} as one header block. {@code peerTableSize} is the peer's
   * SETTINGS_HEADER_TABLE_SIZE: when it is below the protocol's 4096, the block opens with a
   * dynamic table size update to 0, which RFC 7541 section 4.2 requires after such a change.
   */
  static void block(Buffer out, Fields fields, int peerTableSize) {
    if (peerTableSize < 4096) {
      out.writeByte(0x20);
    }
    byte[] cached = fields.statelessBlock;
    if (cached != null) {
      out.write(cached, 0, cached.length);
      return;
    }
    int start = out.size();
    for (int i = 0; i < fields.size(); i++) {
      field(out, fields.name(i), fields.value(i));
    }
    if (fields.isFrozen()) {
      fields.statelessBlock =
          java.util.Arrays.copyOfRange(
              out.array(), start, out.size()); // a benign race: every copy is the same
    }
  }

  static void field(Buffer out, String name, String value) {
    int full = HpackStaticTable.fieldIndex(name, value);
    if (full != 0) {
      integer(out, full, 7, 0x80); // indexed field
      return;
    }
    int nameIndex = HpackStaticTable.nameIndex(name);
    if (nameIndex != 0) {
      integer(out, nameIndex, 4, 0); // literal without indexing, indexed name
    } else {
      out.writeByte(0);
      string(out, name);
    }
    string(out, value);
  }

  private static void string(Buffer out, String s) {
    int len = s.length();
    boolean ascii = true;
    for (int i = 0; i < len && ascii; i++) {
      ascii = s.charAt(i) < 0x80;
    }
    if (!ascii) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      integer(out, b.length, 7, 0);
      out.write(b, 0, b.length);
      return;
    }
    integer(
        out, len, 7,
        0); // H = 0: raw octets (cheaper than Huffman for a server's few, short fields)
    out.ensureWritable(len);
    byte[] a = out.array();
    int at = out.size();
    for (int i = 0; i < len; i++) {
      a[at + i] = (byte) s.charAt(i);
    }
    out.advance(len);
  }

  /**
   * An HPACK integer with a {@code prefixBits}-bit prefix, the first byte's other bits being {@code
   * flags}.
   */
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
