package io.weft.api;

/**
 * Where a client call leaves the metadata the server sent back: response headers and trailers (for
 * gRPC), or the reply's string headers (for TTHeader, as headers). Pass one in {@link
 * CallOptions#captureResponse}; read it once the call has returned or failed. Not thread-safe: one
 * call writes it, then the caller reads it.
 */
public final class ResponseMetadata {
  private final Metadata headers = new Metadata();
  private final Metadata trailers = new Metadata();

  /** Empty, for one call to fill. */
  public ResponseMetadata() {}

  /** The response headers. */
  public Metadata headers() {
    return headers;
  }

  /** The trailers. */
  public Metadata trailers() {
    return trailers;
  }
}
