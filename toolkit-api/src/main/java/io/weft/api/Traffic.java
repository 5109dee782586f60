package io.weft.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The bytes one call has moved so far, counted by the transport as it goes: over TTHeader, Framed
 * and unframed Thrift the request and reply frames; over TTHeader Streaming each message's data
 * frame (not the header, trailer or rst frames); over gRPC the length-prefixed messages (not the
 * HTTP/2 headers). A middleware reads it from {@link Invocation#traffic()} after the call. Each
 * {@code add} of a positive size is one message (every message has a frame or prefix), so the
 * counts are the messages moved, which for a stream says how many.
 *
 * <p>On a client it also notes where the bytes went: the instance balancing picked ({@link
 * #remoteAddress()}).
 */
public final class Traffic {
  private static final VarHandle SENT = counter("sent");
  private static final VarHandle RECEIVED = counter("received");
  private static final VarHandle MESSAGES_SENT = counter("messagesSent");
  private static final VarHandle MESSAGES_RECEIVED = counter("messagesReceived");

  // Counted through the VarHandles: a call's counters are rarely contended (a stream's sender and
  // receiver at most), so plain atomic fields serve, and a call allocates no counter objects.
  private volatile long sent;
  private volatile long received;
  private volatile long messagesSent;
  private volatile long messagesReceived;

  /** The instance of the call's latest attempt; null until balancing picked one. */
  private volatile InetSocketAddress remote;

  /** Nothing counted yet, for one call. */
  public Traffic() {}

  /**
   * Notes the instance a client call's attempt goes to, as the client's balancing picked it
   * (unresolved: its host as the resolver named it); each attempt of a retried call replaces the
   * one before (with backup requests, the attempt started last, which need not be the one that
   * answered).
   */
  public void setRemoteAddress(InetSocketAddress address) {
    remote = Objects.requireNonNull(address, "address");
  }

  /**
   * The instance a client call went to (its latest attempt's), empty until balancing picked one: a
   * client middleware reads it after {@code next} returned or threw, since balancing runs inside
   * the user's middleware. Empty on a server (the caller is {@link CallContext#peer()}).
   */
  public Optional<InetSocketAddress> remoteAddress() {
    return Optional.ofNullable(remote);
  }

  /** Counts one message of {@code bytes} sent. */
  public void addSent(long bytes) {
    if (bytes > 0) {
      SENT.getAndAdd(this, bytes);
      MESSAGES_SENT.getAndAdd(this, 1L);
    }
  }

  /** Counts one message of {@code bytes} received. */
  public void addReceived(long bytes) {
    if (bytes > 0) {
      RECEIVED.getAndAdd(this, bytes);
      MESSAGES_RECEIVED.getAndAdd(this, 1L);
    }
  }

  /** Messages this side sent (requests on a client, responses on a server). */
  public long messagesSent() {
    return messagesSent;
  }

  /** Messages this side received (responses on a client, requests on a server). */
  public long messagesReceived() {
    return messagesReceived;
  }

  /** Bytes this side sent: the requests on a client, the responses on a server. */
  public long bytesSent() {
    return sent;
  }

  /** Bytes this side received: the responses on a client, the requests on a server. */
  public long bytesReceived() {
    return received;
  }

  private static VarHandle counter(String name) {
    try {
      return MethodHandles.lookup().findVarHandle(Traffic.class, name, long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
