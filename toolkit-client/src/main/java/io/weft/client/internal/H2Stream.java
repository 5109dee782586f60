package io.weft.client.internal;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.http2.Http2FrameHeader;
import io.helidon.http.http2.Http2Headers;
import io.helidon.http.http2.Http2Priority;
import io.helidon.http.http2.Http2RstStream;
import io.helidon.http.http2.Http2StreamState;
import io.helidon.http.http2.Http2WindowUpdate;
import io.helidon.http.http2.StreamFlowControl;
import io.weft.api.BizStatusException;
import io.weft.api.Deadline;
import io.weft.api.Metadata;
import io.weft.api.RpcException;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.wire.BizStatus;
import io.weft.wire.WireException;
import io.weft.wire.grpc.GrpcCompression;
import io.weft.wire.grpc.GrpcDeframer;
import io.weft.wire.grpc.GrpcHeaders;
import io.weft.wire.grpc.GrpcStatusMessages;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One gRPC call's HTTP/2 stream on the client: what the reader thread delivers (response headers,
 * messages, trailers, resets) and what the caller's threads wait for. The call ends once, with a
 * {@link Status}: from the trailers, a reset, a local cancel or deadline, or the connection's
 * failure. Messages that arrived before a failure are delivered first.
 *
 * <p>Locking: {@link #lock} guards the receive state and is never held while writing to the
 * socket or taking the connection's locks; what must follow a state change (RST_STREAM, waking
 * writers, releasing the stream) runs after it is released.
 */
final class H2Stream {
  /** Complete messages queued beyond this many bytes stop the stream's window from reopening. */
  private static final int QUEUE_LIMIT = 1 << 20;
  private static final int ACK_BATCH = 16 * 1024;
  private static final int RST_NONE = -1;

  private final H2Connection conn;
  private final int id;
  private final int maxInbound;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<byte[]> messages = new ArrayDeque<>();
  /** Guarded by the connection's window lock. */
  long sendWindow;

  private volatile Status status;
  private volatile boolean localClosed;
  // guarded by lock
  private Metadata headers;
  private Metadata trailers = new Metadata();
  private boolean trailersOnly;
  private int queuedBytes;
  private int unacked;
  private int deferred;
  private boolean resetSent;
  private boolean released;
  // confined to the reader thread (set once under lock before any DATA is accepted)
  private GrpcDeframer deframer;

  H2Stream(H2Connection conn, int id, int initialSendWindow, int maxInbound) {
    this.conn = conn;
    this.id = id;
    this.sendWindow = initialSendWindow;
    this.maxInbound = maxInbound;
  }

  int id() {
    return id;
  }

  /** What HPACK's decoder needs as "the stream": nothing but an id. */
  io.helidon.http.http2.Http2Stream helidonView() {
    return new HpackStream(id);
  }

  // ---- reader thread ----

  void onHeaders(Http2Headers h, boolean endStream) {
    int rst = RST_NONE;
    lock.lock();
    try {
      if (status != null) {
        return;
      }
      if (headers == null) {
        headers = metadataOf(h);
        Status problem = checkResponse(h);
        String encoding = h.httpHeaders().first(HeaderNames.create(GrpcHeaders.GRPC_ENCODING)).orElse(null);
        if (problem == null && !GrpcCompression.supported(encoding)) {
          problem = Status.of(StatusCode.INTERNAL, "the server used unsupported grpc-encoding " + encoding);
        }
        if (endStream) {
          trailers = headers;
          trailersOnly = true;
          rst = complete(problem != null ? problem : statusOf(h), false);
        } else if (problem != null) {
          rst = complete(problem, true);
        } else {
          deframer = new GrpcDeframer(maxInbound, encoding);
          changed.signalAll();
        }
      } else {
        trailers = metadataOf(h);
        rst = complete(statusOf(h), false);
      }
    } finally {
      lock.unlock();
    }
    after(rst);
  }

  void onData(byte[] payload, int off, int end, int frameLength, boolean endStream) {
    int rst = RST_NONE;
    lock.lock();
    try {
      if (status != null) {
        return;
      }
      if (deframer == null) {
        rst = complete(Status.of(StatusCode.INTERNAL, "DATA before response headers"), true);
      } else {
        try {
          deframer.feed(payload, off, end - off, m -> {
            messages.add(m);
            queuedBytes += m.length + 5;
          });
          if (queuedBytes > QUEUE_LIMIT) {
            deferred += frameLength;
          } else {
            unacked += frameLength;
          }
          if (endStream) {
            rst = complete(Status.of(StatusCode.INTERNAL, "the server ended the stream without trailers"), false);
          } else {
            changed.signalAll();
          }
        } catch (RpcException e) {
          rst = complete(e.status(), true);
        }
      }
    } finally {
      lock.unlock();
    }
    after(rst);
    maybeAck();
  }

