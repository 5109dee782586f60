package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kitex test peer of {@code interop/kitex}: a Go program built from source with the Go
 * toolchain on first use (Go's build cache makes later builds instant), then run as a Kitex
 * server or as a one-case Kitex client. A machine without Go fails here with a clear message;
 * nothing is skipped.
 */
final class KitexPeer {
  private static Path binary;

  private KitexPeer() {}

  /** The built peer, building it if needed. */
  static synchronized Path binary() throws IOException, InterruptedException {
    if (binary != null) {
      return binary;
    }
    Path source = repoRoot().resolve("interop/kitex");
    Path out = Path.of("target", "kitexpeer").toAbsolutePath();
    ProcessBuilder pb = new ProcessBuilder(go(), "build", "-mod=readonly", "-buildvcs=false", "-o", out.toString(), ".")
        .directory(source.toFile())
        .redirectErrorStream(true);
    if (System.getenv("HOME") == null && System.getenv("GOPATH") == null) {
      // Go keeps its module and build caches under $HOME; without one, keep them in target/
      Path cache = Path.of("target", "go").toAbsolutePath();
      pb.environment().put("GOPATH", cache.toString());
      pb.environment().put("GOCACHE", cache.resolve("build-cache").toString());
    }
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
      fail("go build of the Kitex peer in " + source + " failed:\n" + log);
    }
    binary = out;
    return out;
  }

  /** The Go toolchain: {@code go} on the PATH, else the usual install places. */
  private static String go() {
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "go"));
      }
    }
    candidates.add(Path.of("/usr/local/go/bin/go"));
    candidates.add(Path.of("/usr/lib/go/bin/go"));
    for (Path c : candidates) {
      if (Files.isExecutable(c)) {
        return c.toString();
      }
    }
    return fail("the Kitex interop tests need the Go toolchain (1.24 or later) to build interop/kitex, "
        + "and found no `go` on the PATH, in /usr/local/go/bin or in /usr/lib/go/bin: install Go and run again");
  }

  private static Path repoRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.exists(d.resolve("interop/kitex/go.mod"))) {
        return d;
      }
    }
    return fail("cannot find interop/kitex/go.mod above " + Path.of("").toAbsolutePath());
  }

  /** A running {@code kitexpeer server}: one Kitex server per IDL, on loopback ports. Closing it stops them. */
  static final class Servers implements AutoCloseable {
    private final Process process;
    private final Map<String, Integer> ports;

    Servers() throws IOException, InterruptedException {
      process = new ProcessBuilder(binary().toString(), "server").redirectError(ProcessBuilder.Redirect.INHERIT).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine(); // the peer prints its ports once it listens
      if (line == null) {
        process.waitFor(10, TimeUnit.SECONDS);
        fail("kitexpeer server exited before listening");
      }
      ports = new HashMap<>();
      Matcher m = Pattern.compile("\"(\\w+)\":(\\d+)").matcher(line);
      while (m.find()) {
        ports.put(m.group(1), Integer.parseInt(m.group(2)));
      }
    }

    /** The port of the server for {@code idl}: thrift, testservice, echoproto or stream. */
    int port(String idl) {
      Integer p = ports.get(idl);
      if (p == null) {
        fail("kitexpeer serves no " + idl + ": " + ports);
      }
      return p;
    }

    @Override
    public void close() throws Exception {
      process.getOutputStream().close(); // the peer exits when its stdin closes
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** Runs {@code kitexpeer client}; returns null when the case passed, else its output. */
  static String client(int port, String transport, String testCase) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(binary().toString(), "client", "--addr", "127.0.0.1:" + port, "--transport", transport, "--case", testCase)
        .redirectErrorStream(true)
        .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "kitexpeer client did not finish within 60 s: " + out;
    }
    return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
  }
}
