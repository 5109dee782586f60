package io.weft.client;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a condition that the code under test offers no signal for (a server's count of running
 * calls, a listener's close), without spinning one of the machine's cores: the condition is checked
 * every millisecond until it holds or the time is up. The caller then asserts the condition itself,
 * so that a timeout fails with the test's own message.
 */
final class Await {
  private static final long CHECK_EVERY_NANOS = 1_000_000;

  private Await() {}

  /** A condition to wait for; one that cannot be checked fails the test. */
  @FunctionalInterface
  interface Condition {
    boolean holds() throws Exception;
  }

  /** Returns as soon as {@code condition} holds, or after {@code within}; says whether it held. */
  static boolean until(Condition condition, Duration within) {
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
  static boolean refusesConnections(int port) throws IOException {
    try (Socket probe = new Socket("127.0.0.1", port)) {
      return false;
    } catch (SocketException refused) {
      return true;
    }
  }
}
