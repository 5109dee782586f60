package io.weft.client.internal;

import io.weft.api.CallContext;
import io.weft.api.Deadline;
import io.weft.api.Endpoint;
import io.weft.api.Invocation;
import io.weft.api.Middleware;
import io.weft.api.RetryPolicy;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.api.Contexts;
import java.time.Duration;
import java.util.HashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The client's retry policy as built-in middleware, for unary calls (oneway calls and streams pass
 * through): a call that failed before it got out ({@link UnsentException}) is sent again, on
 * another instance when there is one, after a jittered backoff, within the retry budget and the
 * deadline; or, with a backup delay, a call with no answer after the delay is sent again elsewhere
 * and the first answer wins. Its stage reads the call from the {@link ClientCall} it is handed.
 */
final class RetryMiddleware implements Middleware {
  private final RetryPolicy policy;
  private final RetryBudget budget;
  private final Duration rpcTimeout;
  private final LongAdder retries = new LongAdder();
  private final LongAdder backups = new LongAdder();

  RetryMiddleware(RetryPolicy policy, Duration rpcTimeout) {
    this.policy = policy;
    this.budget = new RetryBudget(policy.budgetRatio());
    this.rpcTimeout = rpcTimeout;
  }

  /** Retries sent so far. */
  long retries() {
    return retries.sum();
  }

  /** Backup requests sent so far. */
  long backups() {
    return backups.sum();
  }

  @Override
  public Endpoint wrap(Endpoint next) {
    return (inv, req) -> {
      ClientCall call = (ClientCall) req;
      if (call.shape != ClientCall.Shape.UNARY) {
        return next.call(inv, call);
      }
      return policy.backupDelay() != null
          ? withBackup(next, inv, call)
          : withRetries(next, inv, call);
    };
  }

  /**
   * Sends the call; one that did not get out is sent again while the policy, budget and deadline
   * allow.
   */
  private Object withRetries(Endpoint next, Invocation inv, ClientCall call) throws Exception {
    call.tried = new HashSet<>();
    budget.call();
    for (int retry = 0; ; retry++) {
      try {
        return next.call(inv, call);
      } catch (UnsentException e) {
        if (retry >= policy.maxRetries() || !budget.tryRetry()) {
          throw e;
        }
        CallContext caller = CallContext.current();
        Deadline deadline =
            call.options.effectiveDeadline(rpcTimeout, caller.deadline().orElse(null));
        long backoff = backoffNanos(retry);
        if (deadline != null && deadline.remainingNanos() <= backoff) {
          throw e;
        }
        retries.increment();
        if (backoff > 0) {
          LockSupport.parkNanos(backoff);
        }
      }
    }
  }

  /** Full jitter over an exponential backoff: uniform in [0, min(max, initial * 2^retry)]. */
  private long backoffNanos(int retry) {
    long cap =
        Math.min(
            policy.maxBackoff().toNanos(),
            policy.initialBackoff().toNanos() << Math.min(retry, 20));
    return cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1);
  }

  /**
   * Sends the call; after the policy's delay without an answer, sends it again elsewhere; the first
   * answer wins.
   */
  private Object withBackup(Endpoint next, Invocation inv, ClientCall call) {
    budget.call();
    CompletableFuture<Object> answer = new CompletableFuture<>();
    AtomicInteger pending = new AtomicInteger(1);
    call.tried = ConcurrentHashMap.newKeySet();
    CallContext caller = CallContext.current();
    Runnable send =
        () -> {
          ClientCall attempt = call.copy(); // each attempt its own target
          try (var ignored = Contexts.attach(caller)) {
            answer.complete(next.call(inv, attempt));
          } catch (Exception e) {
            if (pending.decrementAndGet() == 0) {
              answer.completeExceptionally(e);
            }
          }
        };
    String name = call.method.methodName();
    Thread.ofVirtual().name("weft-call " + name).start(send);
    try {
      return answer.get(policy.backupDelay().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException slow) {
      if (budget.tryRetry()) {
        backups.increment();
        pending.incrementAndGet();
        Thread.ofVirtual().name("weft-backup " + name).start(send);
      }
      return awaitAnswer(answer);
    } catch (ExecutionException | InterruptedException e) {
      return awaitAnswer(answer);
    }
  }

  private static Object awaitAnswer(CompletableFuture<Object> answer) {
    try {
      return answer.get();
    } catch (ExecutionException e) {
      throw (RuntimeException) e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.of(StatusCode.CANCELLED, "interrupted while waiting for the answer")
          .asException();
    }
  }
}
