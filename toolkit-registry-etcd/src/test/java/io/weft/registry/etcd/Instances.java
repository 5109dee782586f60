package io.weft.registry.etcd;

import io.weft.api.Resolver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Waits for a resolver's instances to satisfy a condition, woken by the resolver's own change
 * notices.
 */
final class Instances {
  private final Resolver resolver;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  Instances(Resolver resolver) {
    this.resolver = resolver;
    resolver.watch(() -> {
      lock.lock();
      try {
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    });
  }

  /** The instances once {@code ok} holds for them; fails the test after {@code within}. */
  List<Resolver.Instance> await(Predicate<List<Resolver.Instance>> ok, Duration within, String what)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    lock.lock();
    try {
      while (true) {
        List<Resolver.Instance> now = resolver.resolve();
        if (ok.test(now)) {
          return now;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "timed out after " + within + " waiting for " + what + "; instances: " + now);
        }
        changed.await(left, TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Once exactly {@code hostPorts} are there, in any order. */
  List<Resolver.Instance> awaitHostPorts(Duration within, String... hostPorts) throws Exception {
    java.util.Set<String> want = java.util.Set.of(hostPorts);
    return await(
        l ->
            l.size() == want.size()
                && l.stream().map(Resolver.Instance::hostPort).allMatch(want::contains),
        within,
        "exactly " + want);
  }
}
