package io.weft.internal.wire.http2;

import io.weft.internal.wire.Buffer;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * grpc-java's keepalive for one connection: after {@code keepAliveTime} with nothing read, a PING;
 * if nothing is read for {@code keepAliveTimeout} after it, the peer is gone and the connection is
 * lost (its streams fail at once). A client pings only while it has streams open (grpc-java's
 * {@code keepAliveWithoutCalls} false). Runs on the connection's timer; the reader only notes what
 * it read ({@link #read}).
 */
final class KeepAlive {
  /** The PING payload of keepalive pings ("weft!"). */
  static final long PING = 0x7765667421L;

  private final Http2Connection c;
  private final long time;
  private final long timeout;
  private volatile long lastRead = System.nanoTime();
  private volatile long pingSent;
  private volatile ScheduledFuture<?> task;

  KeepAlive(Http2Connection c) {
    this.c = c;
    this.time = c.config.keepAliveTime().toNanos();
    this.timeout = c.config.keepAliveTimeout().toNanos();
  }

  void start() {
    if (time > 0) {
      task = c.config.timer().schedule(this::check, time, TimeUnit.NANOSECONDS);
    }
  }

  /** The reader read a frame: the peer is alive. */
  void read() {
    lastRead = System.nanoTime();
  }

  /** Our keepalive PING came back. */
  void acked() {
    pingSent = 0;
  }

  void stop() {
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
    }
  }

  private void check() {
    if (c.lostCause() != null) {
      return;
    }
    long now = System.nanoTime();
    long sent = pingSent;
    long read = lastRead;
    long next;
    if (sent != 0 && read - sent < 0) {
      if (now - sent >= timeout) {
        c.lose(
            new IOException(
                "keepalive PING not answered within "
                    + TimeUnit.NANOSECONDS.toMillis(timeout)
                    + " ms"));
        return;
      }
      next = sent + timeout - now;
    } else if (now - read >= time && (!c.client || c.activeStreams() > 0)) {
      pingSent = now;
      Buffer b = new Buffer(17);
      Frames.ping(b, false, PING);
      c.sendControl(b);
      next =
          Math.min(
              time,
              timeout); // once answered, the next ping is due keepAliveTime after the answer, not
      // after the timeout
    } else {
      pingSent = 0;
      next =
          now - read >= time
              ? time
              : read + time - now; // a client with no calls open looks again later
    }
    task =
        c.config
            .timer()
            .schedule(
                this::check,
                Math.max(next, TimeUnit.MILLISECONDS.toNanos(1)),
                TimeUnit.NANOSECONDS);
  }
}
