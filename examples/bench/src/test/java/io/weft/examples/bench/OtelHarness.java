package io.weft.examples.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CPU per call of the {@code otel} comparison, in-process and interleaved: every side runs a short
 * round in turn, several times, so that load from other processes falls on all sides alike. Not a
 * test: run it with the bench's class path ({@code java -cp ... io.weft.examples.bench.OtelHarness
 * [rounds] [seconds] [calls/s]}).
 */
public final class OtelHarness {
  private OtelHarness() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    // 0: closed loop, as the bench; else open loop at this many calls/s, the same for every side
    double rate = args.length > 2 ? Double.parseDouble(args[2]) : 0;
    List<Side> sides = new ArrayList<>();
    sides.add(new TelemetrySide(Bench.SIZE, Double.NaN));
    sides.add(new TelemetrySide(Bench.SIZE, 1));
    sides.add(new TelemetrySide(Bench.SIZE, 0.01));
    sides.add(new TelemetrySide(Bench.SIZE, 1, false));
    String[] names = {"off", "all", "1%", "all, no propagation"};
    List<List<Double>> cpu = new ArrayList<>();
    for (Side s : sides) {
      s.run(Bench.CALLERS, Duration.ofSeconds(4), 0);
      cpu.add(new ArrayList<>());
    }
    System.out.println("load before: " + load());
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < sides.size(); i++) {
        LoadGen.Result res = sides.get(i).run(Bench.CALLERS, Duration.ofSeconds(seconds), rate);
        double perCall = res.userCpuUs() + res.systemCpuUs();
        cpu.get(i).add(perCall);
        System.out.printf(
            Locale.ROOT,
            "round %d %-22s %8.0f/s %6.1f µs%n",
            r,
            names[i],
            res.perSecond(),
            perCall);
      }
    }
    System.out.println("load after: " + load());
    double off = median(cpu.get(0));
    for (int i = 0; i < sides.size(); i++) {
      double m = median(cpu.get(i));
      System.out.printf(Locale.ROOT, "median %-22s %6.1f µs %5.2f×%n", names[i], m, m / off);
    }
    for (Side s : sides) {
      s.close();
    }
  }

  private static double median(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  private static String load() throws Exception {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }
}
