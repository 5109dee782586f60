package io.weft.api;

import java.util.concurrent.atomic.LongAdder;

/**
 * The bytes one call has moved so far, counted by the transport as it goes: over TTHeader, Framed
 * and unframed Thrift the request and reply frames; over gRPC the length-prefixed messages (not
 * the HTTP/2 headers). A middleware reads it from {@link Invocation#traffic()} after the call.
 */
public final class Traffic {
  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();

  public void addSent(long bytes) {
    sent.add(bytes);
  }

  public void addReceived(long bytes) {
    received.add(bytes);
  }

  /** Bytes this side sent: the requests on a client, the responses on a server. */
  public long bytesSent() {
    return sent.sum();
  }

  /** Bytes this side received: the responses on a client, the requests on a server. */
  public long bytesReceived() {
    return received.sum();
  }
}
