package io.weft.internal.wire.grpc;

import io.weft.api.Deadline;
import io.weft.internal.wire.http2.Http2Stream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The messages of one gRPC call on their way from the connection's reader to the call's thread(s),
 * on either side. The reader deframes DATA into whole messages and never waits; what bounds the
 * queue is HTTP/2 flow control: a message's bytes go back to the peer's window only once the call
 * has taken it, while the bytes of a message still being assembled go back at once (a message may
 * be larger than the window; its size is bounded by the message limit instead).
 *
 * <p>Ending: {@link #end} means no more messages (after the queued ones, {@link #take} returns null
 * or throws the given failure); {@link #fail} means the call is over now (queued messages are
 * dropped and every waiter wakes). Thread-safe; one reader thread feeds it.
 */
public final class GrpcInbound {
  /** Marks a queue {@linkplain #close() closed} by its own call; never thrown. */
  @SuppressWarnings(
      "StaticAssignmentOfThrowable") // a stackless sentinel compared by identity, never thrown
  private static final RuntimeException CLOSED =
      new RuntimeException("closed", null, false, false) {};

  private final Http2Stream stream;
  private final GrpcDeframer deframer;
  private final ReentrantLock lock = new ReentrantLock();

  /**
   * The thread waiting in {@link #take}, parked directly (no Condition: a parked call's stack is
   * most of what an idle stream costs, and a Condition's await adds four frames and two objects); a
   * second, concurrent taker waits on {@link #others}.
   */
  private Thread waiter;

  private Condition others;
  // guarded by lock
  private ArrayDeque<byte[]> messages;

  /**
   * The wire size of each queued message, in queue order (a ring; compression makes it differ from
   * the message's).
   */
  private int[] wireSizes;

  private int wireHead;

  /** Bytes delivered by the stream not yet reported consumed to it. */
  private int delivered;

  /** Wire bytes (prefix included) of the messages in the queue. */
  private int queuedWire;

  private boolean ended;
  private RuntimeException endFailure;
  private RuntimeException failure;

  /**
   * Run, outside the lock, before {@link #take} waits for a message (a stream flushes what it held
   * back); null for nothing.
   */
  private final Runnable beforeWait;

  /**
   * @param maxMessageSize the largest message accepted (compressed or not)
   * @param encoding the call's {@code grpc-encoding}, or null
   */
  public GrpcInbound(Http2Stream stream, int maxMessageSize, String encoding) {
    this(stream, maxMessageSize, encoding, null);
  }

  /**
   * @param beforeWait run before {@link #take} waits (see {@link Http2Stream.Flush#HELD}); null for
   *     nothing
   */
  public GrpcInbound(Http2Stream stream, int maxMessageSize, String encoding, Runnable beforeWait) {
    this.stream = stream;
    this.deframer = new GrpcDeframer(maxMessageSize, encoding);
    this.beforeWait = beforeWait;
  }

