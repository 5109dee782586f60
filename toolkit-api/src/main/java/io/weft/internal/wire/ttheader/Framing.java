package io.weft.internal.wire.ttheader;

/**
 * How the messages of one socket connection are delimited. A server detects it from a connection's
 * first bytes.
 */
public enum Framing {
  /** A TTHeader frame around an unframed payload (Kitex's default). */
  TTHEADER,
  /**
   * A TTHeader frame around a payload that carries its own 4-byte length (Kitex {@code
   * TTHeaderFramed}).
   */
  TTHEADER_FRAMED,
  /** Thrift's framed transport: a 4-byte length, then the message. */
  FRAMED,
  /** Thrift's unframed transport: the message alone, delimited only by its own structure. */
  BUFFERED;

  public boolean hasHeader() {
    return this == TTHEADER || this == TTHEADER_FRAMED;
  }

  /**
   * The framing a connection uses, from its first bytes ({@code n} of them, at least 2), or null if
   * they fit none. Needs 8 bytes to tell TTHeader and Framed apart; returns null when fewer are
   * available and the answer still depends on them (ask again with more).
   */
  public static Framing detect(byte[] b, int n) {
    if (n >= 2 && (b[0] & 0xFF) == 0x80 && (b[1] & 0xFF) == 0x01) {
      return BUFFERED;
    }
    if (n < 6) {
      return null;
    }
    int at4 = (b[4] & 0xFF) << 8 | (b[5] & 0xFF);
    if (at4 == TTHeader.MAGIC) {
      return TTHEADER;
    }
    if (at4 == 0x8001 || at4 == 0x9001) {
      return FRAMED;
    }
    return null;
  }

  /**
   * Whether a connection's first byte can still begin a Weft socket protocol: the top byte of a
   * non-negative 4-byte length (TTHeader, Framed) or of Thrift's strict-binary version {@code 0x80
   * 0x01} (unframed). Any length a configured frame limit allows passes, 16 MiB and beyond; the
   * limit itself is the reader's to enforce, with a message that names it.
   */
  public static boolean plausible(byte first) {
    return first >= 0 || (first & 0xFF) == 0x80;
  }
}
