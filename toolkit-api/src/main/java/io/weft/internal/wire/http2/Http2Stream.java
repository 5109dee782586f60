package io.weft.internal.wire.http2;

import io.weft.api.Deadline;
import io.weft.internal.wire.Buffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * One HTTP/2 stream: its states (RFC 9113 section 5.1), its two flow-control windows, and the
 * blocking writes of the layer above. Events from the peer reach the stream's {@link Listener} on
 * the connection's reader thread; writes come from the layer's own threads, one writer at a time
 * (the layer serializes its sends); a reset may come from any thread.
 *
 * <p>Every mutable field is guarded by the connection's lock ({@link Http2Connection#lock}); bytes
 * are written outside it. A writer that has taken window but not yet queued its frames marks the
 * stream {@code writing}, so that a reset from another thread queues its RST_STREAM after those
 * frames rather than before (a frame after our own RST_STREAM would be a protocol error).
 */
public final class Http2Stream {
  /** What the layer above hears of a stream. */
  public interface Listener {
    /**
     * A header block after the one that opened the stream: a response's headers or trailers on a
     * client, request trailers on a server. Reader thread; must not block.
     */
    void headers(Http2Stream stream, Fields fields, boolean endStream);

    /**
     * DATA bytes, a view valid only during the call (copy what you keep). Reader thread; must not
     * block. Return the bytes to flow control with {@link Http2Stream#consumed} once they are
     * taken, or the peer stops sending.
     */
    void data(Http2Stream stream, byte[] b, int off, int len, boolean endStream);

    /**
     * The stream ended abnormally from outside: the peer reset it, the connection was lost, the
     * peer refused it, or the engine reset it for a fault in the peer's frames. Not called for a
     * {@link Http2Stream#reset} the layer asked for itself. Any thread; at most once.
     */
    void reset(Http2Stream stream, StreamException why);
  }

  /**
   * The listener of a stream that has been answered already: whatever else the peer sends on it is
   * returned to flow control and dropped.
   */
  public static final Listener DISCARD =
      new Listener() {
        @Override
        public void headers(Http2Stream stream, Fields fields, boolean endStream) {}

        @Override
        public void data(Http2Stream stream, byte[] b, int off, int len, boolean endStream) {
          stream.consumed(len);
        }

        @Override
        public void reset(Http2Stream stream, StreamException why) {}
      };

  final Http2Connection conn;
  final int id;
  volatile Listener listener;

  // guarded by conn.lock
  long sendWindow;
  int recvWindow;

  /** Bytes taken by the layer (or padding) not yet returned to the peer in a WINDOW_UPDATE. */
  int credit;

  /** Bytes handed to the listener that it has not yet reported consumed. */
  int unconsumed;

  boolean localEnd;
  boolean remoteEnd;
  boolean resetSent;
  boolean resetReceived;
  boolean closed;

  /** A writer took window and has not yet queued its frames (see the class comment). */
  boolean writing;

  /** A reset that waits for the writer's frames to be queued first; null if none. */
  ErrorCode deferredReset;

  /**
   * A reset the writer decided under the lock (over the send limits), to queue once it has released
   * it; null if none.
   */
  ErrorCode resetToQueue;

  StreamException failure;
  private Condition changed;

  /** Bytes this stream's waiting writer has charged to the connection's and the shared limits. */
  long charged;

  /** Response headers have arrived (client): later blocks are trailers. */
  boolean headersReceived;

  // confined to the reader thread
  long contentLength = -1;
  long dataReceived;

  /** A reply body the reader sends as the windows allow (see {@link #sendLater}). */
  private byte[] later;

  private int laterOff;
  private boolean laterEnd;

  Http2Stream(Http2Connection conn, int id, long sendWindow, int recvWindow) {
    this.conn = conn;
    this.id = id;
    this.sendWindow = sendWindow;
    this.recvWindow = recvWindow;
  }

  public int id() {
    return id;
  }

  /** Sets who hears this stream's events; on a server, before {@code accept} returns. */
  public void listener(Listener l) {
    this.listener = l;
  }

