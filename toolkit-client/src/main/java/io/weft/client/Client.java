package io.weft.client;

import io.weft.api.CallOptions;
import io.weft.api.ClientConfig;
import io.weft.api.ClientOption;
import io.weft.api.MethodDescriptor;
import io.weft.client.internal.RealClient;

/**
 * A client of one destination service: configuration, connections and sequence ids, shared by
 * every call. Generated stubs ({@code EchoServiceClient.newClient(...)}) wrap one; use it directly
 * only for hand-written descriptors. Thread-safe: create one per destination and share it.
 *
 * <p>Calls block the calling thread (best a virtual thread) until the reply arrives, the deadline
 * passes ({@link io.weft.api.StatusCode#DEADLINE_EXCEEDED}) or the call fails; every failure is an
 * {@link io.weft.api.RpcException}.
 */
public final class Client implements AutoCloseable {
  private final RealClient delegate;

  private Client(RealClient delegate) {
    this.delegate = delegate;
  }

  /** A client of {@code destService} (Kitex's {@code client.NewClient}); at least {@code withHostPorts} is needed. */
  public static Client newClient(String destService, ClientOption... options) {
    return new Client(new RealClient(ClientConfig.of(destService, options)));
  }

  /** A client with an already-built configuration. */
  public static Client newClient(ClientConfig config) {
    return new Client(new RealClient(config));
  }

  /** Calls a unary method and blocks for its response. */
  public <Req, Resp> Resp unary(MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    return delegate.unary(method, request, options);
  }

  /** Sends a oneway request; returns once it is written to the connection. */
  public <Req> void oneway(MethodDescriptor<Req, ?> method, Req request, CallOptions options) {
    delegate.oneway(method, request, options);
  }

  public ClientConfig config() {
    return delegate.config();
  }

  /** Closes every connection; calls in flight fail with {@code UNAVAILABLE}, later calls too. */
  @Override
  public void close() {
    delegate.close();
  }
}
