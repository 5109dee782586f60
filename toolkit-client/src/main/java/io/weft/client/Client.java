package io.weft.client;

import io.weft.api.BidiStreamingClient;
import io.weft.api.CallOptions;
import io.weft.api.ClientStreamingClient;
import io.weft.api.ServerStreamingClient;
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
 *
 * <p>There is no default deadline, as in Kitex and grpc-java: a call to a server that never
 * answers waits as long as the connection lives. Give the client one with
 * {@link io.weft.api.ClientOptions#withRPCTimeout}, or each call with
 * {@link io.weft.api.CallOptions#timeout}.
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

  /**
   * Calls a unary method and blocks for its response: over the configured socket transport
   * (TTHeader by default, Kitex Protobuf for .proto methods), or over gRPC when the client was
   * built with {@code withTransport(Transport.GRPC)}.
   */
  public <Req, Resp> Resp unary(MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    return delegate.unary(method, request, options);
  }

  /** Starts a server-streaming call (always gRPC); the request goes out at once. */
  public <Req, Resp> ServerStreamingClient<Resp> serverStreaming(MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    return delegate.serverStreaming(method, request, options);
  }

  /** Starts a client-streaming call (always gRPC). */
  public <Req, Resp> ClientStreamingClient<Req, Resp> clientStreaming(MethodDescriptor<Req, Resp> method, CallOptions options) {
    return delegate.clientStreaming(method, options);
  }

  /** Starts a bidirectional call (always gRPC). */
  public <Req, Resp> BidiStreamingClient<Req, Resp> bidiStreaming(MethodDescriptor<Req, Resp> method, CallOptions options) {
    return delegate.bidiStreaming(method, options);
  }

  /** Sends a oneway request; returns once it is written to the connection. */
  public <Req> void oneway(MethodDescriptor<Req, ?> method, Req request, CallOptions options) {
    delegate.oneway(method, request, options);
  }

  /** Calls, retries and backup requests so far. */
  public io.weft.api.ClientStats stats() {
    long[] s = delegate.stats();
    return new io.weft.api.ClientStats(s[0], s[1], s[2]);
  }

  /** The configuration in force. */
  public ClientConfig config() {
    return delegate.config();
  }

  /** Closes every connection; calls in flight fail with {@code UNAVAILABLE}, later calls too. */
  @Override
  public void close() {
    delegate.close();
  }
}