  /** A short name for log lines: the peer and the stream id. */
  public String describe() {
    return conn.peer() + " stream " + id;
  }

  /** The connection this stream is on. */
  public Http2Connection connection() {
    return conn;
  }

  /** Whether the peer has ended its side (END_STREAM or reset). */
  public boolean isRemoteEnded() {
    conn.lock.lock();
    try {
      return remoteEnd || closed;
    } finally {
      conn.lock.unlock();
    }
  }

  /** Whether the stream is over in both directions. */
  public boolean isClosed() {
    conn.lock.lock();
    try {
      return closed;
    } finally {
      conn.lock.unlock();
    }
  }

  /**
   * Writes, in order, {@code headers} (if not null), {@code len} bytes of DATA, and either {@code
   * trailers} (if not null; they end the stream) or, when {@code endStream}, END_STREAM on the last
   * DATA frame. Waits while the peer's flow-control windows or the socket have no room, until
   * {@code deadline} (null: none); bytes waiting so are charged against the connection's and the
   * shared limits, and past them the stream is reset with ENHANCE_YOUR_CALM instead. {@code soon}:
   * let the threads ready to run queue theirs first, so that other streams' frames can share it. On
   * a server, ending our side while the client still sends is followed by RST_STREAM(NO_ERROR), as
   * RFC 9113 section 8.1 suggests.
   *
   * @throws StreamException if the stream or connection ended, or the wait ran out (the caller then
   *     usually {@linkplain #reset resets} the stream)
   */
  public void write(
      Fields headers,
      byte[] data,
      int off,
      int len,
      Fields trailers,
      boolean endStream,
      Deadline deadline,
      boolean soon)
      throws StreamException {
    write(headers, data, off, len, trailers, endStream, deadline, soon ? Flush.SOON : Flush.NOW);
  }

  /** When a write's bytes go to the socket. */
  public enum Flush {
    /** At once, unless another thread is writing (then with its next batch). */
    NOW,
    /** Once the threads ready to run have queued theirs too, in one system call. */
    SOON,
    /**
     * With this connection's next write, or at {@link Http2Connection#flushHeld}: for a writer that
     * is about to write again (replies to requests already queued). The writer owes that flush
     * before it waits for anything.
     */
    HELD
  }

  /**
   * As {@link #write(Fields, byte[], int, int, Fields, boolean, Deadline, boolean)}, with the flush
   * chosen explicitly.
   */
  public void write(
      Fields headers,
      byte[] data,
      int off,
      int len,
      Fields trailers,
      boolean endStream,
      Deadline deadline,
      Flush flush)
      throws StreamException {
    boolean ending = trailers != null || endStream;
    Buffer b =
        new Buffer(Math.min(len, 16 * 1024) + (headers != null || trailers != null ? 256 : 0) + 64);
    if (headers != null) {
      conn.encodeHeaders(b, id, headers, false);
    }
    int sent = 0;
    try {
      while (true) {
        int n;
        boolean last;
        boolean closeNow;
        ErrorCode rstAfter = null;
        conn.lock.lock();
        try {
          checkWritable();
          int want = len - sent;
          n = want;
          if (want > 0) {
            long allowed = Math.min(Math.min(sendWindow, conn.sendWindow), want);
            boolean room = conn.out.hasRoom();
            if ((allowed <= 0 || !room) && b.size() > 0) {
              n = 0; // the headers go out now, whatever the window: only DATA waits for it
            } else if (allowed <= 0 || !room) {
              awaitWindow(want, (allowed <= 0 && sendWindow > 0) || !room, deadline);
              continue;
            }
          }
          if (n == 0 && want > 0) {
            writing = true;
            last = false;
            closeNow = false;
          } else {
            if (want > 0) {
              n = (int) Math.min(Math.min(sendWindow, conn.sendWindow), want);
              sendWindow -= n;
              conn.sendWindow -= n;
              uncharge(n);
              if (!conn.client) {
                conn.strikesReset = true;
              }
            }
            last = sent + n == len;
            if (last && ending) {
              localEnd = true;
              if (!conn.client && !remoteEnd) {
                resetSent = true; // tell the client to stop sending: the response is complete
                rstAfter = ErrorCode.NO_ERROR;
              }
            }
            closeNow = localEnd && (remoteEnd || resetSent);
            if (closeNow) {
              // over now (a unary reply): closed, the stream can get no reset to queue after these
              // frames, so no writing mark and no second trip through the lock to clear it
              conn.close(this);
            } else {
              writing = true;
            }
          }
        } finally {
          conn.lock.unlock();
        }
        if (n > 0 || (last && trailers == null && ending)) {
          Frames.data(
              b,
              id,
              data,
              off + sent,
              n,
              last && trailers == null && endStream,
              conn.peerMaxFrameSize());
        }
        if (last && trailers != null) {
          conn.encodeHeaders(b, id, trailers, true);
        }
        if (rstAfter != null) {
          Frames.rstStream(b, id, rstAfter);
        }
        sent += n;
        ErrorCode deferred = closeNow ? null : finishWriting();
        if (deferred != null) {
          Frames.rstStream(b, id, deferred);
        }
        conn.send(b, last ? flush : Flush.SOON);
        if (last) {
          return;
        }
        b.reset();
      }
    } finally {
      if (charged > 0 || resetToQueue != null) {
        ErrorCode rst;
        conn.lock.lock();
        try {
          uncharge(charged);
          rst = resetToQueue;
          resetToQueue = null;
        } finally {
          conn.lock.unlock();
        }
        if (rst != null) {
          conn.queueReset(id, rst);
        }
      }
    }
  }

