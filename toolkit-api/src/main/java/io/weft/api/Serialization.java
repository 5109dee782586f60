package io.weft.api;

/**
 * The encoding of a method's messages, which an IDL fixes: Thrift IDLs give Thrift, .proto files
 * Protobuf.
 */
public enum Serialization {
  /** Thrift Binary ({@code TBinaryProtocol}, strict). */
  THRIFT("thrift"),
  /** Protocol Buffers. */
  PROTOBUF("proto");

  private final String contentSubtype;

  Serialization(String contentSubtype) {
    this.contentSubtype = contentSubtype;
  }

  /** The gRPC content-type suffix: {@code application/grpc+<this>}. */
  public String contentSubtype() {
    return contentSubtype;
  }
}
