package io.weft.examples.bench;

import io.weft.examples.interop.GoTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ghz (github.com/bojand/ghz, pinned in {@link GoTools}, a Go process of its own) calling
 * grpc.testing's UnaryCall, a {@code size}-byte payload each way, over {@code connections}
 * connections with the run's concurrency spread over them: the same client load for either server.
 * Each run is one {@code ghz -z <duration> -O json} process (its output, without the per-call
 * details, stays in {@code ghz-<server>-<connections>.json}); calls are its OK responses, its
 * duration ghz's own "total", latency its percentiles (ghz reports none above p99). ghz stops with
 * {@code --duration-stop=wait}, so the calls in flight at the end finish and count instead of
 * failing as "transport is closing". ghz's CPU, read from {@code /proc} while it runs, is the
 * client's.
 */
final class GhzSide implements Side {
  private final ServerProcess server;
  private final int connections;
  private final int size;
  private final Path ghz;
  private final Path protoRoot;
  private final Path out;

  GhzSide(ServerProcess server, int connections, int size, Path workDir)
      throws IOException, InterruptedException {
    this.server = server;
    this.connections = connections;
    this.size = size;
    this.ghz = GoTools.ghz();
    this.protoRoot = repoRoot().resolve("examples/interop/src/main/proto");
    Files.createDirectories(workDir);
    this.out = workDir.resolve("ghz-" + server.name() + "-" + connections + ".json");
  }

  /**
   * The repository's root: the working directory or the nearest one above it with examples/interop.
   */
  static Path repoRoot() throws IOException {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("examples/interop/src/main/proto"))) {
        return p;
      }
    }
    throw new IOException(
        "not in the Weft repository (no examples/interop/src/main/proto above "
            + Path.of("").toAbsolutePath()
            + ")");
  }

  @Override
  public String name() {
    return "ghz → " + server.name();
  }

  @Override
  public boolean clientInBenchJvm() {
    return false;
  }

  @Override
  public ServerProcess server() {
    return server;
  }

  /**
   * The command line of one run, the payload's base64 shortened in {@link #describe(int,
   * Duration)}.
   */
  List<String> command(int concurrency, Duration duration, double rate) {
    String body = Base64.getEncoder().encodeToString(new byte[size]);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                ghz.toString(),
                "--insecure",
                "--import-paths",
                protoRoot.toString(),
                "--proto",
                protoRoot.resolve("grpc/testing/test.proto").toString(),
                "--call",
                "grpc.testing.TestService/UnaryCall",
                "-d",
                "{\"response_size\":" + size + ",\"payload\":{\"body\":\"" + body + "\"}}",
                "--connections",
                Integer.toString(connections),
                "--concurrency",
                Integer.toString(concurrency),
                "-z",
                duration.toMillis() + "ms",
                "--duration-stop",
                "wait"));
    if (rate > 0) {
      cmd.addAll(List.of("--rps", String.format(Locale.ROOT, "%.0f", rate)));
    }
    cmd.addAll(List.of("-O", "json", "-o", out.toString(), "127.0.0.1:" + server.port()));
    return cmd;
  }

  String describe(int concurrency, Duration duration) {
    return String.join(" ", command(concurrency, duration, 0))
        .replaceAll("\"body\":\"[^\"]*\"", "\"body\":\"<" + size + " zero bytes, base64>\"");
  }

  @Override
  public LoadGen.Result run(int concurrency, Duration duration, double rate) throws Exception {
    Files.deleteIfExists(out);
    Process p =
        new ProcessBuilder(command(concurrency, duration, rate)).redirectErrorStream(true).start();
    // ghz's CPU so far, read every 20 ms until it ends (/proc/<pid> goes with it): its last value
    AtomicReference<long[]> cpu = new AtomicReference<>(new long[] {0, 0});
    Thread poller =
        Thread.ofPlatform()
            .daemon()
            .start(() -> {
              while (p.isAlive()) {
                long[] t = Proc.cpuTicks(p.pid());
                if (t[0] >= 0) {
                  cpu.set(t);
                }
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    String console = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)
        || p.exitValue() != 0
        || !Files.isRegularFile(out)) {
      p.destroyForcibly();
      throw new IOException(
          "ghz failed (exit " + (p.isAlive() ? "none" : p.exitValue()) + "): " + console);
    }
    poller.join();
    String json = Files.readString(out);
    String summary = summary(json);
    int details = json.lastIndexOf(",\"details\":");
    if (details
        > 0) { // ghz's last key: one entry per call, some 20 MB a run; the rest stays for whoever
      // wants to look
      Files.writeString(out, json.substring(0, details) + "}\n");
    }
    long count = (long) number(summary, "\"count\":");
    double seconds = number(summary, "\"total\":") / 1e9;
    long ok = 0;
    Matcher codes = Pattern.compile("\"statusCodeDistribution\":\\{([^}]*)}").matcher(summary);
    if (codes.find()) {
      Matcher okm = Pattern.compile("\"OK\":(\\d+)").matcher(codes.group(1));
      ok = okm.find() ? Long.parseLong(okm.group(1)) : 0;
    }
    if (ok < count) {
      Matcher errs = Pattern.compile("\"errorDistribution\":(\\{[^}]*})").matcher(summary);
      System.err.println(
          "  ghz: "
              + (count - ok)
              + " of "
              + count
              + " calls failed: "
              + (errs.find() ? errs.group(1) : "?"));
    }
    long calls = Math.max(1, ok);
    long[] t = cpu.get();
    return new LoadGen.Result(
        ok,
        count - ok,
        seconds,
        percentile(summary, 50),
        percentile(summary, 99),
        Double.NaN,
        t[0] * Proc.usPerTick() / calls,
        t[1] * Proc.usPerTick() / calls);
  }

  /**
   * ghz's top-level figures: the text after its "options" object (which has keys of the same names,
   * e.g. "total") and before "details" (one entry per call, not needed).
   */
  static String summary(String json) {
    int options = json.indexOf("\"options\":{");
    int from = 0;
    if (options >= 0) {
      int depth = 0;
      boolean inString = false;
      for (int i = json.indexOf('{', options); i < json.length(); i++) {
        char c = json.charAt(i);
        if (inString) {
          if (c == '\\') {
            i++;
          } else if (c == '"') {
            inString = false;
          }
        } else if (c == '"') {
          inString = true;
        } else if (c == '{') {
          depth++;
        } else if (c == '}' && --depth == 0) {
          from = i + 1;
          break;
        }
      }
    }
    int details = json.indexOf("\"details\"", from);
    return json.substring(from, details > 0 ? details : json.length());
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile(Pattern.quote(key) + "([0-9.eE+-]+)").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException(
          "no " + key + " in ghz's output: " + json.substring(0, Math.min(500, json.length())));
    }
    return Double.parseDouble(m.group(1));
  }

  /** A latency percentile in µs from ghz's latencyDistribution (nanoseconds). */
  private static double percentile(String json, int pct) {
    Matcher m = Pattern.compile("\\{\"percentage\":" + pct + ",\"latency\":(\\d+)}").matcher(json);
    return m.find() ? Long.parseLong(m.group(1)) / 1e3 : Double.NaN;
  }
}
