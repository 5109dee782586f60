package io.weft.client.internal;

import java.util.concurrent.locks.ReentrantLock;

/**
 * How many retries and backup requests a client may still send: a token bucket that every call
 * fills by {@code ratio} and every retry empties by one, starting (and capped) at a small
 * allowance, so that retries stay near {@code ratio} of calls however many fail.
 */
final class RetryBudget {
  static final double ALLOWANCE = 10;

  private final double ratio;
  private final ReentrantLock lock = new ReentrantLock();
  private double tokens = ALLOWANCE;

  RetryBudget(double ratio) {
    this.ratio = ratio;
  }

  void call() {
    lock.lock();
    try {
      tokens = Math.min(ALLOWANCE + 100 * ratio, tokens + ratio);
    } finally {
      lock.unlock();
    }
  }

  boolean tryRetry() {
    lock.lock();
    try {
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
