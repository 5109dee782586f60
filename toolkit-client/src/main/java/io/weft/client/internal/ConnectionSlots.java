package io.weft.client.internal;

import io.weft.api.Deadline;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A fixed number of connections to one address, each shared by many calls or streams, handed out in
 * turn as Kitex's client hands out its multiplexed connections. A slot is dialed when a call first
 * needs it, and a dead connection is replaced when a call next needs its slot; dialing holds that
 * slot's lock only, so one slow dial delays no call on another slot. Thread-safe.
 *
 * @param <C> the connection
 */
final class ConnectionSlots<C> {
  private final Object[] slots;
  private final ReentrantLock[] locks;
  private final AtomicInteger next = new AtomicInteger();
  private final Predicate<C> usable;
  private final Function<Deadline, C> dial;
  private final Supplier<RuntimeException> closedError;
  private volatile boolean closed;

  /**
   * @param count how many connections (at least one)
   * @param usable whether a connection may take another call
   * @param dial opens a connection within the deadline (null: none), or throws
   * @param closedError what a call gets once {@link #close} has run
   */
  ConnectionSlots(
      int count,
      Predicate<C> usable,
      Function<Deadline, C> dial,
      Supplier<RuntimeException> closedError) {
    this.slots = new Object[Math.max(1, count)];
    this.locks = new ReentrantLock[slots.length];
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new ReentrantLock();
    }
    this.usable = usable;
    this.dial = dial;
    this.closedError = closedError;
  }

  /** The next slot's connection, dialed within {@code deadline} if the slot has none usable. */
  C next(Deadline deadline) {
    int i = Math.floorMod(next.getAndIncrement(), slots.length);
    C c = get(i);
    if (c != null && usable.test(c)) {
      return c;
    }
    locks[i].lock();
    try {
      if (closed) {
        throw closedError.get();
      }
      c = get(i);
      if (c == null || !usable.test(c)) {
        c = dial.apply(deadline);
        slots[i] = c;
      }
      return c;
    } finally {
      locks[i].unlock();
    }
  }

  /** Refuses new calls and hands every connection to {@code closer}. */
  void close(Consumer<C> closer) {
    closed = true;
    for (int i = 0; i < slots.length; i++) {
      locks[i].lock();
      try {
        C c = get(i);
        if (c != null) {
          closer.accept(c);
        }
      } finally {
        locks[i].unlock();
      }
    }
  }

  @SuppressWarnings("unchecked") // only next() stores, and it stores a C
  private C get(int i) {
    return (C) slots[i];
  }
}
