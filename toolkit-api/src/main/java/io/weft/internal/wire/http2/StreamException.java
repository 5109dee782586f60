package io.weft.internal.wire.http2;

import java.io.IOException;

/**
 * Why a stream can no longer carry what its user asked of it: reset by the peer or by this side,
 * its connection lost, refused before the peer processed it, or a wait that ran out. The layer
 * above maps it to its own status (a gRPC call's, say).
 */
public final class StreamException extends IOException {
  /** What ended the stream. */
  public enum Kind {
    /** The peer sent RST_STREAM with {@link #code()}. */
    RESET_BY_PEER,
    /** This side reset it (cancel, deadline, a stream error in the peer's frames). */
    RESET_LOCALLY,
    /** The connection failed or closed. */
    CONNECTION_LOST,
    /**
     * The peer never processed it: RST_STREAM(REFUSED_STREAM), or past a GOAWAY's last stream id.
     * Safe to retry.
     */
    REFUSED,
    /** The caller's deadline passed while it waited. */
    DEADLINE,
    /**
     * The sender would have held more bytes for a peer that does not read than the limits allow.
     */
    OVER_LIMIT,
    /** The waiting thread was interrupted. */
    INTERRUPTED,
    /** This side already ended its half of the stream. */
    ENDED
  }

  private final Kind kind;
  private final ErrorCode code;

  public StreamException(Kind kind, ErrorCode code, String message) {
    super(message);
    this.kind = kind;
    this.code = code;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP/2 error code involved, if any ({@link ErrorCode#NO_ERROR} otherwise). */
  public ErrorCode code() {
    return code;
  }
}
