package io.weft.api;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An absolute point in time by which a call must complete, on the monotonic clock. Created once at
 * the edge ({@link #after}) and passed down: every timeout inside a call is derived from it, and it
 * travels to the callee (TTHeader {@code RPCTimeout}, gRPC {@code grpc-timeout}) as the time
 * remaining. Immutable.
 */
public final class Deadline implements Comparable<Deadline> {
  private final long nanoTime;

  private Deadline(long nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** The deadline {@code timeout} from now. */
  public static Deadline after(Duration timeout) {
    return new Deadline(System.nanoTime() + saturatedNanos(timeout));
  }

  /** The deadline {@code amount unit}s from now. */
  public static Deadline after(long amount, TimeUnit unit) {
    return new Deadline(System.nanoTime() + unit.toNanos(amount));
  }

  /** Time left, which is negative once the deadline has passed. */
  public Duration remaining() {
    return Duration.ofNanos(remainingNanos());
  }

  public long remainingNanos() {
    return nanoTime - System.nanoTime();
  }

  /** Time left in whole milliseconds, rounded up, never below zero. */
  public long remainingMillis() {
    long n = remainingNanos();
    return n <= 0 ? 0 : (n + 999_999) / 1_000_000;
  }

  public boolean isExpired() {
    return remainingNanos() <= 0;
  }

  /** The earlier of this and {@code other}. */
  public Deadline min(Deadline other) {
    return other == null || compareTo(other) <= 0 ? this : other;
  }

  @Override
  public int compareTo(Deadline o) {
    return Long.compare(nanoTime - o.nanoTime, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Deadline d && d.nanoTime == nanoTime;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(nanoTime);
  }

  @Override
  public String toString() {
    return "Deadline{remaining=" + remaining() + "}";
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
    }
  }
}
