package io.weft.client.internal;

import io.weft.api.ClientConfig;
import io.weft.api.Endpoint;
import io.weft.api.Invocation;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Transport;

/**
 * The innermost endpoint of the client's chain: sends one attempt of a {@link ClientCall} to the
 * instance the balancer picked, over the client's transport (gRPC for streaming methods whatever it
 * is; oneway calls always over the socket framing), on that instance's {@link AddressPool}.
 * Thread-safe.
 */
final class Transports implements Endpoint, AutoCloseable {
  private final boolean grpc;
  private final AddressPools pools;
  private final TTHeaderCalls sockets;
  private final GrpcCalls http2;
  private volatile boolean closed;

  Transports(ClientConfig config, AddressPools pools) {
    this.grpc = config.transport() == Transport.GRPC;
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
          http2.start(
              pool.http2(),
              target.toString(),
              call.method,
              call.options,
              call.request,
              call.hasFirst,
              call.traffic);
    };
  }

  /** Closes every connection; calls in flight fail with {@code UNAVAILABLE}, later calls too. */
  @Override
  public void close() {
    closed = true;
    pools.close();
  }
}