  /** Whether a message is queued, so that a {@link #take} now would not wait. */
  public boolean hasQueued() {
    lock.lock();
    try {
      return messages != null && !messages.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /**
   * DATA from the reader: whole messages join the queue.
   *
   * @throws io.weft.api.RpcException a bad or oversized message (the caller ends the call)
   */
  public void data(byte[] b, int off, int len) {
    int returned;
    lock.lock();
    try {
      delivered += len;
      if (failure != null) {
        returned = creditable(); // nobody will take it
      } else {
        deframer.feed(b, off, len, this::add);
        returned = creditable();
      }
    } finally {
      lock.unlock();
    }
    if (returned > 0) {
      stream.consumed(returned);
    }
  }

  /** Holds the lock. */
  private void add(byte[] message) {
    int wire = GrpcFrames.PREFIX + deframer.lastWireLength();
    if (messages == null) {
      messages = new ArrayDeque<>(4);
      wireSizes = new int[4];
    }
    int n = messages.size();
    if (n == wireSizes.length) {
      int[] grown = new int[n * 2];
      for (int i = 0; i < n; i++) {
        grown[i] = wireSizes[(wireHead + i) % n];
      }
      wireSizes = grown;
      wireHead = 0;
    }
    wireSizes[(wireHead + n) % wireSizes.length] = wire;
    messages.add(message);
    queuedWire += wire;
    wake();
  }

  /** Wakes the waiting taker(s). Holds the lock. */
  private void wake() {
    Thread w = waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
    if (others != null) {
      others.signalAll();
    }
  }

  /**
   * What may go back to flow control now: everything delivered but the queued messages. Holds the
   * lock.
   */
  private int creditable() {
    int n = delivered - queuedWire;
    if (n > 0) {
      delivered -= n;
      return n;
    }
    return 0;
  }

  /**
   * Whether the bytes so far end inside a message (at the end of the stream, an error). Reader
   * thread.
   */
  public boolean hasPartialMessage() {
    return deframer.hasPartialMessage();
  }

  /**
   * No more messages will come; once the queue is drained, {@link #take} returns null, or throws
   * {@code failure} if given.
   */
  public void end(RuntimeException failure) {
    lock.lock();
    try {
      if (!ended) {
        ended = true;
        endFailure = failure;
      }
      wake();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The call itself is over (it answered): queued messages are dropped, and a later {@link #take}
   * throws {@code CANCELLED}, an exception made only if someone asks (this runs once per call).
   */
  public void close() {
    fail(null);
  }

  /**
   * The call is over: queued messages are dropped and every waiter throws {@code e}. The first
   * failure stays.
   */
  public void fail(RuntimeException e) {
    int returned;
    lock.lock();
    try {
      if (failure == null) {
        failure = e != null ? e : CLOSED;
      }
      if (messages != null) {
        messages.clear();
        wireHead = 0;
      }
      queuedWire = 0;
      returned = creditable();
      wake();
    } finally {
      lock.unlock();
    }
    if (returned > 0) {
      stream.consumed(returned);
    }
  }

  /** The failure the call ended with, or null. */
  public RuntimeException failure() {
    lock.lock();
    try {
      return failure == CLOSED ? closedException() : failure;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits to be woken, {@code nanos} at most (0: no limit). Holds the lock, and holds it again on
   * return.
   */
  @SuppressWarnings("WaitNotInLoop") // one wait: every caller loops, re-checking its condition
  private void await(long nanos) throws InterruptedException {
    Thread me = Thread.currentThread();
    if (waiter != null && waiter != me) {
      if (others == null) {
        others = lock.newCondition();
      }
      if (nanos > 0) {
        others.awaitNanos(nanos);
      } else {
        others.await();
      }
      return;
    }
    waiter = me;
    lock.unlock();
    try {
      if (nanos > 0) {
        LockSupport.parkNanos(this, nanos);
      } else {
        LockSupport.park(this);
      }
    } finally {
      lock.lock();
      waiter = null;
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  private static RuntimeException closedException() {
    return io.weft.api.Status.of(io.weft.api.StatusCode.CANCELLED, "the call has ended")
        .asException();
  }

  /**
   * The next message, waiting for it; null once the stream ended cleanly and every message was
   * taken. When {@code deadline} passes first, {@code onTimeout} ends the call and gives the
   * exception to throw.
   *
   * @throws RuntimeException the call's failure (io.weft.api.RpcException in practice)
   */
  public byte[] take(Deadline deadline, Supplier<RuntimeException> onTimeout)
      throws InterruptedException {
    byte[] m;
    int returned;
    lock.lock();
    try {
      boolean flushed = beforeWait == null;
      while (failure == null && (messages == null || messages.isEmpty()) && !ended) {
        if (!flushed) {
          flushed = true;
          lock.unlock();
          try {
            beforeWait.run();
          } finally {
            lock.lock();
          }
          continue;
        }
        long left = 0;
        if (deadline != null) {
          left = deadline.remainingNanos();
          if (left <= 0) {
            lock.unlock();
            try {
              throw onTimeout.get();
            } finally {
              lock.lock();
            }
          }
        }
        await(left);
      }
      if (failure != null) {
        throw failure == CLOSED ? closedException() : failure;
      }
      m = messages == null ? null : messages.poll();
      if (m == null) {
        if (endFailure != null) {
          throw endFailure;
        }
        return null;
      }
      queuedWire -= wireSizes[wireHead];
      wireHead = (wireHead + 1) % wireSizes.length;
      returned = creditable();
    } finally {
      lock.unlock();
    }
    if (returned > 0) {
      stream.consumed(returned);
    }
    return m;
  }
}
