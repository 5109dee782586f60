package io.weft.server.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's open connections: their count against the connection limit (Weft counts them itself,
 * so that at the limit it can close idle HTTP/2 connections rather than stop accepting), and the
 * HTTP/2 ones, for closing the idlest. Thread-safe.
 */
final class OpenConnections {
  private static final System.Logger LOG = System.getLogger(OpenConnections.class.getName());

  private final int max;
  private final Duration maxHttp2Idle;
  private final AtomicInteger count = new AtomicInteger();
  private final ConcurrentHashMap.KeySetView<H2ServerConnection, Boolean> http2 =
      ConcurrentHashMap.newKeySet();

  /**
   * {@code max} connections at once; HTTP/2 connections with no stream for {@code maxHttp2Idle} are
   * closed by {@link #closeIdleHttp2}.
   */
  OpenConnections(int max, Duration maxHttp2Idle) {
    this.max = max;
    this.maxHttp2Idle = maxHttp2Idle;
  }

  /**
   * A connection starts: true if it may stay. At the connection limit, the HTTP/2 connection idle
   * the longest is closed (GOAWAY) to make room; only when none is idle is the new one refused.
   */
  boolean opened(String peer) {
    int n = count.incrementAndGet();
    if (n <= max) {
      return true;
    }
    H2ServerConnection idlest = null;
    long longest = 0;
    for (H2ServerConnection c : http2) {
      long idle = c.engine().idleNanos();
      if (idle > longest) {
        longest = idle;
        idlest = c;
      }
    }
    if (idlest != null && http2.remove(idlest)) {
      LOG.log(
          System.Logger.Level.INFO,
          "at the limit of "
              + max
              + " connections: closing "
              + idlest.engine().peer()
              + ", idle for "
              + Duration.ofNanos(longest).toMillis()
              + " ms, to serve "
              + peer);
      idlest.engine().shutdown();
      return true;
    }
    count.decrementAndGet();
    LOG.log(
        System.Logger.Level.WARNING,
        "refusing connection from " + peer + ": " + max + " connections are open and none is idle");
    return false;
  }

  /** A connection that {@link #opened} let in has closed. */
  void closed() {
    count.decrementAndGet();
  }

  void http2Opened(H2ServerConnection c) {
    http2.add(c);
  }

  void http2Closed(H2ServerConnection c) {
    http2.remove(c);
  }

  /**
   * Closes (GOAWAY) the HTTP/2 connections that have carried no stream for the idle grace
   * (grpc-java's maxConnectionIdle).
   */
  void closeIdleHttp2() {
    long grace = maxHttp2Idle.toNanos();
    for (H2ServerConnection c : http2) {
      if (c.engine().idleNanos() > grace && http2.remove(c)) {
        LOG.log(
            System.Logger.Level.DEBUG,
            "closing HTTP/2 connection from "
                + c.engine().peer()
                + ": no stream for "
                + maxHttp2Idle.toMillis()
                + " ms");
        c.engine().shutdown();
      }
    }
  }
}
