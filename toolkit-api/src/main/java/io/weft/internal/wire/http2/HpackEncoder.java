package io.weft.internal.wire.http2;

import io.weft.internal.wire.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The HPACK encoder (RFC 7541) for the header blocks we send on one HTTP/2 connection, confined to
 * whichever thread holds the connection's write lock: blocks must reach the wire in the order they
 * were encoded, since each one may change the dynamic table that the next refers to.
 *
 * <p>Per field it picks the shortest representation it can without guessing the future: a whole
 * match in the static or dynamic table is one index; otherwise a literal, whose name is an index
 * when some entry has that name (static preferred, as its index never moves), and which is added to
 * the dynamic table when the caller asks for {@link #INDEX} and it fits. Lookups are hash lookups
 * by name and value, never a scan of the table.
 *
 * <p>A block is {@link #beginBlock} followed by {@link #field} calls; the engine splits the bytes
 * into HEADERS and CONTINUATION frames itself.
 */
public final class HpackEncoder {
  /**
   * Literal with incremental indexing (RFC 7541 section 6.2.1) unless the field is already in a
   * table: for fields likely to repeat on the connection.
   */
  public static final int INDEX = 0;

  /** Literal without indexing (section 6.2.2) unless the field is already in a table. */
  public static final int NO_INDEX = 1;

  /**
   * Literal never indexed (section 6.2.3), even if the field is in a table, and intermediaries must
   * keep it that way: for secrets, whose table entries would let an attacker who controls other
   * fields on the connection guess them by the compressed length (section 7.1).
   */
  public static final int NEVER_INDEX = 2;

  /**
   * For a value that differs from call to call: literal without indexing, its octets as they are
   * (Huffman would save the peer a quarter of a traceparent's octets and cost both ends a pass over
   * them per call). If no table has its name yet, the field is indexed once instead, so that the
   * calls after it name it by that entry's index and send only their value.
   */
  public static final int ONE_CALL = 3;

  /**
   * How a request field named {@code name} is best sent: {@link #ONE_CALL} when its value differs
   * from call to call, so that a dynamic-table entry would never be used again ({@code
   * grpc-timeout}, the time left; W3C {@code traceparent}, a span id per call, and its copy {@code
   * rpc-transit-traceparent} for Kitex's servers); {@link #INDEX} for the rest. Indexed, a one-call
   * value evicts fields that do repeat (the path, content type, user agent), to be sent as literals
   * again, and makes the peer's decoder store one more entry per call (section 7.1.3 leaves the
   * choice to the encoder).
   */
  public static int indexing(String name) {
    return name.equals("grpc-timeout") || name.endsWith("traceparent") ? ONE_CALL : INDEX;
  }

  /** The initial SETTINGS_HEADER_TABLE_SIZE (RFC 9113 section 6.5.2), where decoders start. */
  private static final int DEFAULT_TABLE_SIZE = 4096;

  private static final int ENTRY_OVERHEAD = 32;

  private final int maxTableSize;
  private final boolean huffman;

  /** The table's maximum size as the peer's decoder knows it: the last update we sent. */
  private int capacity;

  // A size update to send at the start of the next block (section 4.2): pendingMin first if a
  // smaller limit came and went since the last block, then pendingCapacity.
  private boolean updatePending;
  private int pendingCapacity;
  private int pendingMin;

  // The dynamic table: a ring of parallel arrays, power-of-two long, in which the entry inserted
  // n-th (counting from 0 for the connection) lives at slot n & (length - 1). The live entries are
  // insertions [inserted - count, inserted); the newest has dynamic index 62.
  private String[] names = new String[16];
  private String[] values = new String[16];
  private int[] sizes = new int[16];
  private long inserted;
  private int count;
  private int tableSize;

  /**
   * Each name in the table, with the insertion number of its newest entry and of the newest entry
   * of each of its values. Eviction is oldest first, so when an entry leaves, no older duplicate is
   * left behind for these maps to point to.
   */
  private final Map<String, NameEntries> byName = new HashMap<>();

  private static final class NameEntries {
    long newest;
    final Map<String, Long> byValue = new HashMap<>();
  }

  /**
   * @param maxTableSize the most dynamic table we are willing to keep for the peer's decoder; 0
   *     means we never use the dynamic table (every field is a static index or a literal without
   *     indexing), and then the first block says so with a size update to 0
   * @param huffman whether to Huffman-code string literals (only when that makes them shorter)
   */
  public HpackEncoder(int maxTableSize, boolean huffman) {
    if (maxTableSize < 0) {
      throw new IllegalArgumentException("negative table size " + maxTableSize);
    }
    this.maxTableSize = maxTableSize;
    this.huffman = huffman;
    this.capacity = Math.min(maxTableSize, DEFAULT_TABLE_SIZE);
    if (maxTableSize < DEFAULT_TABLE_SIZE) {
      // The peer's decoder starts at 4096. Evicting sooner than it does would be safe (it would
      // only keep entries we no longer name), but saying so lets it free them, and for 0 proves
      // the table empty whatever the peer later advertises.
      updatePending = true;
      pendingCapacity = maxTableSize;
      pendingMin = maxTableSize;
    }
  }

  /**
   * Applies the peer's SETTINGS_HEADER_TABLE_SIZE: the table's limit becomes the smaller of ours
   * and {@code size}, and the next block begins with a size update saying so (RFC 7541 sections 4.2
   * and 6.3). An encoder with a maximum of 0 already told the peer its table is empty and ignores
   * this.
   */
  public void peerMaxTableSize(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative table size " + size);
    }
    if (maxTableSize == 0) {
      return;
    }
    int c = Math.min(maxTableSize, size);
    pendingMin = updatePending ? Math.min(pendingMin, c) : c;
    pendingCapacity = c;
    updatePending = true;
  }

  /** Starts a header block: writes any pending dynamic table size update. */
  public void beginBlock(Buffer out) {
    if (!updatePending) {
      return;
    }
    if (pendingMin < pendingCapacity) {
      sizeUpdate(out, pendingMin);
    }
    sizeUpdate(out, pendingCapacity);
    updatePending = false;
  }

  private void sizeUpdate(Buffer out, int size) {
    writeInt(out, 0x20, 5, size);
    capacity = size;
    evictTo(size);
  }

  /**
   * Writes one field.
   *
   * @param name lower-case ASCII (the caller guarantees it)
   * @param value any string; written as its UTF-8 octets
   * @param indexing {@link #INDEX}, {@link #NO_INDEX}, {@link #NEVER_INDEX} or {@link #ONE_CALL}
   */
  public void field(Buffer out, String name, String value, int indexing) {
    if (indexing < INDEX || indexing > ONE_CALL) {
      throw new IllegalArgumentException("indexing " + indexing);
    }
    int nameIndex = HpackStaticTable.nameIndex(name);
    if (indexing != NEVER_INDEX) {
      int index = HpackStaticTable.fieldIndex(nameIndex, name, value);
      if (index != 0) {
        writeInt(out, 0x80, 7, index);
        return;
      }
    }
    NameEntries entries = count == 0 ? null : byName.get(name);
    if (indexing != NEVER_INDEX && indexing != ONE_CALL && entries != null) {
      Long n = entries.byValue.get(value);
      if (n != null) {
        writeInt(out, 0x80, 7, dynamicIndex(n));
        return;
      }
    }
    if (nameIndex == 0 && entries != null) {
      nameIndex = dynamicIndex(entries.newest);
    }

    boolean raw = false; // the value's octets as they are, not Huffman-coded
    if (indexing == ONE_CALL) {
      raw = nameIndex != 0;
      indexing = raw ? NO_INDEX : INDEX;
    }
    // The octets of the literal strings: ASCII and Latin-1 strings are copied by the JDK's
    // intrinsics rather than char by char.
    byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
    int valueLen = valueBytes.length;

    // An entry bigger than the table would only empty it (section 4.4): send such a field
    // without indexing and keep what the table holds.
    long size = (long) name.length() + valueLen + ENTRY_OVERHEAD;
    boolean add = indexing == INDEX && size <= capacity;
    if (add) {
      writeInt(out, 0x40, 6, nameIndex);
    } else {
      writeInt(out, indexing == NEVER_INDEX ? 0x10 : 0x00, 4, nameIndex);
    }
    if (nameIndex == 0) {
      byte[] nameBytes = name.getBytes(StandardCharsets.ISO_8859_1);
      writeString(out, nameBytes, 0, nameBytes.length, huffman);
    }
    writeString(out, valueBytes, 0, valueLen, huffman && !raw);
    if (add) {
      add(name, value, (int) size);
    }
  }

  private int dynamicIndex(long insertion) {
    return HpackStaticTable.LENGTH + 1 + (int) (inserted - 1 - insertion);
  }

  private static void writeString(Buffer out, byte[] b, int off, int len, boolean huffman) {
    if (huffman) {
      int coded = Huffman.encodedLength(b, off, len);
      if (coded < len) {
        writeInt(out, 0x80, 7, coded);
        out.ensureWritable(coded);
        Huffman.encode(b, off, len, out.array(), out.size());
        out.advance(coded);
        return;
      }
    }
    writeInt(out, 0x00, 7, len);
    out.write(b, off, len);
  }

  /** Writes {@code value} with an N-bit prefix (section 5.1) after the {@code high} bits. */
  private static void writeInt(Buffer out, int high, int prefixBits, int value) {
    int mask = (1 << prefixBits) - 1;
    if (value < mask) {
      out.writeByte(high | value);
      return;
    }
    out.writeByte(high | mask);
    int rest = value - mask;
    while (rest >= 0x80) {
      out.writeByte((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    out.writeByte(rest);
  }

  /** Adds an entry that fits the table, evicting the oldest ones to make room (section 4.4). */
  private void add(String name, String value, int size) {
    evictTo(capacity - size);
    if (count == names.length) {
      int n = names.length;
      String[] newNames = new String[2 * n];
      String[] newValues = new String[2 * n];
      int[] newSizes = new int[2 * n];
      for (long i = inserted - count; i < inserted; i++) {
        int from = (int) i & (n - 1);
        int to = (int) i & (2 * n - 1);
        newNames[to] = names[from];
        newValues[to] = values[from];
        newSizes[to] = sizes[from];
      }
      names = newNames;
      values = newValues;
      sizes = newSizes;
    }
    long insertion = inserted++;
    int slot = (int) insertion & (names.length - 1);
    names[slot] = name;
    values[slot] = value;
    sizes[slot] = size;
    count++;
    tableSize += size;
    NameEntries entries = byName.computeIfAbsent(name, k -> new NameEntries());
    entries.newest = insertion;
    entries.byValue.put(value, insertion);
  }

  /** Evicts the oldest entries until the table's size is at most {@code size}. */
  private void evictTo(int size) {
    while (tableSize > size && count > 0) {
      long insertion = inserted - count;
      int slot = (int) insertion & (names.length - 1);
      String name = names[slot];
      String value = values[slot];
      NameEntries entries = byName.get(name);
      Long newestOfValue = entries.byValue.get(value);
      if (newestOfValue != null && newestOfValue == insertion) {
        entries.byValue.remove(value);
      }
      if (entries.newest == insertion) {
        byName.remove(name);
      }
      tableSize -= sizes[slot];
      names[slot] = null;
      values[slot] = null;
      count--;
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
