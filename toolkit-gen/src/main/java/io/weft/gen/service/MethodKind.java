package io.weft.gen.service;

/**
 * How the messages of a method flow, whatever the IDL. The constants mirror {@code
 * io.weft.api.MethodKind} by name (generated code refers to that one); the generator keeps its own
 * copy so that it does not depend on the runtime it generates code for.
 */
public enum MethodKind {
  /** One request, one response. */
  UNARY,
  /** One request, no response (Thrift only). */
  ONEWAY,
  /** One request, then many responses. */
  SERVER_STREAMING,
  /** Many requests, then one response. */
  CLIENT_STREAMING,
  /** Requests and responses flow independently in both directions. */
  BIDI_STREAMING;

  /** Whether the method needs a streaming transport (gRPC). */
  public boolean streaming() {
    return this == SERVER_STREAMING || this == CLIENT_STREAMING || this == BIDI_STREAMING;
  }

  /** The name of the client method and of the server registration that carry this kind. */
  String call() {
    return switch (this) {
      case UNARY -> "unary";
      case ONEWAY -> "oneway";
      case SERVER_STREAMING -> "serverStreaming";
      case CLIENT_STREAMING -> "clientStreaming";
      case BIDI_STREAMING -> "bidiStreaming";
    };
  }
}
