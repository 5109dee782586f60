package io.weft.internal.wire.http2;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The HPACK decoder (RFC 7541) for the header blocks that one peer sends on one HTTP/2 connection,
 * confined to that connection's reader thread. It owns the dynamic table that mirrors the peer's
 * encoder, so it must see every header block the peer sends, in order, including blocks whose
 * fields nobody wants.
 *
 * <p>Defences against a hostile encoder: every length is checked against what is left of the block
 * before anything is allocated for it; integers above 2^31-1 are rejected; and once a block's
 * header list passes {@code maxHeaderListSize} the rest of it is read only to keep the dynamic
 * table in step, with no String built and nothing allocated for fields that are merely referenced
 * or not indexed. A block of 16,000 one-byte references to a 4 KiB dynamic entry (an "HPACK bomb",
 * 64 MB of headers from 16 KB) therefore costs a loop over 16,000 bytes.
 *
 * <p>Strings: names are decoded as ISO-8859-1 (one char per octet; the engine validates them),
 * values as UTF-8, malformed sequences becoming U+FFFD. An indexed field hands the sink the very
 * String instances held in the static or dynamic table, so the common gRPC case, a block of
 * one-byte references to headers the peer repeats on every call, allocates nothing.
 */
public final class HpackDecoder {
  /** Receives the fields of a header block, in order. */
  public interface FieldSink {
    void field(String name, String value);
  }

  /** The per-entry overhead of RFC 7541 section 4.1, also used by RFC 9113 section 6.5.2. */
  private static final int ENTRY_OVERHEAD = 32;

  /** Our SETTINGS_HEADER_TABLE_SIZE: the most a dynamic table size update may ask for. */
  private int maxTableSize;

  private final int maxHeaderListSize;

  /** The table's current maximum size: the last size update, initially {@link #maxTableSize}. */
  private int capacity;

  /**
   * Set when our setting dropped below {@link #capacity}: the peer's next block must then begin
   * with a size update that brings the table within it (RFC 7541 section 4.2).
   */
  private boolean sizeUpdateRequired;

  // The dynamic table, a ring of parallel arrays whose length is a power of two; the newest entry
  // is at head - 1, the oldest at head - count. Sizes are name octets + value octets + 32.
  private String[] names = new String[16];
  private String[] values = new String[16];
  private int[] sizes = new int[16];
  private int head;
  private int count;
  private int tableSize;

  /** Huffman-decoded octets of the current field's name and value. */
  private byte[] scratch = new byte[256];

  private int scratchUsed;

  // The block being decoded; only valid during decode().
  private byte[] block;
  private int origin;
  private int pos;
  private int end;
  private long listSize;
  private boolean delivering;

  // Where readString() left the octets of the string it read: in block or in scratch.
  private byte[] str;
  private int strOff;

  /**
   * A decoder whose dynamic table starts with a maximum size of {@code maxTableSize}. The peer's
   * encoder starts at the protocol's 4096 and may send blocks before it has seen our SETTINGS, so a
   * connection that advertises less than 4096 should start at 4096 and call {@link
   * #setMaxTableSize} when the peer acknowledges the smaller value.
   *
   * @param maxTableSize the SETTINGS_HEADER_TABLE_SIZE in effect for the peer's encoder
   * @param maxHeaderListSize our limit on a block's decoded header list, counted as RFC 9113
   *     section 6.5.2 does: name octets + value octets + 32 per field
   */
  public HpackDecoder(int maxTableSize, int maxHeaderListSize) {
    if (maxTableSize < 0 || maxHeaderListSize < 0) {
      throw new IllegalArgumentException(
          "negative limit: table " + maxTableSize + ", header list " + maxHeaderListSize);
    }
    this.maxTableSize = maxTableSize;
    this.capacity = maxTableSize;
    this.maxHeaderListSize = maxHeaderListSize;
  }

  /**
   * Decodes one complete header block (the fragments of a HEADERS or PUSH_PROMISE frame and its
   * CONTINUATIONs, joined), passing each field to {@code sink} in order.
   *
   * @return true; or false if the header list passed {@code maxHeaderListSize}, in which case the
   *     sink received only the fields before the one that passed it, and the rest of the block was
   *     still decoded, to keep the dynamic table in step with the peer
   * @throws HpackException on any coding error; the dynamic table is then out of step and the
   *     connection must end with COMPRESSION_ERROR (as it must if the sink throws)
   */
  public boolean decode(byte[] block, int off, int len, FieldSink sink) throws HpackException {
    Objects.checkFromIndexSize(off, len, block.length);
    Objects.requireNonNull(sink, "sink");
    this.block = block;
    this.origin = off;
    this.pos = off;
    this.end = off + len;
    this.listSize = 0;
    this.delivering = true;
    try {
      decodeBlock(sink);
      return delivering;
    } finally {
      this.block = null; // the caller reuses its array; don't hold on to it
      this.str = null;
    }
  }

