package io.weft.wire;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection's outgoing bytes, written by whichever caller finds the socket free: callers
 * append whole frames; the first caller to find nobody writing writes everything queued, in one
 * system call, and keeps writing until the queue is empty, while the others return as soon as
 * their bytes are queued. So concurrent calls on one connection share system calls (as Netty's
 * flush does) without a writer thread, and an uncontended caller writes its own bytes at once.
 *
 * <p>Bytes leave in the order they were appended. A failed write fails the coalescer: every later
 * {@link #write} throws that failure, and so does a {@linkplain #write(byte[], int, int, boolean)
 * waiting} write whose bytes were not written. Memory: a batch buffer that grew past {@value
 * #KEEP} bytes is dropped after use.
 */
public final class WriteCoalescer {
  /** Where the bytes go; called by one thread at a time, never under the coalescer's lock. */
  @FunctionalInterface
  public interface Sink {
    void write(byte[] bytes, int off, int len) throws IOException;
  }

  private static final int KEEP = 256 * 1024;

  private final Sink sink;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition written = lock.newCondition();
  // guarded by lock
  private Buffer pending = new Buffer(4096);
  private Buffer spare = new Buffer(4096);
  private boolean writing;
  private long appended;
  private long flushed;
  private IOException failure;

  public WriteCoalescer(Sink sink) {
    this.sink = sink;
  }

  /** Queues {@code b} and writes it unless another caller is writing already, which then writes it. */
  public void write(Buffer b) throws IOException {
    write(b.array(), 0, b.size(), false);
  }

  /**
   * Queues the bytes and, unless another caller is writing (who then writes them too), writes them.
   *
   * @param wait whether to return only once these bytes are written, even when another caller writes them
   * @throws IOException the failure of this write, or of an earlier one
   */
  public void write(byte[] bytes, int off, int len, boolean wait) throws IOException {
    lock.lock();
    try {
      if (failure != null) {
        throw new IOException(failure.getMessage(), failure);
      }
      if (writing) {
        pending.write(bytes, off, len);
        appended += len;
        long mine = appended;
        while (wait && flushed < mine && failure == null) {
          written.awaitUninterruptibly();
        }
        if (flushed < mine && failure != null) {
          throw new IOException(failure.getMessage(), failure);
        }
        return;
      }
      writing = true; // nothing is queued while nobody writes: these bytes go out without a copy
    } finally {
      lock.unlock();
    }
    writeOwn(bytes, off, len);
    drain();
  }

  /** Writes a caller's bytes straight from its array; the caller has set {@code writing}. */
  private void writeOwn(byte[] bytes, int off, int len) throws IOException {
    try {
      sink.write(bytes, off, len);
    } catch (IOException | RuntimeException e) {
      throw failed(e);
    }
    lock.lock();
    try {
      appended += len;
      flushed += len;
    } finally {
      lock.unlock();
    }
  }

  private IOException failed(Exception e) {
    IOException f = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    lock.lock();
    try {
      failure = f;
      writing = false;
      pending.reset();
      written.signalAll();
    } finally {
      lock.unlock();
    }
    return f;
  }

  /** Writes batches until none is left; the caller has set {@code writing}. */
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
}
