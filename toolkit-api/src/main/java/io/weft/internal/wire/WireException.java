package io.weft.internal.wire;

/**
 * Bytes from a peer that break the wire format: a truncated or oversized frame, a bad magic number,
 * an inconsistent length. The connection (or stream) they arrived on cannot be trusted any further;
 * the message says what was wrong, in terms a log reader can act on.
 */
public class WireException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WireException(String message) {
    super(message);
  }

  public WireException(String message, Throwable cause) {
    super(message, cause);
  }
}
