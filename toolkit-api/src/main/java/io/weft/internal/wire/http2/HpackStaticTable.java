package io.weft.internal.wire.http2;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The 61 entries of the HPACK static table (RFC 7541 Appendix A), indexed from 1. Immutable after
 * its static initialiser, so any thread may read it; the decoder hands out these very String
 * instances, and the encoder looks fields up here before its dynamic table.
 */
final class HpackStaticTable {
  /** The number of entries; dynamic table indices start after it (RFC 7541 section 2.3.3). */
  static final int LENGTH = 61;

  private static final String[][] ENTRIES = {
    {":authority", ""},
    {":method", "GET"},
    {":method", "POST"},
    {":path", "/"},
    {":path", "/index.html"},
    {":scheme", "http"},
    {":scheme", "https"},
    {":status", "200"},
    {":status", "204"},
    {":status", "206"},
    {":status", "304"},
    {":status", "400"},
    {":status", "404"},
    {":status", "500"},
    {"accept-charset", ""},
    {"accept-encoding", "gzip, deflate"},
    {"accept-language", ""},
    {"accept-ranges", ""},
    {"accept", ""},
    {"access-control-allow-origin", ""},
    {"age", ""},
    {"allow", ""},
    {"authorization", ""},
    {"cache-control", ""},
    {"content-disposition", ""},
    {"content-encoding", ""},
    {"content-language", ""},
    {"content-length", ""},
    {"content-location", ""},
    {"content-range", ""},
    {"content-type", ""},
    {"cookie", ""},
    {"date", ""},
    {"etag", ""},
    {"expect", ""},
    {"expires", ""},
    {"from", ""},
    {"host", ""},
    {"if-match", ""},
    {"if-modified-since", ""},
    {"if-none-match", ""},
    {"if-range", ""},
    {"if-unmodified-since", ""},
    {"last-modified", ""},
    {"link", ""},
    {"location", ""},
    {"max-forwards", ""},
    {"proxy-authenticate", ""},
    {"proxy-authorization", ""},
    {"range", ""},
    {"referer", ""},
    {"refresh", ""},
    {"retry-after", ""},
    {"server", ""},
    {"set-cookie", ""},
    {"strict-transport-security", ""},
    {"transfer-encoding", ""},
    {"user-agent", ""},
    {"vary", ""},
    {"via", ""},
    {"www-authenticate", ""},
  };

  private static final String[] NAMES = new String[LENGTH + 1];
  private static final String[] VALUES = new String[LENGTH + 1];

  /** Entry sizes as RFC 7541 section 4.1 counts them: name octets + value octets + 32. */
  private static final int[] SIZES = new int[LENGTH + 1];

  /** The lowest index of each name; entries with one name are adjacent, so the rest follow it. */
  private static final Map<String, Integer> FIRST_INDEX = new HashMap<>();

  static {
    for (int i = 1; i <= LENGTH; i++) {
      NAMES[i] = ENTRIES[i - 1][0];
      VALUES[i] = ENTRIES[i - 1][1];
      SIZES[i] =
          NAMES[i].getBytes(StandardCharsets.ISO_8859_1).length
              + VALUES[i].getBytes(StandardCharsets.UTF_8).length
              + 32;
      FIRST_INDEX.putIfAbsent(NAMES[i], i);
    }
  }

  private HpackStaticTable() {}

  /** The name of entry {@code index} (1 to {@link #LENGTH}). */
  static String name(int index) {
    return NAMES[index];
  }

  /** The value of entry {@code index} (1 to {@link #LENGTH}). */
  static String value(int index) {
    return VALUES[index];
  }

  /** The size of entry {@code index} (1 to {@link #LENGTH}), as header list sizes count it. */
  static int size(int index) {
    return SIZES[index];
  }

  /** The lowest index whose name is {@code name}, or 0 if there is none. */
  static int nameIndex(String name) {
    Integer i = FIRST_INDEX.get(name);
    return i == null ? 0 : i;
  }

  /** The index whose name and value are {@code name} and {@code value}, or 0 if there is none. */
  static int fieldIndex(String name, String value) {
    return fieldIndex(nameIndex(name), name, value);
  }

  /** As {@link #fieldIndex(String, String)}, given {@code first = nameIndex(name)}. */
  static int fieldIndex(int first, String name, String value) {
    if (first == 0) {
      return 0;
    }
    for (int i = first; i <= LENGTH && NAMES[i].equals(name); i++) {
      if (VALUES[i].equals(value)) {
        return i;
      }
    }
    return 0;
  }
}