  /** Clears {@code writing}; returns a reset to queue after this writer's frames. */
  private ErrorCode finishWriting() {
    conn.lock.lock();
    try {
      writing = false;
      ErrorCode d = deferredReset;
      deferredReset = null;
      return d;
    } finally {
      conn.lock.unlock();
    }
  }

  /** Throws if nothing more may be written. Holds the lock. */
  private void checkWritable() throws StreamException {
    if (failure != null) {
      throw failure;
    }
    StreamException lost = conn.lostCause();
    if (lost != null) {
      throw lost;
    }
    if (localEnd || closed) {
      throw new StreamException(
          StreamException.Kind.ENDED,
          ErrorCode.NO_ERROR,
          "the stream's sending side has already ended");
    }
  }

  /**
   * Waits for window or socket room with {@code want} bytes in hand, charging them to the limits
   * first (once). Holds the lock.
   */
  @SuppressWarnings("WaitNotInLoop") // one wait: every caller loops, re-checking its condition
  private void awaitWindow(int want, boolean onConnection, Deadline deadline)
      throws StreamException {
    if (charged < want) {
      long more = want - charged;
      String over = conn.charge(this, more);
      if (over != null) {
        if (conn.resetLocked(this, ErrorCode.ENHANCE_YOUR_CALM)) {
          resetToQueue = ErrorCode.ENHANCE_YOUR_CALM; // write() queues it once the lock is released
        }
        failure =
            new StreamException(StreamException.Kind.OVER_LIMIT, ErrorCode.ENHANCE_YOUR_CALM, over);
        throw failure;
      }
      charged += more;
    }
    if (onConnection && !conn.blockOnConnection(this)) {
      return; // room appeared meanwhile: try again
    }
    if (changed == null) {
      changed = conn.lock.newCondition();
    }
    try {
      if (deadline == null) {
        changed.await();
        return;
      }
      long left = deadline.remainingNanos();
      if (left <= 0) {
        throw new StreamException(
            StreamException.Kind.DEADLINE,
            ErrorCode.CANCEL,
            "deadline passed waiting for the peer's flow-control window ("
                + want
                + " bytes to send)");
      }
      changed.await(left, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StreamException(
          StreamException.Kind.INTERRUPTED, ErrorCode.CANCEL, "interrupted while waiting to send");
    }
  }

  private void uncharge(long n) {
    long m = Math.min(n, charged);
    if (m > 0) {
      charged -= m;
      conn.uncharge(m);
    }
  }

  /** Wakes this stream's waiting writer. Holds the lock. */
  void signal() {
    if (changed != null) {
      changed.signalAll();
    }
  }

  /**
   * Ends the stream from this side with RST_STREAM({@code code}) unless it is already over; the
   * listener is not told (the caller knows). Any thread; never blocks.
   */
  public void reset(ErrorCode code) {
    conn.resetFromLayer(this, code);
  }

  /**
   * The layer has taken {@code n} bytes that {@link Listener#data} delivered: they count against
   * the windows no longer, and WINDOW_UPDATEs go out once enough has gathered.
   */
  public void consumed(int n) {
    conn.consumed(this, n);
  }

  /**
   * Ends this side with {@code trailers} (one header block with END_STREAM, followed on a server by
   * RST_STREAM(NO_ERROR) if the client still sends) without ever blocking: header blocks are not
   * flow-controlled, and the bytes are queued for a writer thread. For threads that must not wait
   * (a connection's reader, a timer) on a server; the layer must have no write in progress on the
   * stream. False if the stream was over already.
   */
  public boolean endWithTrailers(Fields trailers) {
    Buffer b = new Buffer(256);
    conn.encodeHeaders(b, id, trailers, true);
    conn.lock.lock();
    try {
      if (closed || localEnd || failure != null || conn.lostCause() != null) {
        return false;
      }
      localEnd = true;
      if (!conn.client && !remoteEnd) {
        resetSent = true;
        Frames.rstStream(b, id, ErrorCode.NO_ERROR);
      }
      if (remoteEnd || resetSent) {
        conn.close(this);
      }
    } finally {
      conn.lock.unlock();
    }
    conn.sendControl(b);
    return true;
  }

  // ---- replies the reader sends itself (requests Weft does not serve: no thread for them) ----

  /**
   * Sends {@code headers} and then {@code body} as the windows allow, ending the stream, without
   * ever blocking: what the windows do not allow now goes out from the reader as they open. Reader
   * thread only; for small bodies.
   */
  public void sendLater(Fields headers, byte[] body) {
    Buffer b = new Buffer(256);
    conn.encodeHeaders(b, id, headers, body.length == 0);
    if (body.length == 0) {
      conn.lock.lock();
      try {
        localEnd = true;
        if (remoteEnd) {
          conn.close(this);
        }
      } finally {
        conn.lock.unlock();
      }
      conn.sendControl(b);
      return;
    }
    later = body;
    laterOff = 0;
    laterEnd = true;
    drainLater(b);
  }

  /** Sends more of the {@link #sendLater} body if the windows allow; reader thread. */
  void drainLater(Buffer b) {
    if (later == null) {
      if (b != null && b.size() > 0) {
        conn.sendControl(b);
      }
      return;
    }
    int n;
    boolean done;
    conn.lock.lock();
    try {
      if (closed || localEnd) {
        later = null;
        return;
      }
      n =
          (int)
              Math.max(0, Math.min(Math.min(sendWindow, conn.sendWindow), later.length - laterOff));
      sendWindow -= n;
      conn.sendWindow -= n;
      done = laterOff + n == later.length;
      if (done && laterEnd) {
        localEnd = true;
      }
      if (n == 0 && !done) {
        conn.blockOnConnection(
            this); // woken through drainLater again when the connection window opens
      }
    } finally {
      conn.lock.unlock();
    }
    if (b == null) {
      b = new Buffer(n + 32);
    }
    if (n > 0 || done) {
      Frames.data(b, id, later, laterOff, n, done && laterEnd, conn.peerMaxFrameSize());
    }
    laterOff += n;
    if (done) {
      later = null;
      conn.lock.lock();
      try {
        if (remoteEnd || resetSent) {
          conn.close(this);
        }
      } finally {
        conn.lock.unlock();
      }
    }
    if (b.size() > 0) {
      conn.sendControl(b);
    }
  }

  boolean hasLater() {
    return later != null;
  }

  @Override
  public String toString() {
    return "Http2Stream{"
        + id
        + (localEnd ? " local-end" : "")
        + (remoteEnd ? " remote-end" : "")
        + (closed ? " closed" : "")
        + "}";
  }
}
