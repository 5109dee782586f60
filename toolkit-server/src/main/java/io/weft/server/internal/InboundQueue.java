package io.weft.server.internal;

import io.weft.api.RpcException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The messages of one gRPC call on their way from the HTTP/2 stream thread to the handler. Bounded:
 * when the handler reads slowly, {@link #put} blocks the stream thread, which then stops taking
 * frames, so Helidon stops opening the flow-control window and the sender waits. {@link #fail}
 * wakes both sides at once.
 */
final class InboundQueue {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<byte[]> messages = new ArrayDeque<>();
  private final int capacity;
  private boolean ended;
  private RpcException failure;

  InboundQueue(int capacity) {
    this.capacity = capacity;
  }

  /** Adds a message, waiting while the queue is full; returns false if the call has failed meanwhile. */
  boolean put(byte[] message) {
    lock.lock();
    try {
      while (messages.size() >= capacity && failure == null) {
        notFull.awaitUninterruptibly();
      }
      if (failure != null) {
        return false;
      }
      messages.add(message);
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next message; null once the peer has half-closed and every message was taken.
   *
   * @throws RpcException the call's failure, once it has one
   */
  byte[] take() throws InterruptedException {
    lock.lock();
    try {
      while (messages.isEmpty() && !ended && failure == null) {
        notEmpty.await();
      }
      if (failure != null) {
        throw failure;
      }
      byte[] m = messages.poll();
      if (m != null) {
        notFull.signal();
      }
      return m;
    } finally {
      lock.unlock();
    }
  }

  /** The peer sends no more. */
  void end() {
    lock.lock();
    try {
      ended = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The call failed: every waiter wakes and sees {@code e}. Queued messages are dropped. */
  void fail(RpcException e) {
    lock.lock();
    try {
      if (failure == null) {
        failure = e;
      }
      messages.clear();
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
