package io.weft.examples.interop;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Go command-line tools the tests and benchmarks drive, built from source with the Go toolchain
 * on first use, like {@link PeerProcesses#kitexPeer()}:
 *
 * <ul>
 *   <li>{@link #h2spec()}: HTTP/2 conformance (github.com/summerwind/h2spec v2.2.1+incompatible);
 *   <li>{@link #ghz()}: gRPC load generator (github.com/bojand/ghz v0.93.0);
 *   <li>{@link #grpcurl()}: gRPC requests by hand (github.com/fullstorydev/grpcurl v1.9.4);
 *   <li>{@link #etcd()}: the etcd server the registry tests run against (go.etcd.io/etcd/server/v3
 *       v3.7.3). etcd's own {@code main} is in its root module, go.etcd.io/etcd/v3, which the
 *       module proxy does not serve at every release, so {@code interop/tools/etcd} holds a
 *       three-line {@code main} of its own that calls the server module's {@code etcdmain.Main},
 *       the function etcd's {@code main} calls. Built from the proxy rather than taken from a
 *       distribution's package so that every machine with Go runs the same etcd, pinned by go.sum.
 * </ul>
 *
 * <p>Each tool has a Go module of its own under {@code interop/tools/<tool>/} whose go.mod names
 * the tool (a {@code tool} directive) and, with go.sum, pins every module it is built from: h2spec
 * predates Go modules, so {@code go install ...@version} alone would build it against whatever its
 * dependencies' newest versions are; its module pins the revisions of h2spec's own Gopkg.lock. The
 * binary goes to {@code interop/tools/bin/<tool>} with a stamp file beside it naming what it was
 * built from; while the stamp matches go.mod and go.sum, later calls, in this JVM or another, reuse
 * the binary without running Go at all.
 *
 * <p>To move a tool to another version: in {@code interop/tools/<tool>} run {@code go get -tool
 * <module>/<cmd>@<version> && go mod tidy}, then change the version here.
 *
 * <p>From a shell (scripts, benchmarks), after {@code make build}: {@code java -cp
 * examples/interop/target/interop.jar io.weft.examples.interop.GoTools h2spec ghz grpcurl} builds
 * the tools named and prints their paths, one a line.
 */
public final class GoTools {
  /**
   * A tool: its module and pinned version, the package of its command, the flags that make its
   * {@code --version} say that version, and the oldest Go its module builds with (its go.mod's go
   * line).
   */
  private record Tool(
      String name, String module, String version, String command, String ldflags, String minGo) {}

  private static final Tool H2SPEC =
      new Tool(
          "h2spec",
          "github.com/summerwind/h2spec",
          "v2.2.1+incompatible",
          "cmd/h2spec",
          "-X main.VERSION=2.2.1 -X main.COMMIT=v2.2.1",
          "1.24");
  private static final Tool GHZ =
      new Tool(
          "ghz", "github.com/bojand/ghz", "v0.93.0", "cmd/ghz", "-X main.version=v0.93.0", "1.24");
  private static final Tool GRPCURL =
      new Tool(
          "grpcurl",
          "github.com/fullstorydev/grpcurl",
          "v1.9.4",
          "cmd/grpcurl",
          "-X main.version=v1.9.4",
          "1.25");

  /** Its command is the module's own main package ("."), not a package of the required module. */
  private static final Tool ETCD =
      new Tool("etcd", "go.etcd.io/etcd/server/v3", "v3.7.3", ".", "-s -w", "1.26");

  private static final List<Tool> TOOLS = List.of(H2SPEC, GHZ, GRPCURL, ETCD);

  /**
   * Serializes builds within this JVM; a file lock in interop/tools/bin serializes them between
   * JVMs.
   */
  private static final ReentrantLock BUILDING = new ReentrantLock();

  private GoTools() {}

  /**
   * The built {@code h2spec} ({@code interop/tools/bin/h2spec}), building it if needed.
   *
   * @throws IOException if there is no Go toolchain (saying what to install) or the build fails
   */
  public static Path h2spec() throws IOException, InterruptedException {
    return build(H2SPEC);
  }

  /**
   * The built {@code ghz} ({@code interop/tools/bin/ghz}), building it if needed.
   *
   * @throws IOException if there is no Go toolchain (saying what to install) or the build fails
   */
  public static Path ghz() throws IOException, InterruptedException {
    return build(GHZ);
  }

  /**
   * The built {@code grpcurl} ({@code interop/tools/bin/grpcurl}), building it if needed.
   *
   * @throws IOException if there is no Go toolchain (saying what to install) or the build fails
   */
  public static Path grpcurl() throws IOException, InterruptedException {
    return build(GRPCURL);
  }

  /**
   * The built {@code etcd} server ({@code interop/tools/bin/etcd}), building it if needed.
   *
   * @throws IOException if there is no Go toolchain (saying what to install) or the build fails
   */
  public static Path etcd() throws IOException, InterruptedException {
    return build(ETCD);
  }

  /** Builds the tools named (all without arguments) and prints their paths, one a line. */
  public static void main(String[] args) throws Exception {
    List<String> names = args.length == 0 ? TOOLS.stream().map(Tool::name).toList() : List.of(args);
    for (String name : names) {
      Tool tool =
          TOOLS.stream()
              .filter(t -> t.name().equals(name))
              .findFirst()
              .orElseThrow(() ->
                  new IllegalArgumentException(
                      "no tool "
                          + name
                          + "; there are "
                          + TOOLS.stream().map(Tool::name).toList()));
      System.out.println(build(tool));
    }
  }

  private static Path build(Tool tool) throws IOException, InterruptedException {
    Path tools = PeerProcesses.repoRoot().resolve("interop/tools");
    Path source = tools.resolve(tool.name());
    Path bin = tools.resolve("bin");
    Path out = bin.resolve(tool.name());
    Path stamp = bin.resolve(tool.name() + ".stamp");
    String expected = stamp(tool, source);
    BUILDING.lock();
    try {
      if (built(out, stamp, expected)) {
        return out;
      }
      Files.createDirectories(bin);
      try (FileChannel lockFile =
              FileChannel.open(
                  bin.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = lockFile.lock()) {
        if (built(out, stamp, expected)) { // another JVM built it while this one waited
          return out;
        }
        Path partial = bin.resolve("." + tool.name() + ".partial");
        String pkg = tool.command().equals(".") ? "." : tool.module() + "/" + tool.command();
        ProcessBuilder pb =
            new ProcessBuilder(
                    PeerProcesses.go(
                        tool.name()
                            + " is built from source in "
                            + source
                            + " and needs the Go toolchain ("
                            + tool.minGo()
                            + " or later)"),
                    "build",
                    "-mod=readonly",
                    "-buildvcs=false",
                    "-trimpath",
                    "-ldflags=" + tool.ldflags(),
                    "-o",
                    partial.toString(),
                    pkg)
                .directory(source.toFile())
                .redirectErrorStream(true);
        if (System.getenv("HOME") == null && System.getenv("GOPATH") == null) {
          // Go keeps its module and build caches under $HOME; without one, keep them beside the
          // tools
          Path cache = bin.resolve("go");
          pb.environment().put("GOPATH", cache.toString());
          pb.environment().put("GOCACHE", cache.resolve("build-cache").toString());
        }
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
          p.destroyForcibly();
          throw new IOException(
              "go build of " + pkg + "@" + tool.version() + " in " + source + " failed:\n" + log);
        }
        Files.move(
            partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path partialStamp = bin.resolve("." + tool.name() + ".stamp.partial");
        Files.writeString(partialStamp, expected);
        Files.move(
            partialStamp,
            stamp,
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        return out;
      }
    } finally {
      BUILDING.unlock();
    }
  }

  private static boolean built(Path out, Path stamp, String expected) throws IOException {
    return Files.isExecutable(out)
        && Files.isRegularFile(stamp)
        && Files.readString(stamp).equals(expected);
  }

  /**
   * What a binary built now would be built from: the tool's module at its pinned version, the build
   * flags, and a digest of go.mod and go.sum (which pin everything else). Fails if go.mod does not
   * require the version pinned here.
   */
  private static String stamp(Tool tool, Path source) throws IOException {
    Path goMod = source.resolve("go.mod");
    Path goSum = source.resolve("go.sum");
    if (!Files.isRegularFile(goMod) || !Files.isRegularFile(goSum)) {
      throw new IOException(
          "no Go module for " + tool.name() + ": expected go.mod and go.sum in " + source);
    }
    String mod = Files.readString(goMod);
    Matcher m =
        Pattern.compile("(?m)^\\s*(?:require\\s+)?" + Pattern.quote(tool.module()) + "\\s+(\\S+)")
            .matcher(mod);
    String required = m.find() ? m.group(1) : "nothing";
    if (!required.equals(tool.version())) {
      throw new IOException(
          goMod
              + " requires "
              + tool.module()
              + " "
              + required
              + " but GoTools pins "
              + tool.version()
              + ": make the two agree");
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Files.readAllBytes(goMod));
      sha.update(Files.readAllBytes(goSum));
      return tool.module()
          + "/"
          + tool.command()
          + "@"
          + tool.version()
          + "\n"
          + "ldflags "
          + tool.ldflags()
          + "\n"
          + "go.mod+go.sum sha256 "
          + HexFormat.of().formatHex(sha.digest())
          + "\n";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
