package io.weft.api;

/**
 * What a {@link Middleware} knows about the call it wraps.
 *
 * @param service the service's name as the IDL writes it
 * @param method the method's name as the IDL writes it
 * @param kind the method's kind
 * @param transport the transport the call travels on
 * @param metadata the request metadata: a client middleware may add to it before calling on; a
 *     server middleware reads what the caller sent
 * @param traffic the message bytes the call moved, filled in by the transport as it goes
 */
public record Invocation(
    String service,
    String method,
    MethodKind kind,
    Transport transport,
    Metadata metadata,
    Traffic traffic) {
  /** An invocation whose traffic starts at zero. */
  public Invocation(
      String service, String method, MethodKind kind, Transport transport, Metadata metadata) {
    this(service, method, kind, transport, metadata, new Traffic());
  }
}