  private void decodeBlock(FieldSink sink) throws HpackException {
    boolean fieldsStarted = false;
    while (pos < end) {
      int start = pos;
      int b = block[pos];
      if (b < 0) {
        // 1xxxxxxx: indexed field (section 6.1). The hot path: one byte, no allocation.
        int index = b & 0x7f;
        if (index != 0x7f) {
          pos++;
        } else {
          index = readInt(7);
        }
        if (!fieldsStarted) {
          fieldsStarted = true;
          checkNoSizeUpdatePending(start);
        }
        if (index > HpackStaticTable.LENGTH) {
          int slot = dynamicSlot(index, start);
          if (delivering) {
            deliver(sink, names[slot], values[slot], sizes[slot]);
          }
        } else if (index == 0) {
          throw new HpackException("indexed field with index 0", start - origin);
        } else if (delivering) {
          deliver(
              sink,
              HpackStaticTable.name(index),
              HpackStaticTable.value(index),
              HpackStaticTable.size(index));
        }
      } else if (b >= 0x40) {
        // 01xxxxxx: literal with incremental indexing (section 6.2.1).
        if (!fieldsStarted) {
          fieldsStarted = true;
          checkNoSizeUpdatePending(start);
        }
        literal(start, 6, true, sink);
      } else if (b >= 0x20) {
        // 001xxxxx: dynamic table size update (section 6.3), only before the first field.
        if (fieldsStarted) {
          throw new HpackException(
              "dynamic table size update after the first field of the block (RFC 7541 section 4.2)",
              start - origin);
        }
        int size = readInt(5);
        if (size > maxTableSize) {
          throw new HpackException(
              "dynamic table size update to " + size + " above our maximum of " + maxTableSize,
              start - origin);
        }
        capacity = size;
        evictTo(size);
        sizeUpdateRequired = false;
      } else {
        // 0001xxxx never indexed (section 6.2.3) or 0000xxxx without indexing (6.2.2): the same
        // to a decoder, which does not re-encode.
        if (!fieldsStarted) {
          fieldsStarted = true;
          checkNoSizeUpdatePending(start);
        }
        literal(start, 4, false, sink);
      }
    }
  }

  private void deliver(FieldSink sink, String name, String value, int size) {
    listSize += size;
    if (listSize > maxHeaderListSize) {
      delivering = false;
    } else {
      sink.field(name, value);
    }
  }

  private void checkNoSizeUpdatePending(int start) throws HpackException {
    if (sizeUpdateRequired) {
      throw new HpackException(
          "block does not begin with the dynamic table size update required after our maximum"
              + " dropped to "
              + maxTableSize
              + " (RFC 7541 section 4.2)",
          start - origin);
    }
  }

  /** The ring slot of dynamic table entry {@code index} (62 and up). */
  private int dynamicSlot(int index, int start) throws HpackException {
    int i = index - HpackStaticTable.LENGTH - 1;
    if (i >= count) {
      throw new HpackException(
          "index " + index + " past the end of the dynamic table, which has " + count + " entries",
          start - origin);
    }
    return (head - 1 - i) & (names.length - 1);
  }

  /**
   * A literal field whose first byte is at {@code start}: a name index in {@code prefixBits} bits
   * (0 for a literal name), then the name string if any, then the value string.
   */
  private void literal(int start, int prefixBits, boolean indexing, FieldSink sink)
      throws HpackException {
    // Strings are needed to index the field or to deliver it; past the limit, a field that is
    // not indexed is only read past, without decoding its Huffman strings.
    boolean materialize = indexing || delivering;
    scratchUsed = 0;
    int nameIndex = readInt(prefixBits);
    String name = null;
    byte[] nameBuf = null;
    int nameOff = 0;
    int nameLen;
    if (nameIndex == 0) {
      nameLen = readString(materialize);
      nameBuf = str;
      nameOff = strOff;
    } else if (nameIndex <= HpackStaticTable.LENGTH) {
      name = HpackStaticTable.name(nameIndex);
      nameLen = name.length(); // names are ISO-8859-1: one char per octet
    } else {
      name = names[dynamicSlot(nameIndex, start)];
      nameLen = name.length();
    }
    int valueLen = readString(materialize);
    if (!materialize) {
      return;
    }
    long size = (long) nameLen + valueLen + ENTRY_OVERHEAD;
    if (delivering) {
      listSize += size;
      if (listSize > maxHeaderListSize) {
        delivering = false;
      }
    }
    boolean keep = indexing && size <= capacity;
    if (indexing && !keep) {
      clearTable(); // section 4.4: an entry larger than the table empties it and is not added
    }
    if (!keep && !delivering) {
      return;
    }
    if (name == null) {
      name = new String(nameBuf, nameOff, nameLen, StandardCharsets.ISO_8859_1);
    }
    String value = new String(str, strOff, valueLen, StandardCharsets.UTF_8);
    if (keep) {
      add(name, value, (int) size);
    }
    if (delivering) {
      sink.field(name, value);
    }
  }

