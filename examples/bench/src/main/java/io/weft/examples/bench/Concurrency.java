package io.weft.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
  static final Duration WARMUP = Duration.ofSeconds(2);
  static final Duration ROUND = Duration.ofSeconds(4);

  private final List<ServerProcess> servers;
  private final int size;

  Concurrency(ServerProcess weft, ServerProcess kitex, int size) {
    this.servers = List.of(weft, kitex);
    this.size = size;
  }

  private record Point(String server, int callers, LoadGen.Result r, double serverCpuUs) {}

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
        Side side = new ServerSides.KitexClient(server, "ttheader", 0, size);
        side.run(n, WARMUP, 0); // dials the connections, and warms the server at this level
        long t0 = server.cpuTicks();
        LoadGen.Result r = side.run(n, ROUND, 0);
        double cpu = (server.cpuTicks() - t0) * Proc.usPerTick() / Math.max(1, r.calls());
        Point p = new Point(server.name(), n, r, cpu);
        points.add(p);
        System.out.printf(
            Locale.ROOT,
            "   %6d callers  %-10s %,10.0f/s  p50 %,9.0f µs  p99 %,9.0f µs  server cpu/call %.1f µs"
                + "  errors %d%n",
            n,
            server.name(),
            r.perSecond(),
            r.p50us(),
            r.p99us(),
            cpu,
            r.errors());
      }
    }
    return table(points) + chart(points);
  }

  private static String table(List<Point> points) {
    StringBuilder t =
        new StringBuilder(
            "\nConcurrency (Kitex's client, a connection per caller, ttheader; one "
                + ROUND.toSeconds()
                + " s run per point after "
                + WARMUP.toSeconds()
                + " s at the same level):\n\n"
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
