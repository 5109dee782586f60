package io.weft.server.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's call limits: concurrent requests and requests per second. Every transport asks it
 * before running a handler and tells it when the call is over. Thread-safe.
 */
final class Admission {
  private final int maxConcurrent;
  private final int qpsLimit;
  private final RateLimiter qps;
  private final AtomicLong inFlight = new AtomicLong();

  /** {@code maxConcurrent} or {@code qpsLimit} of 0 or less: no such limit. */
  Admission(int maxConcurrent, int qpsLimit) {
    this.maxConcurrent = maxConcurrent;
    this.qpsLimit = qpsLimit;
    this.qps = qpsLimit > 0 ? new RateLimiter(qpsLimit) : null;
  }

  /**
   * Starts a call if the limits allow it (then it counts as in flight until {@link #finished});
   * null when it may start, else why not.
   */
  String tryStart() {
    if (maxConcurrent > 0) {
      long n;
      do {
        n = inFlight.get();
        if (n >= maxConcurrent) {
          return "the server is serving its limit of " + maxConcurrent + " concurrent requests";
        }
      } while (!inFlight.compareAndSet(n, n + 1));
    } else {
      inFlight.incrementAndGet();
    }
    if (qps != null && !qps.tryAcquire()) {
      inFlight.decrementAndGet();
      return "the server is at its limit of " + qpsLimit + " requests per second";
    }
    return null;
  }

  /** A call that {@link #tryStart} let in is over. */
  void finished() {
    inFlight.decrementAndGet();
  }

  /** Calls being served right now, on every connection. */
  long inFlight() {
    return inFlight.get();
  }
}
