package io.weft.api;

/** How a client frames its calls on the wire. A server detects each connection's transport itself. */
public enum Transport {
  /** Kitex's TTHeader: a header with metadata (method, timeout, caller, string keys), then the payload. The default. */
  TTHEADER,
  /** TTHeader whose Thrift payload is itself length-prefixed (Kitex {@code TTHeaderFramed}). */
  TTHEADER_FRAMED,
  /** Thrift's framed transport: a 4-byte length, then the message. No metadata. */
  FRAMED,
  /** Thrift's unframed (buffered) transport: the message alone. No metadata. */
  BUFFERED,
  /** gRPC over HTTP/2. Streaming methods always use it. */
  GRPC
}
