package io.weft.client.internal;

import io.weft.api.ClientConfig;
import io.weft.api.Deadline;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.http2.ErrorCode;
import io.weft.internal.wire.http2.Http2Config;
import io.weft.internal.wire.http2.Http2Connection;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The HTTP/2 connections to one address, part of its {@link AddressPool}. Calls share a connection
 * until it reaches the server's {@code MAX_CONCURRENT_STREAMS}; then another is opened. Dead and
 * draining (GOAWAY) connections are dropped on the way. Every wait here (for the lock while another
 * caller dials, for the dial, for the server's SETTINGS) ends at the call's deadline and at the
 * connect timeout.
 */
final class Http2Pool implements AutoCloseable {
  /** Keepalive pings and closing grace periods of every client's connections; never user code. */
  private static final ScheduledExecutorService TIMER = timer();

  private final HostPort target;
  private final Dialer dialer;
  private final ClientConfig config;

  /**
   * Built anew when a server says this client pings too often (then with twice the keepalive time).
   */
  private volatile Http2Config http2;

  private final ReentrantLock lock = new ReentrantLock();
  private final List<Http2Connection> connections = new ArrayList<>();
  private volatile Http2Connection preferred;
  private volatile boolean closed;

  Http2Pool(HostPort target, ClientConfig config, Dialer dialer) {
    this.dialer = dialer;
    this.target = target;
    this.config = config;
    this.http2 =
        Http2Config.builder(TIMER)
            .streamWindow(1 << 20)
            .connectionWindow(16 << 20)
            .keepAlive(config.keepAliveTime(), config.keepAliveTimeout())
            // a sender blocked here is the caller's own thread holding the caller's own message:
            // limits
            // meant for a server's peers that do not read would only fail large requests
            // (UNAVAILABLE)
            .maxPending(Long.MAX_VALUE, Long.MAX_VALUE, null)
            .build();
  }

  private static ScheduledExecutorService timer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "weft-client-timer");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /** {@code https} over TLS, else {@code http}: the {@code :scheme} of requests. */
  String scheme() {
    return dialer.isTls() ? "https" : "http";
  }

  /**
   * A connection with a stream slot reserved for the caller ({@link Http2Connection#tryReserve}),
   * dialing one if every connection is at the server's stream limit. The caller's {@code newStream}
   * uses the slot.
   */
  Http2Connection connection(Deadline deadline) {
    Http2Connection c = preferred;
    if (c != null && c.tryReserve()) {
      return c;
    }
    try {
      // another caller dials meanwhile: bounded by its connect timeout (twice: dial, then SETTINGS)
      long wait = waitNanos(deadline);
      wait = wait == Long.MAX_VALUE ? wait : wait * 3;
      if (deadline != null) {
        wait = Math.min(wait, Math.max(0, deadline.remainingNanos()));
      }
      if (!lock.tryLock(wait, TimeUnit.NANOSECONDS)) {
        throw timedOut(deadline, "waiting for another call to connect to " + target);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.of(StatusCode.CANCELLED, "interrupted while connecting to " + target)
          .asException();
    }
    try {
      if (closed) {
        throw Status.of(StatusCode.UNAVAILABLE, "client is closed").asException();
      }
      for (Http2Connection x : connections) {
        if (!x.isAlive() && x.pingedTooOften()) {
          // as grpc-java: a server that answered our keepalive with GOAWAY too_many_pings gets half
          // as many
          http2 =
              Http2Config.builder(TIMER)
                  .streamWindow(http2.streamWindow())
                  .connectionWindow(http2.connectionWindow())
                  .maxPending(Long.MAX_VALUE, Long.MAX_VALUE, null)
                  .keepAlive(http2.keepAliveTime().multipliedBy(2), http2.keepAliveTimeout())
                  .build();
        }
      }
      connections.removeIf(x -> !x.isAlive());
      List<Http2Connection> byLoad = new ArrayList<>(connections);
      byLoad.sort(Comparator.comparingInt(Http2Connection::activeStreams));
      for (Http2Connection x : byLoad) {
        if (x.tryReserve()) {
          preferred = x;
          return x;
        }
      }
      Http2Connection fresh = open(deadline);
      connections.add(fresh);
      if (!fresh.tryReserve()) {
        throw new UnsentException(
            Status.of(
                StatusCode.UNAVAILABLE,
                "a new HTTP/2 connection to " + target + " allows no stream"));
      }
      preferred = fresh;
      return fresh;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Dials, sends the preface and waits for the server's SETTINGS, within the deadline and the
   * connect timeout.
   */
  private Http2Connection open(Deadline deadline) {
    Socket s = dialer.dial(target, deadline, dialer.isTls() ? "h2" : null);
    Http2Connection c;
    try {
      c =
          Http2Connection.client(
              new io.weft.internal.wire.http2.SocketTransport(s), target.toString(), http2);
    } catch (IOException e) {
      closeQuietly(s);
      throw new UnsentException(
          Status.of(
                  StatusCode.UNAVAILABLE,
                  "HTTP/2 handshake with " + target + " failed: " + e.getMessage())
              .withCause(e));
    }
    try {
      if (!c.awaitSettings(waitNanos(deadline))) {
        String lost = c.lostReason();
        if (lost
            != null) { // the server closed, or sent what is not HTTP/2 (a TLS record, an HTTP/1.x
          // response)
          throw new UnsentException(
              Status.of(
                  StatusCode.UNAVAILABLE, "HTTP/2 handshake with " + target + " failed: " + lost));
        }
        c.close(ErrorCode.SETTINGS_TIMEOUT, "no SETTINGS");
        if (deadline != null && deadline.isExpired()) {
          throw timedOut(deadline, "during the HTTP/2 handshake with " + target);
        }
        throw new UnsentException(
            Status.of(
                StatusCode.UNAVAILABLE,
                "no HTTP/2 SETTINGS from "
                    + target
                    + " within the connect timeout of "
                    + config.connectTimeout().toMillis()
                    + " ms (is it an HTTP/2 server?)"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      c.close(ErrorCode.CANCEL, "interrupted");
      throw Status.of(StatusCode.CANCELLED, "interrupted while connecting").asException();
    }
    return c;
  }

  /**
   * How long a connecting step may wait: until the deadline, and at most the connect timeout (when
   * set).
   */
  private long waitNanos(Deadline deadline) {
    long wait =
        config.connectTimeout().isZero() ? Long.MAX_VALUE : config.connectTimeout().toNanos();
    if (deadline != null) {
      wait = Math.min(wait, Math.max(0, deadline.remainingNanos()));
    }
    return wait;
  }

  private io.weft.api.RpcException timedOut(Deadline deadline, String what) {
    if (deadline != null && deadline.isExpired()) {
      return Status.of(StatusCode.DEADLINE_EXCEEDED, "deadline passed " + what).asException();
    }
    return new UnsentException(
        Status.of(
            StatusCode.UNAVAILABLE,
            "connect timeout of " + config.connectTimeout().toMillis() + " ms passed " + what));
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      for (Http2Connection c : connections) {
        c.close(ErrorCode.NO_ERROR, "the client is closed");
      }
      connections.clear();
      preferred = null;
    } finally {
      lock.unlock();
    }
  }
}
