package io.weft.api;

/** How the messages of a method flow; fixed by the IDL. */
public enum MethodKind {
  /** One request, one response (Kitex "PingPong"). */
  UNARY,
  /** One request, no response: the call returns once the request is written (Thrift only). */
  ONEWAY,
  /** Many requests, then one response. */
  CLIENT_STREAMING,
  /** One request, then many responses. */
  SERVER_STREAMING,
  /** Requests and responses flow independently in both directions. */
  BIDI_STREAMING;

  /** Whether the method needs a streaming transport (gRPC over HTTP/2). */
  public boolean isStreaming() {
    return this == CLIENT_STREAMING || this == SERVER_STREAMING || this == BIDI_STREAMING;
  }
}
