package io.weft.examples.bench;

import io.weft.examples.interop.PeerProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kitex's client and server (interop/kitex, built here with {@code go build}), over TTHeader. The
 * server is one process; each run is a {@code kitexpeer bench} process with the same closed- or
 * open-loop rules as {@link LoadGen}, reporting the same figures.
 */
final class KitexSide implements Side {
  private final Path binary;
  private final PeerProcesses.KitexServers servers;
  private final int port;
  private final int size;

  KitexSide(int size) throws IOException, InterruptedException {
    this.size = size;
    binary = PeerProcesses.kitexPeer();
    servers = new PeerProcesses.KitexServers();
    port = servers.port("thrift");
  }

  @Override
  public String name() {
    return "kitex → kitex (Kitex v0.16.3, Go)";
  }

  @Override
  public boolean clientInBenchJvm() {
    return false;
  }

  @Override
  public LoadGen.Result run(int concurrency, Duration duration, double rate) throws Exception {
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "bench",
                "--addr",
                "127.0.0.1:" + port,
                "--concurrency",
                Integer.toString(concurrency),
                "--seconds",
                Double.toString(duration.toMillis() / 1000.0),
                "--size",
                Integer.toString(size),
                "--rate",
                String.format(Locale.ROOT, "%.1f", rate))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("kitexpeer bench failed: " + line);
    }
    return new LoadGen.Result(
        (long) field(line, "calls"),
        (long) field(line, "errors"),
        field(line, "seconds"),
        field(line, "p50us"),
        field(line, "p99us"),
        field(line, "p999us"),
        Double.NaN,
        Double.NaN); // its CPU is spent in other processes
  }

  private static double field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":([0-9.eE+-]+)").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in " + json);
    }
    return Double.parseDouble(m.group(1));
  }

  @Override
  public void close() throws InterruptedException {
    servers.close();
  }
}
