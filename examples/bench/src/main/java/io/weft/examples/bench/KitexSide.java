package io.weft.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
  private final Process server;
  private final int port;
  private final int size;

  KitexSide(int size) throws IOException, InterruptedException {
    this.size = size;
    binary = build();
    server = new ProcessBuilder(binary.toString(), "server").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String ports = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
    Matcher m = Pattern.compile("\"thrift\":(\\d+)").matcher(ports == null ? "" : ports);
    if (!m.find()) {
      throw new IOException("kitexpeer server did not start: " + ports);
    }
    port = Integer.parseInt(m.group(1));
  }

  private static Path build() throws IOException, InterruptedException {
    Path source = null;
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.exists(d.resolve("interop/kitex/go.mod"))) {
        source = d.resolve("interop/kitex");
        break;
      }
    }
    if (source == null) {
      throw new IOException("cannot find interop/kitex above " + Path.of("").toAbsolutePath());
    }
    String go = Files.isExecutable(Path.of("/usr/local/go/bin/go")) ? "/usr/local/go/bin/go" : "go";
    Path out = source.resolve("bin/kitexpeer");
    Process p = new ProcessBuilder(go, "build", "-mod=readonly", "-buildvcs=false", "-o", out.toString(), ".")
        .directory(source.toFile()).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("go build of interop/kitex failed:\n" + log);
    }
    return out;
  }

  @Override
  public String name() {
    return "kitex → kitex (Kitex v0.16.3, Go)";
  }

  @Override
  public LoadGen.Result run(int concurrency, Duration duration, double rate) throws Exception {
    Process p = new ProcessBuilder(binary.toString(), "bench", "--addr", "127.0.0.1:" + port,
        "--concurrency", Integer.toString(concurrency), "--seconds", Double.toString(duration.toMillis() / 1000.0),
        "--size", Integer.toString(size), "--rate", String.format(Locale.ROOT, "%.1f", rate))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("kitexpeer bench failed: " + line);
    }
    return new LoadGen.Result((long) field(line, "calls"), (long) field(line, "errors"), field(line, "seconds"),
        field(line, "p50us"), field(line, "p99us"), field(line, "p999us"));
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
    server.destroy();
    server.waitFor(10, TimeUnit.SECONDS);
  }
}
