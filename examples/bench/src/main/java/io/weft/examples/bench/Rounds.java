package io.weft.examples.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How {@link Bench} runs and measures one round of a side: the server process's CPU and I/O and the
 * machine's around it, the warm-up until steady, the wait for a quiet machine and the watchdog that
 * ends a hung run.
 */
final class Rounds {
  private Rounds() {}

  /** Where a hung server's thread dump goes (the output directory). */
  static Path outDir = Path.of("target/bench");

  /**
   * The share of the machine's CPU that processes other than this JVM and its servers used over
   * {@code d}.
   */
  static double otherShareOver(Duration d) throws InterruptedException {
    long[] m0 = Proc.machineTicks();
    long[] s0 = Proc.selfCpuTicks();
    long srv0 = ServerProcess.runningTicks();
    Thread.sleep(d);
    long[] m1 = Proc.machineTicks();
    long[] s1 = Proc.selfCpuTicks();
    long srv1 = ServerProcess.runningTicks();
    long busy = (m1[0] - m0[0]) - (s1[0] + s1[1] - s0[0] - s0[1]) - (srv1 - srv0);
    return Math.max(0, busy) / (double) Math.max(1, m1[1] - m0[1]);
  }

  /**
   * Waits (up to {@link Bench#QUIET_WAIT}) until processes other than this JVM and its servers use
   * less than {@link Bench#BUSY} of the machine, so that a comparison or round does not start while
   * something else runs.
   */
  static void awaitQuiet() throws InterruptedException {
    long deadline = System.nanoTime() + Bench.QUIET_WAIT.toNanos();
    double other;
    boolean said = false;
    while ((other = otherShareOver(Duration.ofSeconds(1))) > Bench.BUSY
        && System.nanoTime() < deadline) {
      if (!said) {
        System.out.printf(
            Locale.ROOT,
            "   other processes use %.0f%% of the machine; waiting up to %d s for them%n",
            other * 100,
            Bench.QUIET_WAIT.toSeconds());
        said = true;
      }
    }
    if (said) {
      System.out.printf(
          Locale.ROOT,
          "   %s: other processes at %.0f%% of the machine%n",
          other > Bench.BUSY ? "going on anyway" : "quiet now",
          other * 100);
    }
  }

  /** How long a side may overrun its round before the run is given up as hung. */
  static final Duration HUNG = Duration.ofSeconds(60);

  /**
   * A side's run that ends the whole benchmark (exit 3; the servers are stopped) if it overruns
   * {@code duration} by {@link #HUNG}.
   */
  static LoadGen.Result watched(
      Side side, Duration duration, java.util.concurrent.Callable<LoadGen.Result> run)
      throws Exception {
    Thread watchdog =
        Thread.ofPlatform()
            .daemon()
            .name("watchdog")
            .start(() -> {
              try {
                Thread.sleep(duration.plus(HUNG));
              } catch (InterruptedException e) {
                return;
              }
              String dumps = "";
              try {
                if (side.server()
                    != null) { // the server's threads, for whoever looks into the hang
                  Path dump =
                      outDir
                          .resolve("hang-" + side.server().name() + "-threads.txt")
                          .toAbsolutePath();
                  new ProcessBuilder(
                          Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                          Long.toString(side.server().pid()),
                          "Thread.print")
                      .redirectErrorStream(true)
                      .redirectOutput(dump.toFile())
                      .start()
                      .waitFor();
                  dumps = "; the server's threads are in " + dump;
                }
              } catch (Exception e) {
                dumps = "; no thread dump of the server: " + e;
              }
              System.out.println(
                  "   "
                      + side.name()
                      + " did not finish "
                      + HUNG.toSeconds()
                      + " s after its "
                      + duration.toSeconds()
                      + " s: calls hang; giving up"
                      + dumps);
              System.exit(3); // the shutdown hook stops the server processes
            });
    try {
      return run.call();
    } finally {
      watchdog.interrupt();
    }
  }

  /** A warm-up step of a side with a server process. */
  static final Duration WARMUP_STEP = Duration.ofSeconds(3);

  /** The most a side with a server process is warmed up. */
  static final Duration WARMUP_MAX = Duration.ofSeconds(30);

