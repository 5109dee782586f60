package io.weft.client.internal;

import io.weft.api.ClientConfig;
import io.weft.api.Deadline;
import io.weft.api.RpcException;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.TTHeaderCallMeta;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Long-lived connections to one address, each carrying one call at a time (Kitex's default long
 * connection pool). A call borrows an idle connection or dials a new one, writes, reads its reply
 * on the caller's own thread, and returns the connection. Idle connections beyond {@code
 * maxIdlePerAddress}, or idle for longer than {@code idleTimeout}, are closed.
 */
final class ExclusivePool implements SocketPool {
  private final HostPort target;
  private final Dialer dialer;
  private final Framing framing;
  private final ClientConfig config;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private volatile boolean closed;

  ExclusivePool(HostPort target, Framing framing, ClientConfig config, Dialer dialer) {
    this.dialer = dialer;
    this.target = target;
    this.framing = framing;
    this.config = config;
  }

  @Override
  public Envelope exchange(Buffer request, int seqId, Deadline deadline, boolean oneway) {
    Connection c = borrow();
    boolean reused = c != null;
    if (c == null) {
      c = dial(deadline);
    }
    try {
      return exchangeOn(c, request, seqId, deadline, oneway);
    } catch (StaleConnection e) {
      if (!reused) {
        throw Failures.of(e.getCause(), target.toString(), true);
      }
    }
    // an idle connection the server had closed meanwhile: try once more on a fresh one
    try {
      return exchangeOn(dial(deadline), request, seqId, deadline, oneway);
    } catch (StaleConnection e) {
      throw Failures.of(e.getCause(), target.toString(), true);
    }
  }

  private Envelope exchangeOn(
      Connection c, Buffer request, int seqId, Deadline deadline, boolean oneway) {
    try {
      c.write(request);
    } catch (IOException e) {
      c.close();
      throw new StaleConnection(e);
    }
    if (oneway) {
      giveBack(c);
      return null;
    }
    Envelope reply;
    try {
      reply = c.read(deadline);
    } catch (IOException | RuntimeException e) {
      c.close();
      if (e instanceof java.io.EOFException
          || (e instanceof IOException
              && !(e instanceof java.net.SocketTimeoutException)
              && !Thread.currentThread().isInterrupted())) {
        throw new StaleConnection(e);
      }
      throw Failures.of(e, target.toString(), true);
    }
    if (reply == null) {
      c.close();
      throw new StaleConnection(new java.io.EOFException("closed by " + target));
    }
    if (reply.seqId() != seqId) {
      c.close();
      throw Status.of(
              StatusCode.INTERNAL,
              "reply from " + target + " has sequence id " + reply.seqId() + ", expected " + seqId)
          .asException();
    }
    if (TTHeaderCallMeta.resetRequested(reply.header())) {
      c.close();
    } else {
      giveBack(c);
    }
    return reply;
  }

  private Connection dial(Deadline deadline) {
    if (closed) {
      throw Status.of(StatusCode.UNAVAILABLE, "client is closed").asException();
    }
    return Connection.open(target, framing, config.maxFrameSize(), dialer, deadline);
  }

  private Connection borrow() {
    long now = System.nanoTime();
    long maxIdle = config.idleTimeout().toNanos();
    lock.lock();
    try {
      Connection c;
      while ((c = idle.pollLast()) != null) {
        if (maxIdle > 0 && now - c.idleSinceNanos > maxIdle) {
          c.close();
          continue;
        }
        return c;
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  private void giveBack(Connection c) {
    c.idleSinceNanos = System.nanoTime();
    lock.lock();
    try {
      if (!closed && idle.size() < config.maxIdlePerAddress()) {
        idle.addLast(c);
        return;
      }
    } finally {
      lock.unlock();
    }
    c.close();
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      for (Connection c : idle) {
        c.close();
      }
      idle.clear();
    } finally {
      lock.unlock();
    }
  }

  /** A failure that means the connection was dead before the server could have read the request. */
  private static final class StaleConnection extends RpcException {
    private static final long serialVersionUID = 1L;

    StaleConnection(Throwable cause) {
      super(Status.of(StatusCode.UNAVAILABLE, "stale connection").withCause(cause));
    }
  }
}
