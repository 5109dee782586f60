package io.weft.internal.wire.ttheader;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The received messages of one TTHeader Streaming stream, waiting for the stream's reader: filled
 * by the connection's reader thread, drained by the thread that calls {@code recv}. Bounded
 * (Kitex's queue is not): the protocol has no flow control, and the connection's reader must never
 * wait for one slow stream, so {@link #offer} refuses a message that would take the queue past its
 * limits; the caller then resets that stream alone. Thread-safe.
 */
public final class StreamInbound {
  private final int maxBytes;
  private final int maxMessages;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // guarded by lock
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean ended;
  private RuntimeException failure;
  private RuntimeException endFailure;

  /**
   * @param maxBytes the most payload bytes held at once (one message larger than this is still
   *     accepted into an empty queue: the frame limit bounds it)
   * @param maxMessages the most messages held at once
   */
  public StreamInbound(int maxBytes, int maxMessages) {
    this.maxBytes = maxBytes;
    this.maxMessages = maxMessages;
  }

  /**
   * Queues one message; false, queueing nothing, if that would exceed the limits or the stream has
   * ended. Never blocks.
   */
  public boolean offer(byte[] message) {
    lock.lock();
    try {
      if (ended || failure != null) {
        return true; // nobody reads any more: drop it, the stream's end decides the outcome
      }
      boolean empty = queue.isEmpty();
      if (!empty && (queue.size() >= maxMessages || queuedBytes + message.length > maxBytes)) {
        return false;
      }
      queue.add(message);
      queuedBytes += message.length;
      if (empty) {
        changed.signalAll();
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The peer half-closed: once the queue is drained, {@link #take} returns null. */
  public void end() {
    lock.lock();
    try {
      ended = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The peer ended the stream with an error: once the queue is drained, {@link #take} throws {@code
   * e}.
   */
  public void endWith(RuntimeException e) {
    lock.lock();
    try {
      if (!ended) {
        ended = true;
        endFailure = e;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The stream failed: {@link #take} throws {@code e} at once, queued messages are dropped. */
  public void fail(RuntimeException e) {
    lock.lock();
    try {
      if (failure == null) {
        failure = e;
      }
      queue.clear();
      queuedBytes = 0;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether a message is queued (the reader will not wait for its next {@link #take}). */
  public boolean hasQueued() {
    lock.lock();
    try {
      return !queue.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** Bytes queued now. */
  public long queuedBytes() {
    lock.lock();
    try {
      return queuedBytes;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next message, waiting for one; null once the peer half-closed and all were taken.
   *
   * @throws RuntimeException the failure given to {@link #fail}
   */
  public byte[] take() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (failure != null) {
          throw failure;
        }
        byte[] m = queue.poll();
        if (m != null) {
          queuedBytes -= m.length;
          return m;
        }
        if (ended) {
          if (endFailure != null) {
            throw endFailure;
          }
          return null;
        }
        changed.await();
      }
    } finally {
      lock.unlock();
    }
  }
}