  /**
   * Warms up a side whose server runs in a process of its own in steps of {@link #WARMUP_STEP} for
   * at least {@code least}, and then until two steps in a row cost the server the same CPU per call
   * within 10% (a new JVM's JIT takes 10–15 s of load; grpc-java's server ran its first round at
   * twice its later CPU per call after a fixed 15 s), at most {@link #WARMUP_MAX}.
   */
  static void warmUntilSteady(Side side, int concurrency, double rate, Duration least)
      throws Exception {
    List<String> steps = new ArrayList<>();
    double last = Double.NaN;
    Duration spent = Duration.ZERO;
    while (spent.compareTo(WARMUP_MAX) < 0) {
      Bench.Measured m = measure(side, concurrency, WARMUP_STEP, rate);
      spent = spent.plus(WARMUP_STEP);
      double now = m.serverCpuUs();
      steps.add(String.format(Locale.ROOT, "%.1f", now));
      if (spent.compareTo(least) >= 0 && Math.abs(now - last) <= 0.1 * last) {
        break;
      }
      last = now;
    }
    System.out.printf(
        Locale.ROOT,
        "   warm-up  %-32s %d s, server cpu/call by %d s step: %s µs%n",
        side.name(),
        spent.toSeconds(),
        WARMUP_STEP.toSeconds(),
        String.join(", ", steps));
  }

  /** One round of one side, with the server process's CPU and I/O and the machine's around it. */
  static Bench.Measured measure(Side side, int concurrency, Duration duration, double rate)
      throws Exception {
    ServerProcess server = side.server();
    long[] m0 = Proc.machineTicks();
    long[] s0 = Proc.selfCpuTicks();
    long srv0 = server == null ? 0 : server.cpuTicks();
    long idle0 = ServerProcess.runningTicks() - srv0;
    Proc.Io io0 = server == null ? null : server.io();
    LoadGen.Result r = watched(side, duration, () -> side.run(concurrency, duration, rate));
    Proc.Io io1 = server == null ? null : server.io();
    long srv1 = server == null ? 0 : server.cpuTicks();
    long idle1 = ServerProcess.runningTicks() - srv1;
    long[] s1 = Proc.selfCpuTicks();
    long[] m1 = Proc.machineTicks();
    long calls = Math.max(1, r.calls());
    double serverCpu = server == null ? Double.NaN : (srv1 - srv0) * Proc.usPerTick() / calls;
    // other processes: the machine's busy ticks less this JVM's, the servers' (this one's and the
    // idle
    // other's), and a client process's
    double clientTicks =
        side.clientInBenchJvm() ? 0 : (r.userCpuUs() + r.systemCpuUs()) * calls / Proc.usPerTick();
    double other =
        Double.isNaN(clientTicks)
            ? Double.NaN
            : Math.max(
                    0,
                    (m1[0] - m0[0])
                        - (s1[0] + s1[1] - s0[0] - s0[1])
                        - (srv1 - srv0)
                        - (idle1 - idle0)
                        - clientTicks)
                / (double) Math.max(1, m1[1] - m0[1]);
    double idle = 1 - (m1[0] - m0[0]) / (double) Math.max(1, m1[1] - m0[1]);
    return new Bench.Measured(r, serverCpu, server == null ? null : io1.minus(io0), other, idle);
  }

  static String roundLine(int k, String side, Bench.Measured m) {
    LoadGen.Result r = m.r();
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "   round %d  %-32s %,10.0f/s  %,9d calls in %.2f s  p50 %,7.0f µs  p99 %,7.0f µs  p99.9 %,7.0f µs  errors %d  client cpu/call %.1f µs user %.1f µs sys",
                k,
                side,
                r.perSecond(),
                r.calls(),
                r.seconds(),
                r.p50us(),
                r.p99us(),
                r.p999us(),
                r.errors(),
                r.userCpuUs(),
                r.systemCpuUs()));
    if (m.serverIo() != null) {
      long calls = Math.max(1, r.calls());
      line.append(
          String.format(
              Locale.ROOT,
              "  server cpu/call %.1f µs, reads %.0f B in %.2f calls, writes %.0f B in %.2f calls",
              m.serverCpuUs(),
              (double) m.serverIo().readBytes() / calls,
              (double) m.serverIo().reads() / calls,
              (double) m.serverIo().writeBytes() / calls,
              (double) m.serverIo().writes() / calls));
    }
    line.append(
        Double.isNaN(m.otherShare())
            ? "  other processes ?"
            : String.format(Locale.ROOT, "  other processes %.0f%%", m.otherShare() * 100));
    line.append(String.format(Locale.ROOT, ", idle %.0f%% of the machine", m.idleShare() * 100));
    if (m.otherShare() > Bench.BUSY) {
      line.append("  ⚠ busy machine");
    }
    return line.toString();
  }
}
