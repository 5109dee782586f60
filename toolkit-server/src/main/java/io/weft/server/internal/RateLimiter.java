package io.weft.server.internal;

import java.util.concurrent.locks.ReentrantLock;

/** A token bucket of {@code perSecond} tokens a second, holding at most one second's worth. */
final class RateLimiter {
  private final double perSecond;
  private final ReentrantLock lock = new ReentrantLock();
  private double tokens;
  private long last = System.nanoTime();

  RateLimiter(int perSecond) {
    this.perSecond = perSecond;
    this.tokens = perSecond;
  }

  boolean tryAcquire() {
    lock.lock();
    try {
      long now = System.nanoTime();
      tokens = Math.min(perSecond, tokens + (now - last) * perSecond / 1e9);
      last = now;
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    } finally {
      lock.unlock();
    }
  }
}
