package io.weft.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a condition that the code under test offers no signal for (open file descriptors, a
 * server's count of running calls, a socket's state), without spinning one of the machine's cores:
 * the condition is checked every millisecond until it holds or the time is up. The caller then
 * asserts the condition itself, so that a timeout fails with the test's own message. Shared by
 * every module's tests through toolkit-api's test jar.
 */
public final class Await {
  private static final long CHECK_EVERY_NANOS = 1_000_000;

  private Await() {}

  /** A condition to wait for; one that cannot be checked fails the test. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** Returns as soon as {@code condition} holds, or after {@code within}; says whether it held. */
  public static boolean until(Condition condition, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!check(condition)) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      LockSupport.parkNanos(CHECK_EVERY_NANOS);
    }
    return true;
  }

  private static boolean check(Condition condition) {
    try {
      return condition.holds();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("could not check the condition waited for", e);
    }
  }

  /**
   * Whether a new connection to 127.0.0.1:{@code port} is refused, or reset as it is made (one that
   * raced into a closing listener's backlog).
   */
  public static boolean refusesConnections(int port) throws java.io.IOException {
    try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
      return false;
    } catch (java.net.SocketException refused) {
      return true;
    }
  }

  /**
   * Waits until {@code sender} is held back by HTTP/2 flow control: inside the engine's wait for
   * the peer's window (or socket room), {@code Http2Stream.awaitWindow}, which it enters only once
   * it has nothing it may send. Unlike a thread state of WAITING, which a thread blocked on any
   * lock or queue also shows, this is the one place a sender waits for its peer.
   */
  public static boolean untilWaitingForWindow(
      java.util.function.Supplier<Thread> sender, Duration within) {
    return until(
        () -> {
          Thread t = sender.get();
          if (t == null) {
            return false;
          }
          for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().equals("io.weft.internal.wire.http2.Http2Stream")
                && frame.getMethodName().equals("awaitWindow")) {
              return true;
            }
          }
          return false;
        },
        within);
  }
}
