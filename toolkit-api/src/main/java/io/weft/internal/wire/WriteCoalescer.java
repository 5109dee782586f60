package io.weft.internal.wire;

import java.io.IOException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One connection's outgoing bytes. Callers append whole frames; one thread at a time writes
 * everything queued in one system call and keeps writing until the queue is empty, while the others
 * return as soon as their bytes are queued. So concurrent calls on one connection share system
 * calls, as a Netty channel's flush does, with no thread of its own while idle.
 *
 * <p>Who writes: {@link #write(Buffer)} writes at once when nobody else is writing (a unary call
 * should not wait for company); {@link #writeSoon} lets the threads that are ready to run append
 * theirs first, so that other calls' frames join the same system call: a virtual thread that
 * becomes the writer yields once and then writes (no thread is started for it), anything else hands
 * the write to a short-lived virtual thread. A connection's reader, which must never block on a
 * full socket, always hands it over ({@link #writeSoonWithoutWaiting}).
 *
 * <p>Bytes leave in the order they were appended. A failed write fails the coalescer: every later
 * write throws that failure, and so does a {@linkplain #write(byte[], int, int, boolean) waiting}
 * write whose bytes were not written. Memory: a batch buffer that grew past {@value #KEEP} bytes is
 * dropped after use; a writer that finds {@value #MAX_QUEUED} bytes or more already queued waits
 * until they are written (a peer that stops reading holds up its writers, not the heap), except
 * through {@link #writeSoonWithoutWaiting}, which a connection's reader uses for its few small
 * control frames.
 */
public final class WriteCoalescer {
  /** Where the bytes go; called by one thread at a time, never under the coalescer's lock. */
  @FunctionalInterface
  public interface Sink {
    void write(byte[] bytes, int off, int len) throws IOException;
  }

  private static final int KEEP = 256 * 1024;

  /** Queued bytes beyond which writers wait for the socket. */
  public static final int MAX_QUEUED = 1 << 20;

  private static final ThreadFactory WRITERS = Thread.ofVirtual().name("weft-writer").factory();

  private final Sink sink;
  private final Runnable onWritten;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition written = lock.newCondition();
  // guarded by lock
  private Buffer pending = new Buffer(4096);
  private Buffer spare = new Buffer(4096);

  /** {@code pending.size()}, readable without the lock. */
  private volatile int queued;

  /**
   * Whether a thread owns the socket: it writes (or is about to write) until the queue is empty.
   */
  private boolean writing;

  private long appended;
  private long flushed;
  private IOException failure;
  private int waitingForRoom;

  public WriteCoalescer(Sink sink) {
    this(sink, null);
  }

  /**
   * @param onWritten run by the writing thread after each batch it wrote (outside the lock), for
   *     callers that wait for {@link #hasRoom()} in their own way; null for none
   */
  public WriteCoalescer(Sink sink, Runnable onWritten) {
    this.sink = sink;
    this.onWritten = onWritten;
  }

  /** Bytes queued behind the write in progress. Lock-free. */
  public int queued() {
    return queued;
  }

  /** Whether a write now would not wait for queued bytes to drain. Lock-free. */
  public boolean hasRoom() {
    return queued < MAX_QUEUED;
  }

  /** Writes {@code b} now, or leaves it to the thread already writing. */
  public void write(Buffer b) throws IOException {
    write(b.array(), 0, b.size(), false);
  }

  /**
   * {@link #writeSoon(Buffer) writeSoon} when {@code soon} (other calls are in flight on the
   * connection, so that theirs can join this system call), else {@link #write(Buffer) write}.
   */
  public void write(Buffer b, boolean soon) throws IOException {
    if (soon) {
      writeSoon(b);
    } else {
      write(b);
    }
  }

  /**
   * Writes the bytes now, or leaves them to the thread already writing.
   *
   * @param wait whether to return only once these bytes are written, even when another thread
   *     writes them
   * @throws IOException the failure of this write, or of an earlier one
   */
  public void write(byte[] bytes, int off, int len, boolean wait) throws IOException {
    lock.lock();
    try {
      awaitRoom();
      if (!writing && pending.size() > 0) {
        // bytes held back by hold(): they go first, and this thread writes them all
        append(bytes, off, len);
        writing = true;
        lock.unlock();
        try {
          drain();
        } finally {
          lock.lock();
        }
        return;
      }
      if (writing) {
        append(bytes, off, len);
        long mine = appended;
        while (wait && flushed < mine && failure == null) {
          written.awaitUninterruptibly();
        }
        if (flushed < mine && failure != null) {
          checkFailure();
        }
        return;
      }
      writing = true; // nothing is queued while nobody writes: these bytes go out without a copy
      appended += len;
    } finally {
      lock.unlock();
    }
    try {
      sink.write(bytes, off, len);
    } catch (IOException | RuntimeException e) {
      throw failed(e);
    }
    lock.lock();
    try {
      flushed += len;
      written.signalAll();
    } finally {
      lock.unlock();
    }
    drain();
  }

  /**
   * Queues {@code b}; a virtual thread writes it (with whatever else is queued by then) unless one
   * already is. Waits first while {@value #MAX_QUEUED} bytes or more are queued.
   */
  public void writeSoon(Buffer b) throws IOException {
    writeSoon(b, true);
  }

  /**
   * As {@link #writeSoon(Buffer)}, but never waits: for a connection's reader thread, which must
   * not block on the socket.
   */
  public void writeSoonWithoutWaiting(Buffer b) throws IOException {
    writeSoon(b, false);
  }

  private void writeSoon(Buffer b, boolean mayWait) throws IOException {
    if (enqueue(b.array(), 0, b.size(), mayWait)) {
      flush(true, mayWait);
    }
  }

  /**
   * Queues the bytes without writing them: a caller that knows it will write again at once (a
   * stream that replies to requests already queued) lets its next frames join these in one system
   * call. They leave with the next write by anyone, or at {@link #flushHeld}, which the caller owes
   * before it waits for anything.
   */
  public void hold(Buffer b) throws IOException {
    lock.lock();
    try {
      awaitRoom();
      append(b.array(), 0, b.size());
      if (writing || pending.size() < KEEP) {
        return;
      }
      writing = true; // enough held for one system call: no reason to hold more
    } finally {
      lock.unlock();
    }
    drain();
  }

  /**
   * As {@link #flushHeld}, but a new virtual thread writes: for a timer, which must not wait on the
   * socket.
   */
  public void flushHeldInBackground() {
    if (claimHeld()) {
      WRITERS.newThread(this::drainQuietly).start();
    }
  }

  /** Writes what {@link #hold} left queued, unless another thread is writing it already. */
  public void flushHeld() throws IOException {
    if (claimHeld()) {
      drain();
    }
  }

  /**
   * Makes the caller the writer of held bytes; false if there are none, or someone writes already.
   */
  private boolean claimHeld() {
    lock.lock();
    try {
      if (writing || pending.size() == 0) {
        return false;
      }
      writing = true;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues the bytes (waiting first while {@value #MAX_QUEUED} bytes or more are queued, if {@code
   * mayWait}); true if the caller is now the writer and must call {@link #flush} once it has
   * released whatever lock of its own kept its bytes in order with other writers' (their order is
   * now the queue's).
   */
  public boolean enqueue(byte[] bytes, int off, int len, boolean mayWait) throws IOException {
    lock.lock();
    try {
      if (mayWait) {
        awaitRoom();
      } else {
        checkFailure();
      }
      append(bytes, off, len);
      if (writing) {
        return false;
      }
      writing = true;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The writer (see {@link #enqueue}) writes until the queue is empty. {@code soon}: let other
   * threads that are ready to run append theirs first: a virtual thread yields once (its carrier
   * runs them, and their bytes join this system call); a platform thread, or one that must not
   * block on the socket ({@code mayBlock} false), hands the writing to a new virtual thread, which
   * yields once as well.
   */
  public void flush(boolean soon) throws IOException {
    flush(soon, true);
  }

  @SuppressWarnings(
      "ThreadPriorityCheck") // a virtual thread yields its carrier so writers behind it join this
  // flush
  private void flush(boolean soon, boolean mayBlock) throws IOException {
    if (!mayBlock || !Thread.currentThread().isVirtual()) {
      WRITERS.newThread(soon ? this::drainSoonQuietly : this::drainQuietly).start();
      return;
    }
    if (soon) {
      Thread.yield();
    }
    drain();
  }

  /** Returns once every byte queued so far is written, or writing has failed. */
  public void awaitFlushed() {
    lock.lock();
    try {
      long mine = appended;
      while (flushed < mine && failure == null) {
        written.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  /** As {@link #awaitFlushed()}, giving up after {@code nanos}; true if everything was written. */
  public boolean awaitFlushed(long nanos) {
    long end = System.nanoTime() + nanos;
    lock.lock();
    try {
      long mine = appended;
      while (flushed < mine && failure == null) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          written.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return failure == null;
    } finally {
      lock.unlock();
    }
  }

  /** The failure that ended writing, or null. */
  public IOException failure() {
    lock.lock();
    try {
      return failure;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits, under the lock, while a writer is busy and too much is queued behind it; throws an
   * earlier failure.
   */
  private void awaitRoom() throws IOException {
    while (writing && pending.size() >= MAX_QUEUED && failure == null) {
      waitingForRoom++;
      try {
        written.awaitUninterruptibly();
      } finally {
        waitingForRoom--;
      }
    }
    checkFailure();
  }

  /**
   * Waits while {@value #MAX_QUEUED} bytes or more are queued behind a busy writer, until {@code
   * stop} holds; a caller that then queues through {@link #writeSoonWithoutWaiting} never blocks on
   * the socket itself, so whatever makes {@code stop} true (a stream's reset, the connection's end)
   * can wake it with {@link #wakeWaiters}. {@code stop} runs under the coalescer's lock: it must
   * only read volatile state.
   *
   * @return false if it stopped because of {@code stop}
   */
  public boolean awaitRoom(BooleanSupplier stop) {
    lock.lock();
    try {
      while (writing && pending.size() >= MAX_QUEUED && failure == null && !stop.getAsBoolean()) {
        waitingForRoom++;
        try {
          written.awaitUninterruptibly();
        } finally {
          waitingForRoom--;
        }
      }
      return !stop.getAsBoolean();
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every {@link #awaitRoom(BooleanSupplier)} so that it checks its stop condition again. */
  public void wakeWaiters() {
    lock.lock();
    try {
      written.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Writers waiting for the queue to drain below {@value #MAX_QUEUED} bytes (for tests). */
  int waitingForRoom() {
    lock.lock();
    try {
      return waitingForRoom;
    } finally {
      lock.unlock();
    }
  }

  private void append(byte[] bytes, int off, int len) {
    pending.write(bytes, off, len);
    appended += len;
    queued = pending.size();
  }

  private void checkFailure() throws IOException {
    if (failure != null) {
      throw new IOException(failure.getMessage(), failure);
    }
  }

  /**
   * A handed-off writer's {@code soon}: it yields once before writing, so that the threads its
   * starter made ready (a reader's new calls, whose replies follow the PING ACK or WINDOW_UPDATE it
   * queued) append theirs to the same system call instead of each writing its own.
   */
  @SuppressWarnings("ThreadPriorityCheck") // see flush: the yield lets writers behind it join
  private void drainSoonQuietly() {
    Thread.yield();
    drainQuietly();
  }

  private void drainQuietly() {
    try {
      drain();
    } catch (IOException e) {
      // recorded: the connection's next write, and its reader, see it
    }
  }

  /** Writes batches until none is left; the caller owns the socket ({@code writing}). */
  private void drain() throws IOException {
    while (true) {
      Buffer batch;
      lock.lock();
      try {
        if (pending.size() == 0) {
          writing = false;
          return;
        }
        batch = pending;
        pending = spare;
        spare = null;
        queued = 0;
      } finally {
        lock.unlock();
      }
      try {
        sink.write(batch.array(), 0, batch.size());
      } catch (IOException | RuntimeException e) {
        throw failed(e);
      }
      lock.lock();
      try {
        flushed += batch.size();
        batch.reset();
        spare = batch.array().length > KEEP ? new Buffer(4096) : batch;
        written.signalAll();
      } finally {
        lock.unlock();
      }
      if (onWritten != null) {
        onWritten.run();
      }
    }
  }

  private IOException failed(Exception e) {
    IOException f = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    lock.lock();
    try {
      failure = f;
      writing = false;
      pending.reset();
      queued = 0;
      written.signalAll();
    } finally {
      lock.unlock();
    }
    return f;
  }
}
