package io.weft.examples.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Peers that run as processes of their own, for the tests and the benchmarks: the Kitex peer of
 * {@code interop/kitex}, built from source with the Go toolchain on first use (Go's build cache
 * makes later builds instant), and servers whose port is read from their output.
 */
public final class PeerProcesses {
  private static final ReentrantLock BUILDING = new ReentrantLock();
  private static Path kitexPeer;
  private static Path kitexEtcdPeer;
  private static Path kitexOtelPeer;
  private static Path kitexStreamxPeer;

  private PeerProcesses() {}

  /**
   * The built {@code kitexpeer} ({@code interop/kitex/bin/kitexpeer}), building it if needed.
   *
   * @throws IOException if there is no Go toolchain (saying what to install) or the build fails
   */
  public static Path kitexPeer() throws IOException, InterruptedException {
    BUILDING.lock();
    try {
      if (kitexPeer == null) {
        kitexPeer = build("interop/kitex", "kitexpeer");
      }
      return kitexPeer;
    } finally {
      BUILDING.unlock();
    }
  }

  /**
   * The built {@code kitexetcd} ({@code interop/kitex-etcd/bin/kitexetcd}): a Kitex server that
   * registers itself, and a Kitex client that resolves, through kitex-contrib/registry-etcd. A Go
   * module of its own (registry-etcd brings an etcd client), on interop/kitex's generated code.
   */
  public static Path kitexEtcdPeer() throws IOException, InterruptedException {
    BUILDING.lock();
    try {
      if (kitexEtcdPeer == null) {
        kitexEtcdPeer = build("interop/kitex-etcd", "kitexetcd");
      }
      return kitexEtcdPeer;
    } finally {
      BUILDING.unlock();
    }
  }

  /**
   * The built {@code kitexotelpeer} ({@code interop/kitex-otel/bin/kitexotelpeer}): Kitex's client
   * and server with kitex-contrib/obs-opentelemetry, for the tests of Weft's OpenTelemetry module.
   * A Go module of its own, on interop/kitex's generated code.
   */
  public static Path kitexOtelPeer() throws IOException, InterruptedException {
    BUILDING.lock();
    try {
      if (kitexOtelPeer == null) {
        kitexOtelPeer = build("interop/kitex-otel", "kitexotelpeer");
      }
      return kitexOtelPeer;
    } finally {
      BUILDING.unlock();
    }
  }

  /**
   * The built {@code kitexstreamx} ({@code interop/kitex-streamx/bin/kitexstreamx}): stream.thrift
   * generated with {@code kitex -streamx}, whose client and server speak TTHeader Streaming. A Go
   * module of its own.
   */
  public static Path kitexStreamxPeer() throws IOException, InterruptedException {
    BUILDING.lock();
    try {
      if (kitexStreamxPeer == null) {
        kitexStreamxPeer = build("interop/kitex-streamx", "kitexstreamx");
      }
      return kitexStreamxPeer;
    } finally {
      BUILDING.unlock();
    }
  }

  /**
   * Builds the Go program in {@code dir} (relative to the repository) into {@code dir/bin/name}.
   */
  private static Path build(String dir, String name) throws IOException, InterruptedException {
    Path source = repoRoot().resolve(dir);
    Path out = source.resolve("bin/" + name);
    ProcessBuilder pb =
        new ProcessBuilder(
                go(), "build", "-mod=readonly", "-buildvcs=false", "-o", out.toString(), ".")
            .directory(source.toFile())
            .redirectErrorStream(true);
    if (System.getenv("HOME") == null && System.getenv("GOPATH") == null) {
      // Go keeps its module and build caches under $HOME; without one, keep them beside the peer
      Path cache = source.resolve("bin/go");
      pb.environment().put("GOPATH", cache.toString());
      pb.environment().put("GOCACHE", cache.resolve("build-cache").toString());
    }
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("go build of " + name + " in " + source + " failed:\n" + log);
    }
    return out;
  }

  /** The Go toolchain: {@code go} on the PATH, else the usual install places. */
  private static String go() throws IOException {
    return go("the Kitex peer needs the Go toolchain (1.24 or later) to build interop/kitex");
  }

  /**
   * The Go toolchain: {@code go} on the PATH, else the usual install places; without one, fails
   * with {@code need} (what needs Go, and which version) and where it looked.
   */
  static String go(String need) throws IOException {
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
    throw new IOException(
        need
            + ", "
            + "and found no `go` on the PATH, in /usr/local/go/bin or in /usr/lib/go/bin: install Go and run again");
  }

  /**
   * The repository's root: the nearest directory above the working directory with {@code
   * interop/kitex/go.mod}.
   */
  static Path repoRoot() throws IOException {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.exists(d.resolve("interop/kitex/go.mod"))) {
        return d;
      }
    }
    throw new IOException("cannot find interop/kitex/go.mod above " + Path.of("").toAbsolutePath());
  }

  /**
   * Reads {@code server}'s output until a line matches {@code listening}, whose first group is the
   * port; the rest of the output is drained in the background so that the process never blocks on a
   * full pipe.
   */
  public static int awaitPort(Process server, Pattern listening) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      Matcher m = listening.matcher(line);
      if (m.find()) {
        Thread.ofPlatform()
            .daemon()
            .start(() -> {
              try {
                out.transferTo(java.io.Writer.nullWriter());
              } catch (IOException e) {
                // the process ended
              }
            });
        return Integer.parseInt(m.group(1));
      }
    }
    throw new IOException("the server process ended without printing a line like " + listening);
  }

  /**
   * A running {@code kitexpeer server}: one Kitex server per IDL (thrift, testservice, echoproto,
   * stream), each on a loopback port. Closing it stops them.
   */
  public static final class KitexServers implements AutoCloseable {
    private final Process process;
    private final java.util.Map<String, Integer> ports = new java.util.HashMap<>();

    public KitexServers() throws IOException, InterruptedException {
      process =
          new ProcessBuilder(kitexPeer().toString(), "server")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine(); // the peer prints its ports as one JSON line once it listens
      if (line == null) {
        process.waitFor(10, TimeUnit.SECONDS);
        throw new IOException("kitexpeer server exited before listening");
      }
      Matcher m = Pattern.compile("\"(\\w+)\":(\\d+)").matcher(line);
      while (m.find()) {
        ports.put(m.group(1), Integer.parseInt(m.group(2)));
      }
    }

    /** The port of the server for {@code idl}: thrift, testservice, echoproto or stream. */
    public int port(String idl) {
      Integer p = ports.get(idl);
      if (p == null) {
        throw new IllegalStateException("kitexpeer serves no " + idl + ": " + ports);
      }
      return p;
    }

    @Override
    public void close() throws InterruptedException {
      try {
        process.getOutputStream().close(); // the peer exits when its stdin closes
      } catch (IOException e) {
        // already gone
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
