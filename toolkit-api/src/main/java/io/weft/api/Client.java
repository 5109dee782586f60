package io.weft.api;

import io.weft.api.spi.ClientProvider;

/**
 * A client of one destination service: configuration, connections and sequence ids, shared by every
 * call. Generated stubs ({@code EchoServiceClient.newClient(...)}) wrap one; use it directly only
 * for hand-written descriptors. Thread-safe: create one per destination and share it.
 *
 * <p>Calls block the calling thread (best a virtual thread) until the reply arrives, the deadline
 * passes ({@link StatusCode#DEADLINE_EXCEEDED}) or the call fails; every failure is an {@link
 * RpcException}.
 *
 * <p>There is no default deadline, as in Kitex and grpc-java: a call to a server that never answers
 * waits as long as the connection lives. Give the client one with {@link
 * ClientOptions#withRPCTimeout}, or each call with {@link CallOptions#timeout}.
 *
 * <p>The implementation is {@code io.weft:toolkit-client}, found through {@link ClientProvider};
 * code that only calls depends on this API and that artifact, never on the server's.
 */
public interface Client extends AutoCloseable {

  /**
   * A client of {@code destService} (Kitex's {@code client.NewClient}); at least {@code
   * withHostPorts} (or a resolver) is needed.
   *
   * @throws IllegalStateException if no client implementation (io.weft:toolkit-client) is present
   */
  static Client newClient(String destService, ClientOption... options) {
    ClientProvider provider = Providers.client();
    return provider.newClient(ClientConfig.of(destService, options));
  }

  /**
   * A client with an already-built configuration.
   *
   * @throws IllegalStateException if no client implementation (io.weft:toolkit-client) is present
   */
  static Client newClient(ClientConfig config) {
    return Providers.client().newClient(config);
  }

  /**
   * Calls a unary method and blocks for its response: over the configured socket transport
   * (TTHeader by default, Kitex Protobuf for .proto methods), or over gRPC when the client was
   * built with {@code withTransport(Transport.GRPC)}.
   */
  <Req, Resp> Resp unary(MethodDescriptor<Req, Resp> method, Req request, CallOptions options);

  /** Starts a server-streaming call (always gRPC); the request goes out at once. */
  <Req, Resp> ServerStreamingClient<Resp> serverStreaming(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options);

  /** Starts a client-streaming call (always gRPC). */
  <Req, Resp> ClientStreamingClient<Req, Resp> clientStreaming(
      MethodDescriptor<Req, Resp> method, CallOptions options);

  /** Starts a bidirectional call (always gRPC). */
  <Req, Resp> BidiStreamingClient<Req, Resp> bidiStreaming(
      MethodDescriptor<Req, Resp> method, CallOptions options);

  /** Sends a oneway request; returns once it is written to the connection. */
  <Req> void oneway(MethodDescriptor<Req, ?> method, Req request, CallOptions options);

  /** Calls, retries and backup requests so far. */
  ClientStats stats();

  /** The configuration in force. */
  ClientConfig config();

  /** Closes every connection; calls in flight fail with {@code UNAVAILABLE}, later calls too. */
  @Override
  void close();
}
