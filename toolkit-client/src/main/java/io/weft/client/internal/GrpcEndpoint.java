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

  /** A connection with room for one more stream, dialing one if needed. */
  H2Connection connection(Deadline deadline) {
    H2Connection c = preferred;
    if (c != null && c.hasCapacity()) {
      return c;
    }
    lock.lock();
    try {
      if (closed) {
        throw Status.of(StatusCode.UNAVAILABLE, "client is closed").asException();
      }
      connections.removeIf(x -> !x.isAlive() && x.activeStreams() == 0);
      H2Connection best = null;
      for (H2Connection x : connections) {
        if (x.hasCapacity() && (best == null || x.activeStreams() < best.activeStreams())) {
          best = x;
        }
      }
      if (best == null) {
        best = H2Connection.open(target, dialer, deadline);
        connections.add(best);
      }
      preferred = best;
      return best;
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
