package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.weft.api.Server;
import io.weft.testing.Await;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the test process holds (file descriptors, live virtual threads), to check that a fault left
 * nothing behind: take a {@link Baseline} when nothing is going on, cause the fault, then {@link
 * #assertBackTo}.
 */
final class Leaks {
  private Leaks() {}

  /** File descriptors and live virtual threads at one moment. */
  record Baseline(long fds, long virtualThreads) {
    static Baseline now() throws IOException {
      return new Baseline(openFds(), liveVirtualThreads());
    }
  }

  static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** Live virtual threads, from a JSON thread dump (the JDK tracks every one it started). */
  static long liveVirtualThreads() throws IOException {
    Path dump = Files.createTempFile("threads", ".json");
    Files.delete(dump);
    try {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
      Matcher m = Pattern.compile("\"virtual\": true").matcher(Files.readString(dump));
      long n = 0;
      while (m.find()) {
        n++;
      }
      return n;
    } finally {
      Files.deleteIfExists(dump);
    }
  }

  /**
   * Waits (bounded) until the process is back to {@code baseline} (file descriptors, live virtual
   * threads, two of each allowed for the JDK's own) with no call left running on {@code server},
   * then asserts all three; {@code after} says what happened, for the failure message.
   */
  static void assertBackTo(Baseline baseline, Server server, String after) throws IOException {
    awaitBack(baseline, server, true);
    assertConnections(baseline, server, after);
    assertThat(liveVirtualThreads())
        .as("live virtual threads after %s", after)
        .isLessThanOrEqualTo(baseline.virtualThreads() + 2);
  }

  /** As {@link #assertBackTo}, for file descriptors and running calls only. */
  static void assertConnectionsBackTo(Baseline baseline, Server server, String after)
      throws IOException {
    awaitBack(baseline, server, false);
    assertConnections(baseline, server, after);
  }

  private static void awaitBack(Baseline baseline, Server server, boolean threadsToo) {
    Await.until(
        () ->
            openFds() <= baseline.fds() + 2
                && server.inFlight() == 0
                && (!threadsToo || liveVirtualThreads() <= baseline.virtualThreads() + 2),
        java.time.Duration.ofSeconds(15));
  }

  /** Heap in use right after a full collection ({@code System.gc()}), in bytes. */
  static long heapUsedAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Waits (up to {@code within}) until the heap in use after a full collection is at most {@code
   * slack} bytes above {@code baseline}, then asserts it; {@code after} says what happened.
   */
  static void assertHeapBackTo(long baseline, long slack, java.time.Duration within, String after) {
    Await.until(() -> heapUsedAfterGc() <= baseline + slack, within);
    long used = heapUsedAfterGc();
    assertThat(used)
        .as(
            "heap in use after %s (baseline %d MiB, slack %d MiB)",
            after, baseline >> 20, slack >> 20)
        .isLessThanOrEqualTo(baseline + slack);
  }

  private static void assertConnections(Baseline baseline, Server server, String after)
      throws IOException {
    assertThat(openFds())
        .as("file descriptors after %s", after)
        .isLessThanOrEqualTo(baseline.fds() + 2);
    assertThat(server.inFlight()).as("calls still running after %s", after).isZero();
  }
}
