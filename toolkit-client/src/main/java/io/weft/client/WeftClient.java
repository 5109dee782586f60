package io.weft.client;

import io.weft.api.BidiStreamingClient;
import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientConfig;
import io.weft.api.ClientStats;
import io.weft.api.ClientStreamingClient;
import io.weft.api.MethodDescriptor;
import io.weft.api.ServerStreamingClient;
import io.weft.client.internal.RealClient;

/**
 * The {@link Client} that {@link Client#newClient} returns: a thin face over {@link RealClient}.
 */
final class WeftClient implements Client {
  private final RealClient delegate;

  WeftClient(RealClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public <Req, Resp> Resp unary(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    return delegate.unary(method, request, options);
  }

  @Override
  public <Req, Resp> ServerStreamingClient<Resp> serverStreaming(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    return delegate.serverStreaming(method, request, options);
  }

  @Override
  public <Req, Resp> ClientStreamingClient<Req, Resp> clientStreaming(
      MethodDescriptor<Req, Resp> method, CallOptions options) {
    return delegate.clientStreaming(method, options);
  }

  @Override
  public <Req, Resp> BidiStreamingClient<Req, Resp> bidiStreaming(
      MethodDescriptor<Req, Resp> method, CallOptions options) {
    return delegate.bidiStreaming(method, options);
  }

  @Override
  public <Req> void oneway(MethodDescriptor<Req, ?> method, Req request, CallOptions options) {
    delegate.oneway(method, request, options);
  }

  @Override
  public ClientStats stats() {
    long[] s = delegate.stats();
    return new ClientStats(s[0], s[1], s[2]);
  }

  @Override
  public ClientConfig config() {
    return delegate.config();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
