package io.weft.internal.wire.http2;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes that senders on many connections hold while they wait for their peers (flow-control window
 * or socket), against one limit: a server's, so that peers that stop reading cannot fill its heap
 * between them. Thread-safe.
 */
public final class SendBudget {
  private final long limit;
  private final AtomicLong held = new AtomicLong();

  public SendBudget(long limit) {
    this.limit = limit;
  }

  /** Takes {@code n} bytes if that stays within the limit. */
  boolean tryTake(long n) {
    while (true) {
      long h = held.get();
      if (h + n > limit) {
        return false;
      }
      if (held.compareAndSet(h, h + n)) {
        return true;
      }
    }
  }

  void give(long n) {
    held.addAndGet(-n);
  }

  /** Bytes held now. */
  public long held() {
    return held.get();
  }

  public long limit() {
    return limit;
  }
}
