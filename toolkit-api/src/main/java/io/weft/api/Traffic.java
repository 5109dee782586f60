package io.weft.api;

import java.util.concurrent.atomic.LongAdder;

/**
 * The bytes one call has moved so far, counted by the transport as it goes: over TTHeader, Framed
 * and unframed Thrift the request and reply frames; over gRPC the length-prefixed messages (not the
 * HTTP/2 headers). A middleware reads it from {@link Invocation#traffic()} after the call. Each
 * {@code add} of a positive size is one message (every message has a frame or prefix), so the
 * counts are the messages moved, which for a stream says how many.
 */
public final class Traffic {
  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder messagesSent = new LongAdder();
  private final LongAdder messagesReceived = new LongAdder();

  /** Nothing counted yet, for one call. */
  public Traffic() {}

  /** Counts one message of {@code bytes} sent. */
  public void addSent(long bytes) {
    if (bytes > 0) {
      sent.add(bytes);
      messagesSent.increment();
    }
  }

  /** Counts one message of {@code bytes} received. */
  public void addReceived(long bytes) {
    if (bytes > 0) {
      received.add(bytes);
      messagesReceived.increment();
    }
  }

  /** Messages this side sent (requests on a client, responses on a server). */
  public long messagesSent() {
    return messagesSent.sum();
  }

  /** Messages this side received (responses on a client, requests on a server). */
  public long messagesReceived() {
    return messagesReceived.sum();
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