  void onReset(int errorCode) {
    lock.lock();
    try {
      resetSent = true; // the peer reset it: nothing more goes out
      if (status == null) {
        StatusCode code = switch (errorCode) {
          case 0x8 -> StatusCode.CANCELLED;
          case 0x7 -> StatusCode.UNAVAILABLE;
          case 0xb -> StatusCode.RESOURCE_EXHAUSTED;
          case 0xc -> StatusCode.PERMISSION_DENIED;
          default -> StatusCode.INTERNAL;
        };
        String why = errorCode == 0x7
            ? "the server refused the stream; the call was not processed"
            : "the server reset the stream (HTTP/2 error " + errorCode + ")";
        complete(Status.of(code, why), false);
      }
    } finally {
      lock.unlock();
    }
    after(RST_NONE);
  }

  /** The connection failed (or the server is going away and never saw this stream). */
  void fail(RpcException e) {
    lock.lock();
    try {
      resetSent = true;
      complete(e.status(), false);
    } finally {
      lock.unlock();
    }
    after(RST_NONE);
  }

  // ---- caller threads ----

  void localClosed() {
    localClosed = true;
  }

  /** Throws if no more data may be sent: the call has ended or the request side is closed. Lock-free. */
  void checkWritable() {
    Status s = status;
    if (s != null) {
      if (s.isOk()) {
        throw new IllegalStateException("the call has already completed");
      }
      throw s.asException();
    }
    if (localClosed) {
      throw new IllegalStateException("the request side is already closed");
    }
  }

  void writeData(byte[] data, int off, int len, boolean endStream, Deadline deadline) {
    try {
      conn.writeData(this, data, off, len, endStream, deadline, true);
    } catch (RpcException e) {
      if (status == null) {
        cancel(e.status());
      }
      throw e;
    }
    if (endStream) {
      after(RST_NONE); // the stream may now be fully done
    }
  }

  /**
   * The next message; null once the call ended with OK and every message was taken.
   *
   * @throws RpcException the call's failure, after the messages that came before it
   */
  byte[] take(Deadline deadline) {
    byte[] m;
    Status failed = null;
    Metadata failedTrailers = null;
    int rst = RST_NONE;
    lock.lock();
    try {
      while (messages.isEmpty() && status == null) {
        rst = await(deadline);
      }
      m = messages.poll();
      if (m == null) {
        if (!status.isOk()) {
          failed = status;
          failedTrailers = trailers;
        }
      } else {
        queuedBytes -= m.length + 5;
        if (queuedBytes <= QUEUE_LIMIT && deferred > 0) {
          unacked += deferred;
          deferred = 0;
        }
      }
    } finally {
      lock.unlock();
    }
    after(rst);
    if (failed != null) {
      throw failure(failed, failedTrailers);
    }
    maybeAck();
    return m;
  }

  /** The response headers, waiting for them (empty for a trailers-only response). */
  Metadata awaitHeaders(Deadline deadline) {
    int rst = RST_NONE;
    Metadata h;
    lock.lock();
    try {
      while (headers == null && status == null) {
        rst = await(deadline);
      }
      h = headers == null || trailersOnly ? new Metadata() : headers;
    } finally {
      lock.unlock();
    }
    after(rst);
    return h;
  }

  /** Waits for the end of the call and returns its status. */
  Status awaitStatus(Deadline deadline) {
    int rst = RST_NONE;
    lock.lock();
    try {
      while (status == null) {
        rst = await(deadline);
      }
    } finally {
      lock.unlock();
    }
    after(rst);
    return status;
  }

  Metadata trailers() {
    lock.lock();
    try {
      return status == null ? new Metadata() : trailers;
    } finally {
      lock.unlock();
    }
  }

  boolean isDone() {
    return status != null;
  }

  /** Ends the call from this side (cancel, deadline, local error): the server sees RST_STREAM(CANCEL). */
  void cancel(Status why) {
    int rst;
    lock.lock();
    try {
      rst = complete(why, true);
    } finally {
      lock.unlock();
    }
    after(rst);
  }

  /** Waits for a change; past the deadline, ends the call with DEADLINE_EXCEEDED. Holds {@link #lock}. */
  private int await(Deadline deadline) {
    try {
      if (deadline == null) {
        changed.await();
        return RST_NONE;
      }
      long left = deadline.remainingNanos();
      if (left <= 0) {
        return complete(Status.of(StatusCode.DEADLINE_EXCEEDED, "deadline exceeded waiting for " + conn.address()), true);
      }
      changed.awaitNanos(left);
      return RST_NONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return complete(Status.of(StatusCode.CANCELLED, "interrupted while waiting for " + conn.address()), true);
    }
  }

