package io.weft.examples.bench;

import io.weft.api.Transport;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code make bench}: each comparison runs its sides in one JVM run on this machine with the same
 * load generator and settings, warming each side up, then alternating the sides for several
 * rounds and reporting each side's median round. Prints a table and writes it, with a chart, to
 * the output directory (first argument, default {@code target/bench}).
 */
public final class Bench {
  static final int SIZE = 1024;
  static final int CALLERS = 100;
  static final Duration WARMUP = Duration.ofSeconds(3);
  static final Duration ROUND = Duration.ofSeconds(3);
  static final int ROUNDS = 3;

  private final List<Row> rows = new ArrayList<>();
  private final StringBuilder table = new StringBuilder();

  /** One side's figures in one comparison. */
  record Row(String group, String side, LoadGen.Result median, String ratio) {}

  /** Which comparisons run: all, or those whose key (tt, unary, bidi, streams) is listed in the second argument. */
  private final String only;

  private Bench(String only) {
    this.only = only;
  }

  private boolean wanted(String key) {
    return only.isEmpty() || only.contains(key);
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Files.createDirectories(out);
    new Bench(args.length > 1 ? args[1] : "").runAll(out);
    System.exit(0); // grpc-java's and Helidon's non-daemon threads
  }

  private void runAll(Path out) throws Exception {
    String jvm = System.getProperty("java.vm.name") + " " + Runtime.version() + ", flags: "
        + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments());
    header("Weft benchmarks — " + Runtime.getRuntime().availableProcessors() + " cores; " + jvm);
    table.append("| comparison | side | calls/s (median of ").append(ROUNDS).append(") | p50 µs | p99 µs | p99.9 µs | Weft vs this side |\n");
    table.append("|---|---|---:|---:|---:|---:|---:|\n");

    String tt = "TTHeader PingPong, " + SIZE + " B echo, " + CALLERS + " callers";
    // Weft twice: its default connection pool (one call per connection at a time, as Kitex's default
    // and libthrift's) and one multiplexed connection (Kitex's WithMuxConnection)
    if (wanted("tt")) try (Side weft = new ThriftSides.Weft(SIZE, Transport.TTHEADER, 0);
        Side weftMux = new ThriftSides.Weft(SIZE, Transport.TTHEADER, 1);
        Side kitex = new KitexSide(SIZE);
        Side libthrift = new ThriftSides.Libthrift(SIZE, CALLERS)) {
      List<LoadGen.Result> r = compare(tt, CALLERS, 0, 2, weft, weftMux, kitex, libthrift);
      double rate = Math.floor(Math.min(r.get(0).perSecond(), r.get(2).perSecond()) / 2);
      compare(String.format(Locale.ROOT, "TTHeader PingPong, open loop at %.0f calls/s (half the lower maximum)", rate),
          CALLERS, rate, 2, weft, weftMux, kitex);
    }

    if (wanted("unary") || wanted("bidi")) try (GrpcSides.Servers servers = new GrpcSides.Servers()) {
      String unary = "gRPC unary, " + SIZE + " B each way, " + CALLERS + " callers";
      if (wanted("unary")) try (Side ww = new GrpcSides.Unary(servers, true, true, SIZE);
          Side gg = new GrpcSides.Unary(servers, false, false, SIZE);
          Side wg = new GrpcSides.Unary(servers, true, false, SIZE);
          Side gw = new GrpcSides.Unary(servers, false, true, SIZE)) {
        List<LoadGen.Result> r = compare(unary, CALLERS, 0, 1, ww, gg, wg, gw);
        double rate = Math.floor(Math.min(r.get(0).perSecond(), r.get(1).perSecond()) / 2);
        compare(String.format(Locale.ROOT, "gRPC unary, open loop at %.0f calls/s (half the lower maximum)", rate), CALLERS, rate, 1, ww, gg);
      }
      for (int streams : wanted("bidi") ? new int[] {1, 100} : new int[0]) {
        try (Side ww = new StreamSide(servers, true, true);
            Side gg = new StreamSide(servers, false, false)) {
          compare("gRPC bidi streaming, 64 B messages, " + streams + " stream" + (streams == 1 ? "" : "s") + ", window "
              + StreamSide.WINDOW + " (messages/s)", streams, 0, 1, ww, gg);
        }
      }
    }

