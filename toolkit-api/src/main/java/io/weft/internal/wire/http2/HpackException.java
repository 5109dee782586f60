package io.weft.internal.wire.http2;

/**
 * A coding error in an HPACK header block (RFC 7541): a bad index, integer, string length, Huffman
 * string or table size update. The decoder's dynamic table can no longer be trusted to match the
 * peer's encoder, so the engine turns this into a connection error of type COMPRESSION_ERROR (RFC
 * 9113 section 4.3); the message says what was wrong and at which byte of the block.
 */
public final class HpackException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int offset;

  /**
   * @param reason what was wrong, e.g. {@code "index 70 past the end of the dynamic table"}
   * @param offset where, in bytes from the start of the header block (for a standalone Huffman
   *     string: from the start of that string)
   */
  public HpackException(String reason, int offset) {
    super(reason + " at byte " + offset + " of the header block");
    this.offset = offset;
  }

  /** The byte offset in the header block of the representation (or string) that was wrong. */
  public int offset() {
    return offset;
  }
}
