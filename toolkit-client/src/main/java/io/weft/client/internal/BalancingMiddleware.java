package io.weft.client.internal;

import io.weft.api.Endpoint;
import io.weft.api.Middleware;
import java.net.InetSocketAddress;
import java.util.Set;

/**
 * Balancing as built-in middleware: picks the instance of each attempt ({@link Balancer}: the
 * resolver's list, the policy, ejection), avoiding those the call already failed on, and tells the
 * balancer how a unary or oneway attempt went (a failure before the call got out ejects the
 * instance for a while). Streams are only routed. Its stage reads the call from the {@link
 * ClientCall} it is handed and leaves the instance in it for the transport, and in the call's
 * {@link io.weft.api.Traffic} for the user's middleware.
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
      if (call.traffic != null) { // the user's middleware reads it after the call
        call.traffic.setRemoteAddress(
            InetSocketAddress.createUnresolved(target.host(), target.port()));
      }
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
