package io.weft.api;

import io.weft.internal.api.Contexts;
import java.util.Optional;

/**
 * What a handler knows about the call it is serving: the method, the deadline, the caller's
 * metadata and address, and whether the call has been cancelled. Read it with {@link #current()}
 * from the handler's thread, or from a thread the handler started (the context is inherited).
 *
 * <p>Outside a call, {@code current()} returns a root context: no deadline, no metadata, never
 * cancelled.
 */
public interface CallContext {
  /** The context of the call this thread serves, or the root context. Never null. */
  static CallContext current() {
    return Contexts.current();
  }

  /** The service's name as the IDL writes it; empty for the root context. */
  String service();

  /** The method's name as the IDL writes it; empty for the root context. */
  String method();

  /**
   * When the caller stops waiting, if it said (TTHeader {@code RPCTimeout}, gRPC {@code
   * grpc-timeout}).
   */
  Optional<Deadline> deadline();

  /** The metadata the caller sent. Treat as read-only. */
  Metadata requestMetadata();

  /**
   * The metainfo values the caller sent (Kitex {@code metainfo}); a client called from this thread
   * forwards the persistent ones.
   */
  default MetaInfo metaInfo() {
    return MetaInfo.EMPTY;
  }

  /**
   * The caller's service name, if it sent one (TTHeader {@code FromService}, over gRPC Kitex's
   * {@code source-service} header); else empty, whatever the transport. A gRPC {@code user-agent}
   * names a library, not a service: read it from {@link #requestMetadata()}.
   */
  String callerService();

  /** The caller's address as {@code host:port}, or empty if unknown. */
  String peer();

  /** The transport the call arrived on. */
  Transport transport();

  /**
   * Metadata to send back before the response (gRPC response headers; TTHeader string headers).
   * Changes after the first response message is sent are not seen.
   */
  Metadata responseMetadata();

  /**
   * Metadata to send back after the response (gRPC trailers; merged into TTHeader string headers).
   */
  Metadata responseTrailers();

  /**
   * Compresses the response messages sent from now on with {@code encoding} ({@code "gzip"}, or
   * {@code "identity"} for none), if the caller accepts it; otherwise they go uncompressed. Only
   * gRPC compresses; other transports ignore this.
   */
  void setResponseCompression(String encoding);

  /** Whether the caller cancelled the call or its deadline passed. */
  boolean isCancelled();
}
