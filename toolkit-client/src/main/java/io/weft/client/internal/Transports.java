package io.weft.client.internal;

import io.weft.api.CallContext;
import io.weft.api.ClientConfig;
import io.weft.api.Deadline;
import io.weft.api.Endpoint;
import io.weft.api.Invocation;
import io.weft.api.MethodDescriptor;
import io.weft.api.Serialization;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Transport;

/**
 * The innermost endpoint of the client's chain: sends one attempt of a {@link ClientCall} to the
 * instance the balancer picked, over the client's transport (streaming methods over gRPC, or over
 * TTHeader Streaming for Thrift methods when configured; oneway calls always over the socket
 * framing), on that instance's {@link AddressPool}. Thread-safe.
 */
final class Transports implements Endpoint, AutoCloseable {
  private final boolean grpc;
  private final boolean ttstream;
  private final ClientConfig config;
  private final AddressPools pools;
  private final TTHeaderCalls sockets;
  private final GrpcCalls http2;
  private volatile boolean closed;

  Transports(ClientConfig config, AddressPools pools) {
    this.grpc = config.transport() == Transport.GRPC;
    this.ttstream = config.transport() == Transport.TTHEADER_STREAMING;
    this.config = config;
    this.pools = pools;
    this.sockets = new TTHeaderCalls(config, pools.framing());
    this.http2 = new GrpcCalls(config);
  }

  @Override
  public Object call(Invocation invocation, Object request) {
    ClientCall call = (ClientCall) request;
    if (closed) {
      throw Status.of(StatusCode.UNAVAILABLE, "client is closed").asException();
    }
    HostPort target = call.target;
    AddressPool pool = pools.of(target);
    return switch (call.shape) {
      case UNARY ->
          grpc || call.method.grpcOnly()
              ? http2.unary(
                  pool.http2(),
                  target.toString(),
                  call.method,
                  call.request,
                  call.options,
                  call.traffic)
              : sockets.unary(
                  pool.sockets(), call.method, call.request, call.options, call.traffic);
      case ONEWAY -> {
        sockets.oneway(pool.sockets(), call.method, call.request, call.options, call.traffic);
        yield null;
      }
      case STREAM ->
          usesTTStream(call.method)
              ? startTTStream(pool.ttstream(), call)
              : http2.start(
                  pool.http2(),
                  target.toString(),
                  call.method,
                  call.options,
                  call.request,
                  call.hasFirst,
                  call.traffic);
    };
  }

  /** Whether streams of {@code method} go over TTHeader Streaming (Thrift, when configured). */
  boolean usesTTStream(MethodDescriptor<?, ?> method) {
    return ttstream && method.serialization() == Serialization.THRIFT;
  }

  private Object startTTStream(TTStreamPool pool, ClientCall call) {
    CallContext caller = CallContext.current();
    Deadline deadline =
        call.options.effectiveDeadline(config.rpcTimeout(), caller.deadline().orElse(null));
    return TTStreamClientCall.start(
        pool,
        call.method,
        call.options,
        deadline,
        caller.metaInfo().forwardedWith(call.options.metaInfo()),
        config.callerService(),
        caller.method(),
        config.destService(),
        call.request,
        call.hasFirst,
        call.traffic);
  }

  /** Closes every connection; calls in flight fail with {@code UNAVAILABLE}, later calls too. */
  @Override
  public void close() {
    closed = true;
    pools.close();
  }
}
