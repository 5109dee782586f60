package io.weft.server.internal;

import java.time.Duration;

/**
 * How long a socket connection has been idle, for the server's idle-connection check: since its
 * last whole request (or finished call) when nothing runs on it; and, however much runs, since a
 * write began that has not finished (a peer that stops reading), so that the same timeout closes
 * both. Thread-safe.
 */
final class IdleClock {
  private volatile long lastActivityNanos = System.nanoTime();

  /** When the write in progress began (0: none). */
  private volatile long writeStartedNanos;

  /** A request arrived or a call finished. */
  void touch() {
    lastActivityNanos = System.nanoTime();
  }

  void writeStarted() {
    writeStartedNanos = System.nanoTime();
  }

  void writeEnded() {
    writeStartedNanos = 0;
  }

  /** How long the write in progress has waited, or null if none is. */
  Duration stuckWriting() {
    long started = writeStartedNanos;
    return started == 0 ? null : Duration.ofNanos(System.nanoTime() - started);
  }

  /** The idle time, given whether calls or streams are running on the connection. */
  Duration idleTime(boolean busy) {
    Duration writing = stuckWriting();
    if (writing != null) {
      return writing;
    }
    return busy ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - lastActivityNanos);
  }
}
