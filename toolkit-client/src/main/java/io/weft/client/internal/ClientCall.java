package io.weft.client.internal;

import io.weft.api.CallOptions;
import io.weft.api.Endpoint;
import io.weft.api.Invocation;
import io.weft.api.MethodDescriptor;
import io.weft.api.Traffic;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;

/**
 * One call on its way through the client's built-in middleware (retry and backup requests,
 * balancing, the transport): the request those stages pass on, carrying all they need, so that the
 * chain is built once per client and a call allocates no stage of its own.
 *
 * <p>It is also the endpoint at the end of the user's middleware: there it takes the request and
 * metadata as the middleware left them and enters the built-in stages.
 *
 * <p>An attempt's {@link #target} is written by the balancing stage and read by the transport on
 * the same thread; concurrent attempts (backup requests) each get their own {@link #copy}.
 */
final class ClientCall implements Endpoint {
  private static final VarHandle ENTERED;

  static {
    try {
      ENTERED = MethodHandles.lookup().findVarHandle(ClientCall.class, "entered", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

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

  /**
   * For a stream: whether {@link #request} is its first (and only) message, sent with the headers.
   */
  final boolean hasFirst;

  private final Endpoint builtIn;
  Object request;
  CallOptions options;

  /** The bytes the call moves, for the user's middleware; null when there is none. */
  Traffic traffic;

  /**
   * Instances this call already failed on, avoided by the next attempt; null when the call is not
   * retried.
   */
  Set<HostPort> tried;

  /** The instance of the current attempt, as the balancer picked it. */
  HostPort target;

  /** Whether the user's middleware has called on with this call (through {@link #ENTERED}). */
  @SuppressWarnings("unused")
  private volatile boolean entered;

  @SuppressWarnings({"unchecked", "rawtypes"})
  ClientCall(
      MethodDescriptor<?, ?> method,
      Shape shape,
      boolean hasFirst,
      Object request,
      CallOptions options,
      Endpoint builtIn) {
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

  /**
   * The end of the user's middleware: the request and metadata as it left them go on into the
   * built-in stages. A middleware that calls on more than once (its own retries, or hedging on
   * other threads) gets a fresh copy for each further call, so that no two attempts share state.
   */
  @Override
  public Object call(Invocation invocation, Object request) throws Exception {
    ClientCall attempt = ENTERED.compareAndSet(this, false, true) ? this : copy();
    attempt.request = request;
    if (!invocation.metadata().equals(attempt.options.metadata())) {
      attempt.options = attempt.options.withMetadata(invocation.metadata());
    }
    attempt.traffic = invocation.traffic();
    try {
      return builtIn.call(invocation, attempt);
    } catch (UnsentException e) {
      throw e.plain(); // the user's middleware sees what the caller would
    }
  }
}
