package io.weft.client.internal;

import io.weft.api.ClientConfig;
import io.weft.internal.wire.ttheader.Framing;

/**
 * Every connection a client keeps to one address: its TTHeader, Framed or unframed Thrift
 * connections ({@link SocketPool}: exclusive or multiplexed, as configured) and its HTTP/2
 * connections ({@link Http2Pool}, for gRPC) and its TTHeader Streaming connections ({@link
 * TTStreamPool}). The one thing per address the client looks up; each part dials only when a call
 * first needs it.
 */
final class AddressPool implements AutoCloseable {
  private final SocketPool sockets;
  private final Http2Pool http2;
  private final TTStreamPool ttstream;

  AddressPool(HostPort target, Framing framing, ClientConfig config, Dialer dialer) {
    this.sockets =
        config.muxConnections() > 0
            ? new MuxPool(target, framing, config, dialer)
            : new ExclusivePool(target, framing, config, dialer);
    this.http2 = new Http2Pool(target, config, dialer);
    this.ttstream = new TTStreamPool(target, config, dialer);
  }

  /** The TTHeader Streaming connections (Thrift streaming with {@code TTHEADER_STREAMING}). */
  TTStreamPool ttstream() {
    return ttstream;
  }

  /** The socket connections (TTHeader, Framed, unframed Thrift). */
  SocketPool sockets() {
    return sockets;
  }

  /** The HTTP/2 connections (gRPC). */
  Http2Pool http2() {
    return http2;
  }

  /**
   * Closes every connection; calls in flight fail with {@code UNAVAILABLE}, and so do later ones.
   */
  @Override
  public void close() {
    sockets.close();
    http2.close();
    ttstream.close();
  }
}
