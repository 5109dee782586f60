package io.weft.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Issue 18's item 4, the virtual-thread promise as a chart: calls/s and p99 against 1, 10, 100,
 * 1,000 and 10,000 concurrent callers, Weft's server and Kitex's, in one run. The load is Kitex's
 * client in a process of its own for both servers, with as many connections as callers (its pool
 * keeps them all idle between calls): each server then holds a connection per caller, which is what
 * the promise is about (a virtual thread per connection on Weft's side, a goroutine and netpoll on
 * Kitex's), and the client's CPU is not in the bench JVM, nor in either server's.
 */
final class Concurrency {
  static final int[] CALLERS = {1, 10, 100, 1_000, 10_000};
  static final Duration ROUND = Duration.ofSeconds(4);

  /**
   * The open-connection limit that Weft's bench server gets ({@code --max-connections}): above the
   * most callers (its default, 10,000, is exactly the last level's, so a connection left over from
   * earlier made the 10,000th caller wait).
   */
  static final int MAX_CONNECTIONS = 15_000;

  /** How long a level waits for the previous level's connections to be gone from the server. */
  static final Duration DRAIN = Duration.ofSeconds(60);

  private final List<ServerProcess> servers;
  private final int size;

  Concurrency(ServerProcess weft, ServerProcess kitex, int size) {
    this.servers = List.of(weft, kitex);
    this.size = size;
  }

  private record Point(String server, int callers, LoadGen.Result r, double serverCpuUs) {}

  /**
   * The warm-up at a level, on the measured client's own connections: 5 s, and 1 ms per caller
   * above that (10 s at 10,000, where dialling the connections alone takes seconds).
   */
  static Duration warmup(int callers) {
    return Duration.ofMillis(Math.max(5_000, callers));
  }

  /** Runs every level against both servers, one run each after a warm-up; returns the markdown. */
  String run() throws Exception {
    System.out.println(
        "== concurrency: Kitex's client (a connection per caller) → Weft's server and Kitex's,"
            + " ttheader, "
            + size
            + " B");
    List<Point> points = new ArrayList<>();
    for (int n : CALLERS) {
      for (ServerProcess server : servers) {
        Point p = point(server, n);
        points.add(p);
        System.out.printf(
            Locale.ROOT,
            "   %6d callers  %-10s %,10.0f/s  p50 %,9.0f µs  p99 %,9.0f µs  server cpu/call %.1f µs"
                + "  errors %d%n",
            n,
            server.name(),
            p.r().perSecond(),
            p.r().p50us(),
            p.r().p99us(),
            p.serverCpuUs(),
            p.r().errors());
      }
    }
    return table(points) + chart(points);
  }

  /**
   * One level against one server, fair to both: the level starts once the server holds none of the
   * previous level's connections, and one client process warms up on the connections it then
   * measures on (no second dialling of every caller's connection right after the first client went
   * away); the server's CPU is read between the two.
   */
  private Point point(ServerProcess server, int n) throws Exception {
    awaitDrained(server);
    ServerSides.KitexClient side = new ServerSides.KitexClient(server, "ttheader", 0, size);
    Process p =
        side.start(n, warmup(n), ROUND, 0).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (BufferedReader out =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
      String warm = out.readLine();
      if (warm == null || !warm.contains("warm")) {
        throw new IOException("kitexpeer bench ended in its warm-up at " + n + " callers: " + warm);
      }
      long t0 = server.cpuTicks();
      in.write("go\n");
      in.flush();
      String line = out.readLine();
      long t1 = server.cpuTicks();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || line == null) {
        throw new IOException("kitexpeer bench failed at " + n + " callers: " + line);
      }
      LoadGen.Result r = ServerSides.KitexClient.result(line);
      return new Point(server.name(), n, r, (t1 - t0) * Proc.usPerTick() / Math.max(1, r.calls()));
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * Waits until the server holds no TCP connection but its listener (the previous level's client
   * has exited; the server may still be closing its side), up to {@link #DRAIN}; says so if not.
   */
  private static void awaitDrained(ServerProcess server) throws InterruptedException {
    long deadline = System.nanoTime() + DRAIN.toNanos();
    int open;
    while ((open = Proc.openTcpSockets(server.pid())) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100); // /proc has nothing to wait on
    }
    if (open > 0) {
      System.out.printf(
          Locale.ROOT,
          "   ⚠ %s still holds %d TCP connections after %d s; going on%n",
          server.name(),
          open,
          DRAIN.toSeconds());
    }
  }

  private static String table(List<Point> points) {
    StringBuilder t =
        new StringBuilder(
            "\nConcurrency (Kitex's client, a connection per caller, ttheader; one "
                + ROUND.toSeconds()
                + " s run per point, after the previous point's connections were gone from the"
                + " server and a warm-up of the same client on the same connections, 5 s or 1 ms"
                + " per caller if longer; Weft's server's connection limit "
                + String.format(Locale.ROOT, "%,d", MAX_CONNECTIONS)
                + "):\n\n"
                + "| callers | server | calls/s | p50 µs | p99 µs | server CPU µs/call | errors |\n"
                + "|---:|---|---:|---:|---:|---:|---:|\n");
    for (Point p : points) {
      t.append(
          String.format(
              Locale.ROOT,
              "| %,d | %s | %,.0f | %,.0f | %,.0f | %.1f | %d |%n",
              p.callers(),
              p.server(),
              p.r().perSecond(),
              p.r().p50us(),
              p.r().p99us(),
              p.serverCpuUs(),
              p.r().errors()));
    }
    return t.toString();
  }

  /** A text chart: calls/s as bars (to the highest), p99 as bars on a log scale (1 µs–10 s). */
  private static String chart(List<Point> points) {
    double best = points.stream().mapToDouble(p -> p.r().perSecond()).max().orElse(1);
    int width = 40;
    StringBuilder c =
        new StringBuilder(
            "\n```\ncalls/s (bar: share of the highest)   p99 (bar: log scale, 10 µs–10 s)\n");
    for (Point p : points) {
      int a = (int) Math.round(width * p.r().perSecond() / best);
      double decades = Math.log10(Math.max(10, p.r().p99us())) - 1; // 0 at 10 µs, 6 at 10 s
      int b = (int) Math.round(30 * Math.min(6, decades) / 6);
      c.append(
          String.format(
              Locale.ROOT,
              "%6d %-6s %-" + width + "s %,8.0f/s  %-30s %,10.0f µs%n",
              p.callers(),
              p.server(),
              "#".repeat(a),
              p.r().perSecond(),
              "=".repeat(b),
              p.r().p99us()));
    }
    return c.append("```\n").toString();
  }
}
