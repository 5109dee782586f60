package io.weft.examples.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code BENCH_ONLY=servers}: servers under the same client load and clients against the same
 * server, every server in a process of its own (issue 18). Kitex's client (as many idle connections
 * per address as callers) drives Weft's server and Kitex's over TTHeader, TTHeader+Framed, Framed
 * and Kitex's multiplexed connection; libthrift's client (a connection per caller) drives Weft's
 * server and libthrift's {@code TThreadPoolServer}, Framed and unframed; Weft's, Kitex's and
 * libthrift's clients drive Kitex's server. Then the open loop at half the lower maximum and the
 * concurrency sweep ({@link Concurrency}).
 */
final class ServerLoad {
  /**
   * The least warm-up of the first comparison: the server JVMs are new and their JIT needs 10–15 s
   * of load before their CPU per call settles (the warm-up then goes on until two 3 s steps agree
   * within 10%; the log shows each step).
   */
  static final Duration FIRST_WARMUP = Duration.ofSeconds(15);

  static final Duration WARMUP = Duration.ofSeconds(3);
  static final Duration ROUND = Duration.ofSeconds(3);

  private final Bench bench;
  private final Path out;
  private final StringBuilder goals = new StringBuilder();
  private Duration warmup = FIRST_WARMUP;

  ServerLoad(Bench bench, Path out) {
    this.bench = bench;
    this.out = out;
  }

  /** Runs the section; returns the goals table and the concurrency table and chart (markdown). */
  String run() throws Exception {
    int n = Bench.CALLERS;
    int size = Bench.SIZE;
    goals
        .append("\n| issue 18 goal | Weft | peer | Weft ÷ peer | goal | met? |\n")
        .append("|---|---:|---:|---:|---|---|\n");
    String concurrency;
    try (ServerProcess weft = ServerProcess.weft(out, Concurrency.MAX_CONNECTIONS);
        ServerProcess kitex = ServerSides.kitexServer(out, false);
        ServerProcess kitexMux = ServerSides.kitexServer(out, true);
        ServerProcess thriftFramed = ServerSides.libthriftServer(out, true);
        ServerProcess thriftUnframed = ServerSides.libthriftServer(out, false)) {
      System.out.printf(
          Locale.ROOT,
          "servers: weft pid %d, kitex pid %d, kitex-mux pid %d, libthrift framed pid %d,"
              + " unframed pid %d (logs: %s)%n",
          weft.pid(),
          kitex.pid(),
          kitexMux.pid(),
          thriftFramed.pid(),
          thriftUnframed.pid(),
          out.resolve("server-*.log"));
      String load = ", " + size + " B echo, " + n + " callers";
      List<Bench.Measured> tt = null;
      for (String transport : List.of("ttheader", "ttheader-framed", "framed")) {
        List<Bench.Measured> r =
            serverPair(
                "Kitex's client → server, " + transport + load,
                new ServerSides.KitexClient(weft, transport, 0, size),
                new ServerSides.KitexClient(kitex, transport, 0, size));
        if (transport.equals("ttheader")) {
          tt = r;
          goal("TTHeader server, calls/s (Kitex's client)", r, true, 1.3);
          goal("TTHeader server, CPU per call (Kitex's client)", r, false, 0.8);
        }
      }
      serverPair(
          "Kitex's mux client (1 connection) → server, ttheader" + load,
          new ServerSides.KitexClient(weft, "ttheader", 1, size),
          new ServerSides.KitexClient(kitexMux, "ttheader", 1, size));
      for (boolean framed : new boolean[] {true, false}) {
        try (Side w = new ServerSides.LibthriftClient(weft, framed, n, size);
            Side t =
                new ServerSides.LibthriftClient(
                    framed ? thriftFramed : thriftUnframed, framed, n, size)) {
          String f = framed ? "framed" : "unframed";
          List<Bench.Measured> r =
              serverPair(
                  "libthrift's client (a connection per caller) → server, " + f + load, w, t);
          goal(f + " server, calls/s (libthrift's client)", r, true, 1.5);
        }
      }
      try (Side w = new ServerSides.WeftClient(kitex, size);
          Side k = new ServerSides.KitexClient(kitex, "ttheader", 0, size);
          Side t = new ServerSides.LibthriftClient(kitex, true, n, size)) {
        // libthrift's client speaks Framed (it has no TTHeader); Kitex's server takes both
        List<Bench.Measured> r =
            bench.compare(
                "clients → Kitex's server" + load,
                n,
                0,
                nextWarmup(),
                ROUND,
                List.of(
                    new Bench.Pair(0, 1, Bench.Kind.CLIENT),
                    new Bench.Pair(0, 2, Bench.Kind.CLIENT)),
                w,
                k,
                t);
        goal("default-pool client, calls/s (→ Kitex's server)", r, true, 1.3);
      }
      double rate = Math.floor(Math.min(tt.get(0).r().perSecond(), tt.get(1).r().perSecond()) / 2);
      List<Bench.Measured> open =
          bench.compare(
              String.format(
                  Locale.ROOT,
                  "Kitex's client → server, ttheader, open loop at %.0f calls/s (half the lower"
                      + " maximum)",
                  rate),
              n,
              rate,
              WARMUP,
              ROUND,
              List.of(new Bench.Pair(0, 1, Bench.Kind.SERVER)),
              new ServerSides.KitexClient(weft, "ttheader", 0, size),
              new ServerSides.KitexClient(kitex, "ttheader", 0, size));
      double p99 = open.get(0).r().p99us() / open.get(1).r().p99us();
      goals.append(
          String.format(
              Locale.ROOT,
              "| open loop p99 at %.0f calls/s | %,.0f µs | %,.0f µs | %.2f× | ≤ 1 | %s |%n",
              rate,
              open.get(0).r().p99us(),
              open.get(1).r().p99us(),
              p99,
              p99 <= 1 ? "yes" : "no"));
      concurrency = new Concurrency(weft, kitex, size).run();
    }
    return goals + "\n" + concurrency;
  }

  private List<Bench.Measured> serverPair(String group, Side weft, Side peer) throws Exception {
    return bench.compare(
        group,
        Bench.CALLERS,
        0,
        nextWarmup(),
        ROUND,
        List.of(new Bench.Pair(0, 1, Bench.Kind.SERVER)),
        weft,
        peer);
  }

  private Duration nextWarmup() {
    Duration d = warmup;
    warmup = WARMUP;
    return d;
  }

  /**
   * A goals row: side 0 (Weft) over side 1, calls/s ({@code speed}, at least {@code goal}) or the
   * server's CPU per call (at most {@code goal}; for a client goal, the client's).
   */
  private void goal(String what, List<Bench.Measured> r, boolean speed, double goal) {
    double w = speed ? r.get(0).r().perSecond() : r.get(0).serverCpuUs();
    double p = speed ? r.get(1).r().perSecond() : r.get(1).serverCpuUs();
    double ratio = w / p;
    boolean met = speed ? ratio >= goal : ratio <= goal;
    String unit = speed ? "/s" : " µs";
    goals.append(
        String.format(
            Locale.ROOT,
            "| %s | %,.1f%s | %,.1f%s | %.2f× | %s %.1f× | %s |%n",
            what,
            w,
            unit,
            p,
            unit,
            ratio,
            speed ? "≥" : "≤",
            goal,
            met ? "yes" : "no"));
  }
}
