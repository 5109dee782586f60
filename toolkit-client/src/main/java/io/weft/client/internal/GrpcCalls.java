package io.weft.client.internal;

import io.weft.api.CallContext;
import io.weft.api.CallOptions;
import io.weft.api.ClientConfig;
import io.weft.api.Deadline;
import io.weft.api.MethodDescriptor;
import io.weft.api.Traffic;

/**
 * Calls over gRPC: starts each on the instance's {@link Http2Pool}, with the deadline, the
 * forwarded Kitex metainfo and the caller and callee names that {@link GrpcCall} maps to headers.
 * Thread-safe.
 */
final class GrpcCalls {
  private final ClientConfig config;

  GrpcCalls(ClientConfig config) {
    this.config = config;
  }

  /**
   * One unary attempt: the single response. A stream the server refused unprocessed (GOAWAY past
   * it, REFUSED_STREAM) is sent once more, as grpc-java's transparent retry, whatever the retry
   * policy: a server closing an idle connection races new calls this way.
   */
  <Req, Resp> Resp unary(
      Http2Pool pool,
      String authority,
      MethodDescriptor<Req, Resp> method,
      Req request,
      CallOptions options,
      Traffic traffic) {
    for (int attempt = 0; ; attempt++) {
      GrpcCall<Req, Resp> call = start(pool, authority, method, options, request, true, traffic);
      try {
        return call.single();
      } catch (UnsentException e) {
        if (attempt > 0 || !call.wasRefused()) {
          throw e;
        }
      } finally {
        options
            .responseCapture()
            .ifPresent(c -> {
              c.headers().merge(call.headers());
              c.trailers().merge(call.trailers());
            });
      }
    }
  }

  /**
   * Starts a call; with {@code hasFirst}, {@code first} goes out with the headers and the request
   * side closes.
   */
  <Req, Resp> GrpcCall<Req, Resp> start(
      Http2Pool pool,
      String authority,
      MethodDescriptor<Req, Resp> method,
      CallOptions options,
      Req first,
      boolean hasFirst,
      Traffic traffic) {
    CallContext caller = CallContext.current();
    Deadline deadline =
        options.effectiveDeadline(config.rpcTimeout(), caller.deadline().orElse(null));
    return GrpcCall.start(
        pool,
        authority,
        method,
        options,
        deadline,
        caller.metaInfo().forwardedWith(options.metaInfo()),
        config.callerService(),
        caller.method(),
        config.destService(),
        config.maxMessageSize(),
        first,
        hasFirst,
        traffic);
  }
}