  /**
   * Ends the call with {@code s} unless it already ended. Holds {@link #lock}. Returns the RST_STREAM
   * code to send once the lock is released: CANCEL when this side ends it ({@code local}), NO_ERROR
   * when the server finished while requests could still be sent (so it can release the stream).
   */
  private int complete(Status s, boolean local) {
    if (status != null) {
      return RST_NONE;
    }
    status = s;
    changed.signalAll();
    if (resetSent) {
      return RST_NONE;
    }
    if (local) {
      resetSent = true;
      return 0x8;
    }
    if (!localClosed) {
      resetSent = true;
      return 0x0;
    }
    return RST_NONE;
  }

  /** What follows a state change, outside {@link #lock}: the reset, waking writers, releasing the stream. */
  private void after(int rst) {
    if (rst != RST_NONE) {
      conn.writeRst(id, rst);
    }
    if (status != null) {
      conn.signalWindow();
      boolean release;
      lock.lock();
      try {
        release = !released && (localClosed || resetSent);
        released |= release;
      } finally {
        lock.unlock();
      }
      if (release) {
        conn.streamClosed(this);
      }
    }
  }

  private void maybeAck() {
    int ack;
    lock.lock();
    try {
      if (status != null || unacked < ACK_BATCH) {
        return;
      }
      ack = unacked;
      unacked = 0;
    } finally {
      lock.unlock();
    }
    conn.writeWindowUpdate(id, ack);
  }

  private static Status checkResponse(Http2Headers h) {
    boolean hasStatus = h.httpHeaders().contains(HeaderNames.create(GrpcHeaders.GRPC_STATUS));
    io.helidon.http.Status http = h.status();
    if (http != null && http.code() != 200 && !hasStatus) {
      StatusCode code = switch (http.code()) {
        case 400 -> StatusCode.INTERNAL;
        case 401 -> StatusCode.UNAUTHENTICATED;
        case 403 -> StatusCode.PERMISSION_DENIED;
        case 404 -> StatusCode.UNIMPLEMENTED;
        case 429, 502, 503, 504 -> StatusCode.UNAVAILABLE;
        default -> StatusCode.UNKNOWN;
      };
      return Status.of(code, "HTTP status " + http.code() + " from the server");
    }
    String ct = h.httpHeaders().first(HeaderNames.CONTENT_TYPE).orElse(null);
    if (!GrpcHeaders.isGrpc(ct) && !hasStatus) {
      return Status.of(StatusCode.UNKNOWN, "the response has content-type " + ct + ", not gRPC");
    }
    return null;
  }

  /** What a call that ended with {@code status} throws: a Kitex business error if the trailers carry one. */
  private static RuntimeException failure(Status status, Metadata trailers) {
    if (trailers != null && trailers.containsKey(BizStatusException.STATUS_KEY)) {
      try {
        BizStatusException biz = BizStatus.read(trailers::get, status.description().orElse(""));
        if (biz != null) {
          return biz;
        }
      } catch (WireException e) {
        return Status.of(StatusCode.INTERNAL, e.getMessage()).asException(trailers);
      }
    }
    return status.asException(trailers);
  }

  private static Status statusOf(Http2Headers h) {
    String code = h.httpHeaders().first(HeaderNames.create(GrpcHeaders.GRPC_STATUS)).orElse(null);
    if (code == null) {
      return Status.of(StatusCode.UNKNOWN, "the server sent no grpc-status");
    }
    StatusCode c;
    try {
      c = StatusCode.fromValue(Integer.parseInt(code.strip()));
    } catch (NumberFormatException e) {
      return Status.of(StatusCode.UNKNOWN, "malformed grpc-status " + code);
    }
    String msg = h.httpHeaders().first(HeaderNames.create(GrpcHeaders.GRPC_MESSAGE)).orElse(null);
    return msg == null ? Status.of(c) : Status.of(c, GrpcStatusMessages.decode(msg));
  }

  private static Metadata metadataOf(Http2Headers h) {
    Metadata md = new Metadata();
    for (Header header : h.httpHeaders()) {
      String name = header.name().toLowerCase(Locale.ROOT);
      if (!GrpcHeaders.isReserved(name)) {
        for (String v : header.allValues()) {
          md.add(name, v);
        }
      }
    }
    return md;
  }

  /** The minimal {@link io.helidon.http.http2.Http2Stream} HPACK decoding asks for. */
  record HpackStream(int id) implements io.helidon.http.http2.Http2Stream {
    @Override
    public boolean rstStream(Http2RstStream rstStream) {
      return false;
    }

    @Override
    public void windowUpdate(Http2WindowUpdate windowUpdate) {}

    @Override
    public void headers(Http2Headers headers, boolean endOfStream) {}

    @Override
    public void data(Http2FrameHeader header, BufferData data, boolean endOfStream) {}

    @Override
    public void priority(Http2Priority http2Priority) {}

    @Override
    public int streamId() {
      return id;
    }

    @Override
    public Http2StreamState streamState() {
      return Http2StreamState.OPEN;
    }

    @Override
    public StreamFlowControl flowControl() {
      return null;
    }
  }
}
