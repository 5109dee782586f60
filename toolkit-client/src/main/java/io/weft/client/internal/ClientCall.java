package io.weft.client.internal;

import io.weft.api.CallOptions;
import io.weft.api.Endpoint;
import io.weft.api.Invocation;
import io.weft.api.MethodDescriptor;
import io.weft.api.Traffic;
import java.util.Set;

/**
 * One call on its way through the client's built-in middleware (retry and backup requests,
 * balancing, the transport): the request those stages pass on, carrying all they need, so that
 * the chain is built once per client and a call allocates no stage of its own.
 *
 * <p>It is also the endpoint at the end of the user's middleware: there it takes the request and
 * metadata as the middleware left them and enters the built-in stages.
 *
 * <p>An attempt's {@link #target} is written by the balancing stage and read by the transport on
 * the same thread; concurrent attempts (backup requests) each get their own {@link #copy}.
 */
final class ClientCall implements Endpoint {
  /** What the transport does with a call. */
  enum Shape {
    /** A request and its response. */
    UNARY,
    /** A request, no response. */
    ONEWAY,
    /** A gRPC stream: the response is the stream object. */
    STREAM
  }

  final MethodDescriptor<Object, Object> method;
  final Shape shape;
  /** For a stream: whether {@link #request} is its first (and only) message, sent with the headers. */
  final boolean hasFirst;
  private final Endpoint builtIn;
  Object request;
  CallOptions options;
  /** The bytes the call moves, for the user's middleware; null when there is none. */
  Traffic traffic;
  /** Instances this call already failed on, avoided by the next attempt; null when the call is not retried. */
  Set<HostPort> tried;
  /** The instance of the current attempt, as the balancer picked it. */
  HostPort target;

  @SuppressWarnings({"unchecked", "rawtypes"})
  ClientCall(MethodDescriptor<?, ?> method, Shape shape, boolean hasFirst, Object request, CallOptions options, Endpoint builtIn) {
    this.method = (MethodDescriptor) method;
    this.shape = shape;
    this.hasFirst = hasFirst;
    this.request = request;
    this.options = options;
    this.builtIn = builtIn;
  }

  /** A copy for a concurrent attempt, sharing {@link #tried}. */
  ClientCall copy() {
    ClientCall c = new ClientCall(method, shape, hasFirst, request, options, builtIn);
    c.traffic = traffic;
    c.tried = tried;
    return c;
  }

  /** The end of the user's middleware: the request and metadata as it left them go on into the built-in stages. */
  @Override
  public Object call(Invocation invocation, Object request) throws Exception {
    this.request = request;
    if (!invocation.metadata().equals(options.metadata())) {
      options = options.withMetadata(invocation.metadata());
    }
    traffic = invocation.traffic();
    try {
      return builtIn.call(invocation, this);
    } catch (UnsentException e) {
      throw e.plain(); // the user's middleware sees what the caller would
    }
  }
}
