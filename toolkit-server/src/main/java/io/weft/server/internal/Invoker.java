package io.weft.server.internal;

import io.weft.api.CallContext;
import io.weft.api.Invocation;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.Middleware;
import io.weft.api.Traffic;
import io.weft.api.UnaryHandler;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs handlers inside the server's middleware chain; with no middleware, directly. Thread-safe.
 */
final class Invoker {
  private static final System.Logger LOG = System.getLogger(Invoker.class.getName());

  private final List<Middleware> middlewares;

  Invoker(List<Middleware> middlewares) {
    this.middlewares = List.copyOf(middlewares);
  }

  /** Whether any middleware wraps the handlers (then calls count their {@link Traffic}). */
  boolean hasMiddleware() {
    return !middlewares.isEmpty();
  }

  /**
   * Runs a unary or oneway handler and hands its response to {@code reply}, inside the middleware
   * chain when there is one; a middleware that answers without calling the handler has its answer
   * sent. {@code reply} sends at most once, so nothing else answers after it did.
   *
   * @throws NullResultException if a unary (not oneway) handler returned null; logged here, once
   */
  @SuppressWarnings("unchecked")
  <Req, Resp> void invokeUnary(
      MethodDescriptor<Req, Resp> d,
      UnaryHandler<Req, Resp> h,
      Req request,
      CallContext ctx,
      Traffic traffic,
      long requestBytes,
      UnaryReply<Resp> reply)
      throws Exception {
    if (middlewares.isEmpty()) {
      reply.send(requireResult(d, h.handle(request)));
      return;
    }
    Invocation inv = invocation(d, ctx, traffic != null ? traffic : new Traffic());
    inv.traffic().addReceived(requestBytes);
    Object answer =
        Middleware.chain(
                middlewares,
                (i, req) -> {
                  Resp r = requireResult(d, h.handle((Req) req));
                  i.traffic().addSent(reply.send(r));
                  return r;
                })
            .call(inv, request);
    if (!reply.claimed()) { // a middleware answered instead of the handler: its answer is the reply
      inv.traffic().addSent(reply.send(requireResult(d, (Resp) answer)));
    }
  }

  /** What the middleware sees of a call to {@code d}. */
  private static Invocation invocation(MethodDescriptor<?, ?> d, CallContext ctx, Traffic traffic) {
    return new Invocation(
        d.serviceName(),
        d.fullServiceName(),
        d.methodName(),
        d.kind(),
        ctx.transport(),
        ctx.requestMetadata(),
        traffic);
  }

  /**
   * {@code r}, unless a unary method's handler returned null: there is nothing to encode (a
   * generated Thrift handler returns null when the user's method did).
   */
  private static <Resp> Resp requireResult(MethodDescriptor<?, Resp> d, Resp r) {
    if (r == null && d.kind() == MethodKind.UNARY) {
      NullResultException e = new NullResultException(d.methodName());
      LOG.log(
          System.Logger.Level.WARNING,
          d.serviceName() + "." + d.methodName() + ": " + e.status().description().orElse(""));
      throw e;
    }
    return r;
  }

  /**
   * Runs a streaming handler inside the middleware chain (request and response null); {@code
   * traffic} is the call's.
   */
  void invokeStream(
      MethodDescriptor<?, ?> d, CallContext ctx, Traffic traffic, Callable<Void> handler)
      throws Exception {
    if (middlewares.isEmpty()) {
      handler.call();
      return;
    }
    Invocation inv = invocation(d, ctx, traffic);
    Middleware.chain(middlewares, (i, req) -> handler.call()).call(inv, null);
  }
}
