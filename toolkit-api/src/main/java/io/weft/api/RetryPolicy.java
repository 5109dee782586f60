package io.weft.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Failure retries and backup requests for unary calls (Kitex's {@code retry.Policy}).
 *
 * <p>A call is retried, on another instance when there is one, only when it failed in a way that
 * proves the server never processed it: the connection could not be made, the request could not be
 * written, or an HTTP/2 server refused the stream. A call that may have been processed (a timeout,
 * a reset after the request went out, any status from the server) is never retried, and oneway
 * calls never are. Retries wait a backoff that doubles from {@code initialBackoff} up to {@code
 * maxBackoff}, with full jitter, and never past the call's deadline. A budget keeps retries to a
 * fraction of calls (plus a small allowance), so that retries cannot multiply the load of an
 * outage.
 *
 * <p>With {@code backupDelay} set, a unary call still unanswered after that delay is sent a second
 * time to another instance, and the first answer wins (Kitex's backup request); the budget counts
 * these too.
 *
 * @param maxRetries retries after the first attempt (0: none)
 * @param initialBackoff the first wait before a retry
 * @param maxBackoff the longest wait
 * @param budgetRatio retries and backups allowed per call, on average (e.g. 0.1)
 * @param backupDelay when to send a backup request, or null for none
 */
public record RetryPolicy(
    int maxRetries,
    Duration initialBackoff,
    Duration maxBackoff,
    double budgetRatio,
    Duration backupDelay) {
  public RetryPolicy {
    if (maxRetries < 0 || maxRetries > 10) {
      throw new IllegalArgumentException("maxRetries must be 0..10: " + maxRetries);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (!(budgetRatio >= 0 && budgetRatio <= 1)) {
      throw new IllegalArgumentException("budgetRatio must be 0..1: " + budgetRatio);
    }
  }

  /** Up to {@code maxRetries} retries, backoff 10 ms doubling to 1 s, budget 10% of calls. */
  public static RetryPolicy failureRetry(int maxRetries) {
    return new RetryPolicy(maxRetries, Duration.ofMillis(10), Duration.ofSeconds(1), 0.1, null);
  }

  /** A backup request after {@code delay}, budget 10% of calls, no failure retries. */
  public static RetryPolicy backupRequest(Duration delay) {
    return new RetryPolicy(
        0, Duration.ofMillis(10), Duration.ofSeconds(1), 0.1, Objects.requireNonNull(delay));
  }

  public RetryPolicy withBackoff(Duration initial, Duration max) {
    return new RetryPolicy(maxRetries, initial, max, budgetRatio, backupDelay);
  }

  public RetryPolicy withBudget(double ratio) {
    return new RetryPolicy(maxRetries, initialBackoff, maxBackoff, ratio, backupDelay);
  }

  public RetryPolicy withBackupDelay(Duration delay) {
    return new RetryPolicy(maxRetries, initialBackoff, maxBackoff, budgetRatio, delay);
  }
}
