package io.weft.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The one load generator every Java side uses: {@code concurrency} callers, each a virtual thread
 * running one blocking call after another. Closed loop when {@code rate} is 0; otherwise open loop
 * at {@code rate} calls per second, each call timed from its scheduled start so that a stall shows
 * in the latency instead of hiding as fewer calls (the same rule as the Go peer's).
 */
final class LoadGen {
  private LoadGen() {}

  /** One call; the worker index lets a side keep per-caller state (a connection, a stream). */
  @FunctionalInterface
  interface Call {
    void run(int worker) throws Exception;
  }

  static Result run(int concurrency, Duration duration, double rate, Call call)
      throws InterruptedException {
    long[] cpuBefore = Proc.selfCpuTicks();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    AtomicLong next = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Histogram> histograms = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      Histogram h = new Histogram(60_000_000_000L, 3);
      histograms.add(h);
      int worker = w;
      threads.add(
          Thread.ofVirtual()
              .start(() -> {
                while (true) {
                  long begin;
                  if (rate > 0) {
                    begin = start + (long) (next.getAndIncrement() * 1e9 / rate);
                    if (begin > end) {
                      return;
                    }
                    long wait = begin - System.nanoTime();
                    if (wait > 0) {
                      LockSupport.parkNanos(wait);
                    }
                  } else {
                    begin = System.nanoTime();
                    if (begin > end) {
                      return;
                    }
                  }
                  try {
                    call.run(worker);
                    h.recordValue(Math.max(1, System.nanoTime() - begin));
                  } catch (Exception e) {
                    if (errors.incrementAndGet() == 1) {
                      StringBuilder why = new StringBuilder("  first error: " + e);
                      for (Throwable c = e.getCause();
                          c != null && why.length() < 2000;
                          c = c.getCause()) {
                        why.append("\n    caused by: ").append(c);
                      }
                      System.err.println(why);
                    }
                  }
                }
              }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] cpuAfter = Proc.selfCpuTicks();
    Histogram all = new Histogram(60_000_000_000L, 3);
    histograms.forEach(all::add);
    long calls = Math.max(1, all.getTotalCount());
    return new Result(
        all.getTotalCount(),
        errors.get(),
        seconds,
        all.getValueAtPercentile(50) / 1e3,
        all.getValueAtPercentile(99) / 1e3,
        all.getValueAtPercentile(99.9) / 1e3,
        (cpuAfter[0] - cpuBefore[0]) * Proc.usPerTick() / calls,
        (cpuAfter[1] - cpuBefore[1]) * Proc.usPerTick() / calls);
  }

  /**
   * What one run measured: completed calls, failed calls, wall time, latency percentiles in µs, and
   * this JVM's user and system CPU time per call in µs (for a side whose peers run in another
   * process, only this process's share).
   */
  record Result(
      long calls,
      long errors,
      double seconds,
      double p50us,
      double p99us,
      double p999us,
      double userCpuUs,
      double systemCpuUs) {
    double perSecond() {
      return calls / seconds;
    }
  }
}
