package io.weft.examples.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code BENCH_ONLY=unary|ghz|bidi}: the gRPC comparisons. Weft's server (with a carrier per core
 * and on one carrier) and grpc-java's, each in a process of its own, under the same client load:
 * ghz over 1 and 4 connections, grpc-java's blocking unary client (and Weft's client against
 * grpc-java's server), and grpc-java's bidi streams.
 */
final class GrpcLoad {
  private final Bench bench;

  GrpcLoad(Bench bench) {
    this.bench = bench;
  }

  /** Runs the comparisons that {@code ghz}, {@code javaUnary} and {@code bidi} ask for. */
  void run(Path out, boolean ghz, boolean javaUnary, boolean bidi) throws Exception {
    try (GrpcSides.Servers servers = new GrpcSides.Servers(out)) {
      System.out.printf(
          Locale.ROOT,
          "servers: weft pid %d port %d, weft on 1 carrier pid %d port %d, grpc-java pid %d port %d (logs: %s)%n",
          servers.weft.pid(),
          servers.weft.port(),
          servers.weftOneCarrier.pid(),
          servers.weftOneCarrier.port(),
          servers.grpcJava.pid(),
          servers.grpcJava.port(),
          out.resolve("server-*.log"));
      idleCheck(servers);
      // Weft's server twice, as the JDK schedules virtual threads by default (a carrier per core)
      // and
      // on one carrier, against grpc-java's (side 2)
      List<Bench.Pair> servers3 =
          List.of(new Bench.Pair(0, 2, Bench.Kind.SERVER), new Bench.Pair(1, 2, Bench.Kind.SERVER));
      Duration[] warmup = {Bench.GRPC_FIRST_WARMUP}; // then GRPC_WARMUP
      for (int connections : ghz ? new int[] {1, 4} : new int[0]) {
        try (GhzSide w = new GhzSide(servers.weft, connections, Bench.SIZE, out);
            GhzSide w1 = new GhzSide(servers.weftOneCarrier, connections, Bench.SIZE, out);
            GhzSide g = new GhzSide(servers.grpcJava, connections, Bench.SIZE, out)) {
          if (connections == 1) {
            System.out.println("ghz: " + w.describe(Bench.CALLERS, Bench.GRPC_ROUND));
          }
          String c = connections + " connection" + (connections == 1 ? "" : "s");
          String group =
              "gRPC unary, "
                  + Bench.SIZE
                  + " B each way, ghz, "
                  + Bench.CALLERS
                  + " concurrent over "
                  + c;
          List<Bench.Measured> r =
              bench.compare(
                  group, Bench.CALLERS, 0, next(warmup), Bench.GRPC_ROUND, servers3, w, w1, g);
          bench.target("unary, ghz, " + c, r, 0, 2);
          bench.target("unary, ghz, " + c + "; Weft on 1 carrier", r, 1, 2);
        }
      }
      if (javaUnary)
        try (Side gw = new GrpcSides.Unary(servers, false, true, Bench.SIZE);
            Side gw1 = new GrpcSides.Unary(servers.weftOneCarrier, false, Bench.SIZE);
            Side gg = new GrpcSides.Unary(servers, false, false, Bench.SIZE);
            Side wg = new GrpcSides.Unary(servers, true, false, Bench.SIZE)) {
          List<Bench.Measured> r =
              bench.compare(
                  "gRPC unary, "
                      + Bench.SIZE
                      + " B each way, "
                      + Bench.CALLERS
                      + " blocking callers over 1 connection",
                  Bench.CALLERS,
                  0,
                  next(warmup),
                  Bench.GRPC_ROUND,
                  List.of(
                      new Bench.Pair(0, 2, Bench.Kind.SERVER),
                      new Bench.Pair(1, 2, Bench.Kind.SERVER),
                      new Bench.Pair(3, 2, Bench.Kind.CLIENT)),
                  gw,
                  gw1,
                  gg,
                  wg);
          bench.target("unary, grpc-java's client, 1 connection", r, 0, 2);
          bench.target("unary, grpc-java's client, 1 connection; Weft on 1 carrier", r, 1, 2);
        }
      for (int streams : bidi ? new int[] {1, 100} : new int[0]) {
        try (Side gw = new StreamSide(servers, false, true);
            Side gw1 = new StreamSide(servers.weftOneCarrier, false);
            Side gg = new StreamSide(servers, false, false)) {
          String s = streams + " stream" + (streams == 1 ? "" : "s");
          List<Bench.Measured> r =
              bench.compare(
                  "gRPC bidi streaming, 64 B messages, "
                      + s
                      + " over 1 connection, window "
                      + StreamSide.WINDOW
                      + " (messages/s; CPU per message)",
                  streams,
                  0,
                  next(warmup),
                  Bench.GRPC_ROUND,
                  servers3,
                  gw,
                  gw1,
                  gg);
          bench.target("bidi, grpc-java's client, " + s + " (per message)", r, 0, 2);
          bench.target(
              "bidi, grpc-java's client, " + s + " (per message); Weft on 1 carrier", r, 1, 2);
        }
      }
    }
  }

  /**
   * The warm-up to use now: the one in {@code next}, then {@link Bench#GRPC_WARMUP} from now on.
   */
  private static Duration next(Duration[] next) {
    Duration d = next[0];
    next[0] = Bench.GRPC_WARMUP;
    return d;
  }

  /**
   * Each server's CPU while idle over 2 s (should be ~0: no timers burning CPU between calls), and
   * other processes' share.
   */
  private void idleCheck(GrpcSides.Servers servers) throws InterruptedException {
    long w0 = servers.weft.cpuTicks();
    long g0 = servers.grpcJava.cpuTicks();
    double other = Rounds.otherShareOver(Duration.ofSeconds(2));
    long w1 = servers.weft.cpuTicks();
    long g1 = servers.grpcJava.cpuTicks();
    System.out.printf(
        Locale.ROOT,
        "idle servers over 2 s: weft %d ticks, grpc-java %d ticks; other processes %.0f%% of the machine%n",
        w1 - w0,
        g1 - g0,
        other * 100);
  }
}
