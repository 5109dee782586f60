package io.weft.client.internal;

import io.weft.api.Endpoint;
import io.weft.api.Middleware;
import java.util.Set;

/**
 * Balancing as built-in middleware: picks the instance of each attempt ({@link Balancer}: the
 * resolver's list, the policy, ejection), avoiding those the call already failed on, and tells the
 * balancer how a unary or oneway attempt went (a failure before the call got out ejects the
 * instance for a while). Streams are only routed. Its stage reads the call from the {@link
 * ClientCall} it is handed and leaves the instance in it for the transport.
 */
final class BalancingMiddleware implements Middleware {
  private final Balancer balancer;

  BalancingMiddleware(Balancer balancer) {
    this.balancer = balancer;
  }

  @Override
  public Endpoint wrap(Endpoint next) {
    return (inv, req) -> {
      ClientCall call = (ClientCall) req;
      HostPort target =
          balancer.pick(
              call.options.hashKey().orElse(null), call.tried == null ? Set.of() : call.tried);
      call.target = target;
      if (call.shape == ClientCall.Shape.STREAM) {
        return next.call(inv, call);
      }
      try {
        Object response = next.call(inv, call);
        balancer.succeeded(target);
        return response;
      } catch (UnsentException e) {
        balancer.failed(target);
        if (call.tried != null) {
          call.tried.add(target);
        }
        throw e;
      }
    };
  }
}
