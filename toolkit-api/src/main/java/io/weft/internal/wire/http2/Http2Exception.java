package io.weft.internal.wire.http2;

/**
 * A violation of HTTP/2 found while reading: a connection error (stream 0: the connection ends with
 * GOAWAY carrying {@link #code()}) or a stream error (the stream is reset with RST_STREAM carrying
 * {@link #code()}, and the connection goes on), as RFC 9113 section 5.4 defines them.
 */
public final class Http2Exception extends Exception {
  private final ErrorCode code;
  private final int streamId;

  private Http2Exception(ErrorCode code, int streamId, String message) {
    super(message, null, false, false); // thrown at peers' mistakes: no stack trace to fill
    this.code = code;
    this.streamId = streamId;
  }

  /** An error that ends the whole connection. */
  public static Http2Exception connection(ErrorCode code, String message) {
    return new Http2Exception(code, 0, message);
  }

  /** An error that resets one stream. */
  public static Http2Exception stream(int streamId, ErrorCode code, String message) {
    return new Http2Exception(code, streamId, message);
  }

  public ErrorCode code() {
    return code;
  }

  /** The stream to reset, or 0 for a connection error. */
  public int streamId() {
    return streamId;
  }

  public boolean isConnectionError() {
    return streamId == 0;
  }
}
