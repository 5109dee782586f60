package io.weft.client.internal;

import io.weft.api.Deadline;
import io.weft.api.Metadata;
import io.weft.api.RpcException;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.grpc.GrpcCallMeta;
import io.weft.internal.wire.grpc.GrpcCompression;
import io.weft.internal.wire.grpc.GrpcHeaders;
import io.weft.internal.wire.grpc.GrpcInbound;
import io.weft.internal.wire.http2.ErrorCode;
import io.weft.internal.wire.http2.Fields;
import io.weft.internal.wire.http2.Http2Stream;
import io.weft.internal.wire.http2.StreamException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One gRPC call's HTTP/2 stream on the client: what the connection's reader delivers (response
 * headers, messages, trailers, resets) and what the caller's threads wait for. The call ends once,
 * with a {@link Status}: from the trailers, a reset, a local cancel or deadline, or the
 * connection's loss. Messages that arrived before the end are delivered first, unless this side
 * cancelled.
 *
 * <p>Locking: {@link #lock} guards the header and status state; it is never held while calling into
 * the stream (which takes the connection's lock).
 */
final class GrpcStream implements Http2Stream.Listener {
  private final String address;
  private final int maxInbound;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile Http2Stream stream;
  private volatile GrpcInbound inbound;
  private volatile Status status;
  private volatile boolean localClosed;
  // guarded by lock
  private Metadata headers;
  private Metadata trailers = new Metadata();
  private boolean trailersOnly;

  GrpcStream(String address, int maxInbound) {
    this.address = address;
    this.maxInbound = maxInbound;
  }

  /**
   * The stream is open (events may have arrived before this, through the listener's own argument).
   */
  void opened(Http2Stream s, boolean requestEnded) {
    stream = s;
    if (requestEnded) {
      localClosed = true;
    }
  }

  // ---- the reader thread ----

  @Override
  public void headers(Http2Stream s, Fields fields, boolean endStream) {
    stream = s;
    Status end = null;
    boolean cancel = false;
    lock.lock();
    try {
      if (status != null) {
        return;
      }
      if (headers == null) {
        headers = GrpcCallMeta.metadata(fields);
        Status problem = checkResponse(fields);
        String encoding = fields.get(GrpcHeaders.GRPC_ENCODING);
        if (problem == null && !GrpcCompression.supported(encoding)) {
          problem =
              Status.of(
                  StatusCode.INTERNAL, "the server used unsupported grpc-encoding " + encoding);
        }
        if (endStream) {
          trailers = headers;
          trailersOnly = true;
          end = problem != null ? problem : GrpcCallMeta.status(fields);
        } else if (problem != null) {
          end = problem;
          cancel = true;
        } else {
          inbound = new GrpcInbound(s, maxInbound, encoding);
          changed.signalAll();
        }
      } else {
        trailers = GrpcCallMeta.metadata(fields);
        end = GrpcCallMeta.status(fields);
      }
    } finally {
      lock.unlock();
    }
    if (end != null) {
      complete(end, cancel);
    }
  }

  @Override
  public void data(Http2Stream s, byte[] b, int off, int len, boolean endStream) {
    GrpcInbound in = inbound;
    if (in == null) {
      s.consumed(len);
      complete(
          Status.of(StatusCode.INTERNAL, "DATA before the response headers from " + address), true);
      return;
    }
    try {
      in.data(b, off, len);
    } catch (RpcException e) {
      complete(e.status(), true);
      return;
    }
    if (endStream) {
      complete(
          Status.of(StatusCode.INTERNAL, "the server ended the stream without trailers"), false);
    }
  }

  @Override
  public void reset(Http2Stream s, StreamException why) {
    Status st;
    if (why.kind() == StreamException.Kind.REFUSED) {
      st = Status.of(StatusCode.UNAVAILABLE, why.getMessage());
    } else if (why.kind() == StreamException.Kind.CONNECTION_LOST) {
      st = Status.of(StatusCode.UNAVAILABLE, why.getMessage()).withCause(why);
    } else if (why.kind() == StreamException.Kind.RESET_BY_PEER) {
      StatusCode code =
          switch (why.code()) {
            case CANCEL -> StatusCode.CANCELLED;
            case REFUSED_STREAM -> StatusCode.UNAVAILABLE;
            case ENHANCE_YOUR_CALM -> StatusCode.RESOURCE_EXHAUSTED;
            case INADEQUATE_SECURITY -> StatusCode.PERMISSION_DENIED;
            default -> StatusCode.INTERNAL;
          };
      st = Status.of(code, "the server reset the stream (" + why.code() + ")");
    } else {
      st = Status.of(StatusCode.INTERNAL, why.getMessage());
    }
    completeFailure(
        why.kind() == StreamException.Kind.REFUSED ? new UnsentException(st) : null, st);
  }

  // ---- the caller's threads ----

  /** Throws if no more data may be sent: the call has ended or the request side is closed. */
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

  /**
   * Sends DATA (a message, or with {@code endStream} the end of the request), waiting for window
   * until {@code deadline}.
   */
  void write(byte[] data, int off, int len, boolean endStream, Deadline deadline) {
    try {
      stream.write(null, data, off, len, null, endStream, deadline, true);
    } catch (StreamException e) {
      Status s = status;
      if (s == null) {
        s =
            e.kind() == StreamException.Kind.DEADLINE
                ? Status.of(
                    StatusCode.DEADLINE_EXCEEDED, "deadline exceeded waiting to send to " + address)
                : e.kind() == StreamException.Kind.RESET_BY_PEER
                    ? Status.of(
                        StatusCode.CANCELLED, "the server reset the stream (" + e.code() + ")")
                    : Status.of(
                        StatusCode.UNAVAILABLE,
                        "cannot send to " + address + ": " + e.getMessage());
        cancel(s);
        s = status;
      }
      if (s.isOk()) {
        return; // the server finished first; what was left to send does not matter
      }
      throw s.asException();
    }
    if (endStream) {
      localClosed = true;
    }
  }

  /**
   * The next message; null once the call ended with OK and every message was taken.
   *
   * @throws RpcException the call's failure, after the messages that came before it
   */
  byte[] take(Deadline deadline) {
    GrpcInbound in = awaitInbound(deadline);
    if (in == null) {
      Status s = status;
      if (s.isOk()) {
        return null;
      }
      RuntimeException refused = unsent;
      throw refused != null ? refused : GrpcCallMeta.failure(s, trailers());
    }
    try {
      return in.take(
          deadline,
          () -> {
            cancel(
                Status.of(
                    StatusCode.DEADLINE_EXCEEDED, "deadline exceeded waiting for " + address));
            return status.asException();
          });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel(Status.of(StatusCode.CANCELLED, "interrupted while waiting for " + address));
      throw status.asException();
    }
  }

  /** The message queue once response headers came; null if the call ended without them. */
  private GrpcInbound awaitInbound(Deadline deadline) {
    lock.lock();
    try {
      while (inbound == null && status == null) {
        await(deadline);
      }
      return inbound;
    } finally {
      lock.unlock();
    }
  }

  /** The response headers, waiting for them (empty for a trailers-only response). */
  Metadata awaitHeaders(Deadline deadline) {
    lock.lock();
    try {
      while (headers == null && status == null) {
        await(deadline);
      }
      return headers == null || trailersOnly ? new Metadata() : headers;
    } finally {
      lock.unlock();
    }
  }

  /** Waits for the end of the call and returns its status. */
  Status awaitStatus(Deadline deadline) {
    lock.lock();
    try {
      while (status == null) {
        await(deadline);
      }
      return status;
    } finally {
      lock.unlock();
    }
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

  /**
   * Ends the call from this side (cancel, deadline, local error): the server sees
   * RST_STREAM(CANCEL).
   */
  void cancel(Status why) {
    complete(why, true);
  }

  /**
   * Waits for a change, holding {@link #lock}; past the deadline, cancels the call (which signals).
   */
  @SuppressWarnings("WaitNotInLoop") // one wait: every caller loops, re-checking its condition
  private void await(Deadline deadline) {
    try {
      if (deadline == null) {
        changed.await();
        return;
      }
      long left = deadline.remainingNanos();
      if (left <= 0) {
        lock.unlock();
        try {
          cancel(
              Status.of(StatusCode.DEADLINE_EXCEEDED, "deadline exceeded waiting for " + address));
        } finally {
          lock.lock();
        }
        return;
      }
      changed.await(left, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lock.unlock();
      try {
        cancel(Status.of(StatusCode.CANCELLED, "interrupted while waiting for " + address));
      } finally {
        lock.lock();
      }
    }
  }

  /**
   * Ends the call with {@code s} unless it already ended. {@code local}: this side ends it, so the
   * server gets RST_STREAM(CANCEL) and queued messages are dropped. When the server finishes while
   * requests could still be sent, the stream is reset with NO_ERROR, so it can be released.
   */
  private void complete(Status s, boolean local) {
    if (!end(s)) {
      return;
    }
    GrpcInbound in = inbound;
    if (local) {
      if (in != null) {
        in.fail(s.asException());
      }
    } else if (in != null) {
      in.end(s.isOk() ? null : GrpcCallMeta.failure(s, trailers()));
    }
    Http2Stream st = stream;
    if (st != null && (local || !localClosed)) {
      st.reset(local ? ErrorCode.CANCEL : ErrorCode.NO_ERROR); // a no-op once the stream is over
    }
  }

  /** Sets the call's status and wakes its waiters; false if it had one already. */
  private boolean end(Status s) {
    lock.lock();
    try {
      if (status != null) {
        return false;
      }
      status = s;
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The call failed from outside: messages already queued come first, then {@code e} (or the
   * status's exception).
   */
  private void completeFailure(RuntimeException e, Status s) {
    unsent = e;
    if (!end(s)) {
      return;
    }
    GrpcInbound in = inbound;
    if (in != null) {
      in.end(e != null ? e : GrpcCallMeta.failure(s, trailers()));
    }
  }

  /**
   * Set when the call failed before the server processed it (refused stream, GOAWAY): safe to
   * retry.
   */
  private volatile RuntimeException unsent;

  /** Whether the call failed before the server processed it. */
  boolean wasRefused() {
    return unsent != null;
  }

  private static Status checkResponse(Fields h) {
    boolean hasStatus = h.get(GrpcHeaders.GRPC_STATUS) != null;
    String http = h.get(":status");
    if (!"200".equals(http) && !hasStatus) {
      StatusCode code =
          switch (http == null ? "" : http) {
            case "400" -> StatusCode.INTERNAL;
            case "401" -> StatusCode.UNAUTHENTICATED;
            case "403" -> StatusCode.PERMISSION_DENIED;
            case "404" -> StatusCode.UNIMPLEMENTED;
            case "429", "502", "503", "504" -> StatusCode.UNAVAILABLE;
            default -> StatusCode.UNKNOWN;
          };
      return Status.of(code, "HTTP status " + http + " from the server");
    }
    String ct = h.get("content-type");
    if (!GrpcHeaders.isGrpc(ct) && !hasStatus) {
      return Status.of(StatusCode.UNKNOWN, "the response has content-type " + ct + ", not gRPC");
    }
    return null;
  }
}
