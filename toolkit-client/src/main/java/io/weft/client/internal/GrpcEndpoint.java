package io.weft.client.internal;

import io.weft.api.ClientConfig;
import io.weft.api.Deadline;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The HTTP/2 connections to one address. Calls share a connection until it reaches the server's
 * {@code MAX_CONCURRENT_STREAMS}; then another is opened. Dead and draining (GOAWAY) connections
 * are dropped on the way.
 */
final class GrpcEndpoint implements AutoCloseable {
  private final HostPort target;
  private final Dialer dialer;
  private final ClientConfig config;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<H2Connection> connections = new ArrayList<>();
  private volatile H2Connection preferred;
  private volatile boolean closed;

  GrpcEndpoint(HostPort target, ClientConfig config, Dialer dialer) {
    this.dialer = dialer;
    this.target = target;
    this.config = config;
  }

  /**
   * A connection with a stream slot reserved for the caller (see {@link H2Connection#tryReserve}),
   * dialing one if every connection is at the server's stream limit. The caller's {@code open}
   * uses the slot.
   */
  H2Connection connection(Deadline deadline) {
    H2Connection c = preferred;
    if (c != null && c.tryReserve()) {
      return c;
    }
    lock.lock();
    try {
      if (closed) {
        throw Status.of(StatusCode.UNAVAILABLE, "client is closed").asException();
      }
      connections.removeIf(x -> !x.isAlive());
      List<H2Connection> byLoad = new ArrayList<>(connections);
      byLoad.sort(java.util.Comparator.comparingInt(H2Connection::activeStreams));
      for (H2Connection x : byLoad) {
        if (x.tryReserve()) {
          preferred = x;
          return x;
        }
      }
      H2Connection fresh = H2Connection.open(target, dialer, deadline);
      connections.add(fresh);
      if (!fresh.tryReserve()) {
        throw Status.of(StatusCode.UNAVAILABLE, "a new HTTP/2 connection to " + target + " allows no stream").asException();
      }
      preferred = fresh;
      return fresh;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      for (H2Connection c : connections) {
        c.close();
      }
      connections.clear();
      preferred = null;
    } finally {
      lock.unlock();
    }
  }
}
