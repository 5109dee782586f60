package io.weft.api;

/**
 * What a {@link Middleware} knows about the call it wraps.
 *
 * <p>Where the call went is in its {@link Traffic}: a client sets {@link Traffic#remoteAddress()}
 * once balancing picked the instance, which is below the user's middleware (retries and balancing
 * run inside it), so a client middleware reads it after {@code next} returned or threw; a server
 * middleware finds the caller in {@link CallContext#peer()}.
 *
 * @param service the service's name as the IDL writes it
 * @param fullService the service's package-qualified name, as gRPC paths carry it and as Kitex
 *     names it (the Thrift file's Go package, a dot, the service), e.g. {@code
 *     grpc.testing.TestService}; the same as {@code service} when the IDL has no package
 * @param method the method's name as the IDL writes it
 * @param kind the method's kind
 * @param transport the transport the call travels on
 * @param metadata the request metadata: a client middleware may add to it before calling on; a
 *     server middleware reads what the caller sent
 * @param traffic the message bytes the call moved, filled in by the transport as it goes
 */
public record Invocation(
    String service,
    String fullService,
    String method,
    MethodKind kind,
    Transport transport,
    Metadata metadata,
    Traffic traffic) {
  /** An invocation whose traffic starts at zero and whose service has no package. */
  public Invocation(
      String service, String method, MethodKind kind, Transport transport, Metadata metadata) {
    this(service, service, method, kind, transport, metadata, new Traffic());
  }

  /** An invocation whose service has no package. */
  public Invocation(
      String service,
      String method,
      MethodKind kind,
      Transport transport,
      Metadata metadata,
      Traffic traffic) {
    this(service, service, method, kind, transport, metadata, traffic);
  }
}