  /**
   * Reads an integer with an N-bit prefix (section 5.1) whose first byte is at {@code pos}, which
   * the caller has checked is inside the block.
   */
  private int readInt(int prefixBits) throws HpackException {
    int start = pos;
    int mask = (1 << prefixBits) - 1;
    int first = block[pos++] & mask;
    if (first < mask) {
      return first;
    }
    long value = first;
    // 2^31-1 needs at most 5 continuation bytes of 7 bits; a sixth is an overlong encoding.
    for (int shift = 0; shift <= 28; shift += 7) {
      if (pos == end) {
        throw new HpackException("header block ends inside an integer", start - origin);
      }
      int b = block[pos++];
      value += (long) (b & 0x7f) << shift;
      if (b >= 0) {
        if (value > Integer.MAX_VALUE) {
          throw new HpackException("integer " + value + " above 2^31-1", start - origin);
        }
        return (int) value;
      }
    }
    throw new HpackException("integer longer than 5 continuation bytes", start - origin);
  }

  /**
   * Reads a string literal (section 5.2) and returns its length in octets, leaving the octets at
   * {@link #str}[{@link #strOff}...]: in the block if raw, in {@link #scratch} if Huffman-coded.
   * When {@code materialize} is false a Huffman string is skipped, not decoded, and the returned
   * length is its coded length.
   */
  private int readString(boolean materialize) throws HpackException {
    if (pos == end) {
      throw new HpackException("header block ends before a string", pos - origin);
    }
    int start = pos;
    boolean huffman = block[pos] < 0;
    int n = readInt(7);
    if (n > end - pos) {
      throw new HpackException(
          "string of " + n + " bytes runs past the end of the block, " + (end - pos) + " bytes on",
          start - origin);
    }
    int at = pos;
    pos += n;
    if (!huffman) {
      str = block;
      strOff = at;
      return n;
    }
    if (!materialize) {
      return n;
    }
    int room = Huffman.maxDecodedLength(n);
    if (room > scratch.length - scratchUsed) {
      long want = Math.max((long) scratchUsed + room, 2L * scratch.length);
      // Only a block of over a gigabyte gets here; its strings still have to fit an array.
      if ((long) scratchUsed + room > Integer.MAX_VALUE - 16) {
        throw new HpackException("Huffman string of " + n + " bytes is too long", start - origin);
      }
      scratch = Arrays.copyOf(scratch, (int) Math.min(want, Integer.MAX_VALUE - 16));
    }
    int decoded = Huffman.decode(block, at, n, scratch, scratchUsed, origin);
    str = scratch;
    strOff = scratchUsed;
    scratchUsed += decoded;
    return decoded;
  }

  /** Adds an entry that fits the table, evicting the oldest ones to make room (section 4.4). */
  private void add(String name, String value, int size) {
    evictTo(capacity - size);
    if (count == names.length) {
      int n = names.length;
      String[] newNames = new String[2 * n];
      String[] newValues = new String[2 * n];
      int[] newSizes = new int[2 * n];
      for (int i = 0; i < count; i++) { // oldest first, so the ring restarts at slot 0
        int slot = (head - count + i) & (n - 1);
        newNames[i] = names[slot];
        newValues[i] = values[slot];
        newSizes[i] = sizes[slot];
      }
      names = newNames;
      values = newValues;
      sizes = newSizes;
      head = count;
    }
    names[head] = name;
    values[head] = value;
    sizes[head] = size;
    head = (head + 1) & (names.length - 1);
    count++;
    tableSize += size;
  }

  /** Evicts the oldest entries until the table's size is at most {@code size}. */
  private void evictTo(int size) {
    while (tableSize > size && count > 0) {
      int slot = (head - count) & (names.length - 1);
      tableSize -= sizes[slot];
      names[slot] = null;
      values[slot] = null;
      count--;
    }
  }

  private void clearTable() {
    evictTo(0);
  }

  /**
   * Applies a new SETTINGS_HEADER_TABLE_SIZE of ours, once the peer has acknowledged it. If it is
   * below the table's current maximum, the peer's next block must begin with a size update within
   * it (RFC 7541 section 4.2); until then the table keeps its entries, which blocks already sent
   * may refer to.
   */
  public void setMaxTableSize(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative table size " + size);
    }
    maxTableSize = size;
    if (capacity > size) {
      sizeUpdateRequired = true;
    }
  }

  /** The dynamic table's size: name octets + value octets + 32 per entry. */
  public int dynamicTableSize() {
    return tableSize;
  }

  /** The number of entries in the dynamic table. */
  public int dynamicTableEntries() {
    return count;
  }
}
