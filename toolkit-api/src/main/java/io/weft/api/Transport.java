package io.weft.api;

/**
 * How a client frames its calls on the wire. A server detects each connection's transport itself.
 */
public enum Transport {
  /**
   * Kitex's TTHeader: a header with metadata (method, timeout, caller, string keys), then the
   * payload. The default.
   */
  TTHEADER,
  /** TTHeader whose Thrift payload is itself length-prefixed (Kitex {@code TTHeaderFramed}). */
  TTHEADER_FRAMED,
  /**
   * Thrift's framed transport: a 4-byte length, then the message. It has no headers (nor has
   * Kitex's): a call's metadata, metainfo, caller name and deadline are not sent, and the server
   * sees none of them. The call itself goes through.
   */
  FRAMED,
  /**
   * Thrift's unframed (buffered) transport: the message alone. No headers, as {@link #FRAMED};
   * Thrift only, a Protobuf method over it fails with {@link StatusCode#UNIMPLEMENTED}.
   */
  BUFFERED,
  /**
   * gRPC over HTTP/2. Streaming methods use it unless the client asks for {@link
   * #TTHEADER_STREAMING}.
   */
  GRPC,
  /**
   * Kitex's TTHeader Streaming (StreamX): Thrift streaming methods over multiplexed TTHeader
   * connections, without HTTP/2; unary methods use {@link #TTHEADER}. Thrift only: a Protobuf
   * streaming method still uses gRPC.
   */
  TTHEADER_STREAMING
}