    if (wanted("streams")) {
      StringBuilder mem = new StringBuilder("\n| idle streams | server | heap per stream | RSS per stream | heap in all | RSS in all |\n"
          + "|---|---|---:|---:|---:|---:|\n");
      for (int n : new int[] {10_000, 100_000}) {
        var weft = StreamMemory.measure("weft (interop.jar server)", "io.weft.examples.interop.Main", java.util.List.of("server", "--port", "0"),
            java.util.regex.Pattern.compile("Weft server listening on .*:(\\d+)"), n);
        var grpcJava = StreamMemory.measure("grpc-java (Netty, direct executor)", GrpcJavaEchoServer.class.getName(), java.util.List.of(),
            java.util.regex.Pattern.compile("grpc-java listening on .*:(\\d+)"), n);
        for (var f : java.util.List.of(weft, grpcJava)) {
          String row = StreamMemory.row(f);
          System.out.println(row);
          mem.append(row).append('\n');
        }
      }
      table.append(mem);
    }

    System.out.println();
    System.out.println(table);
    Files.writeString(out.resolve("results.md"), table);
    Chart.write(rows, out.resolve("chart.png"));
    System.out.println("wrote " + out.resolve("results.md") + " and " + out.resolve("chart.png"));
  }

  /** "(mux, 1 connection)" of "weft → weft (mux, 1 connection)": what sets a second Weft side apart. */
  private static String qualifier(String name) {
    int open = name.indexOf('(');
    return open >= 0 ? name.substring(open) : "(" + name + ")";
  }

  private void header(String line) {
    System.out.println(line);
    table.append(line).append("\n\n");
  }

  /**
   * Warms each side up, then runs the sides in turn for {@link #ROUNDS} rounds and keeps each
   * side's median round. The first {@code weftSides} sides are Weft's; each other side's ratio is
   * every Weft side's figure over its own.
   */
  private List<LoadGen.Result> compare(String group, int concurrency, double rate, int weftSides, Side... sides) throws Exception {
    System.out.println("== " + group);
    for (Side s : sides) {
      s.run(concurrency, WARMUP, rate);
    }
    List<List<LoadGen.Result>> rounds = new ArrayList<>();
    for (Side ignored : sides) {
      rounds.add(new ArrayList<>());
    }
    for (int round = 0; round < ROUNDS; round++) {
      for (int i = 0; i < sides.length; i++) {
        LoadGen.Result r = sides[i].run(concurrency, ROUND, rate);
        rounds.get(i).add(r);
        System.out.printf(Locale.ROOT, "   round %d  %-50s %,12.0f/s  p50 %,9.0f µs  p99 %,9.0f µs  p99.9 %,9.0f µs  errors %d  cpu/op %.1f µs user %.1f µs sys%n",
            round + 1, sides[i].name(), r.perSecond(), r.p50us(), r.p99us(), r.p999us(), r.errors(), r.userCpuUs(), r.systemCpuUs());
      }
    }
    List<LoadGen.Result> medians = new ArrayList<>();
    for (List<LoadGen.Result> rs : rounds) {
      List<LoadGen.Result> sorted = new ArrayList<>(rs);
      sorted.sort(Comparator.comparingDouble(rate > 0 ? LoadGen.Result::p99us : LoadGen.Result::perSecond));
      medians.add(sorted.get(sorted.size() / 2));
    }
    for (int i = 0; i < sides.length; i++) {
      LoadGen.Result m = medians.get(i);
      List<String> ratios = new ArrayList<>();
      for (int w = 0; i >= weftSides && w < weftSides; w++) {
        String weft = w == 0 ? "Weft" : "Weft " + qualifier(sides[w].name());
        LoadGen.Result mine = medians.get(w);
        ratios.add(rate > 0
            ? String.format(Locale.ROOT, "%s's p99 is %.2f× this", weft, mine.p99us() / m.p99us())
            : String.format(Locale.ROOT, "%s %.2f× this", weft, mine.perSecond() / m.perSecond()));
      }
      String ratio = String.join("; ", ratios);
      rows.add(new Row(group, sides[i].name(), m, ratio));
      table.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %,.0f | %,.0f | %s |%n",
          i == 0 ? group : "", sides[i].name(), m.perSecond(), m.p50us(), m.p99us(), m.p999us(), ratio));
      System.out.printf(Locale.ROOT, "   median    %-50s %,12.0f/s  p99 %,9.0f µs  %s%n", sides[i].name(), m.perSecond(), m.p99us(),
          ratio);
    }
    return medians;
  }
}
