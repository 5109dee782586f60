package io.weft.examples.grpcpeer;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs examples/interop/target/interop.jar as a separate process, as outside peers do. */
final class InteropJar {
  static final Path JAR = Path.of("../interop/target/interop.jar");

  private InteropJar() {}

  static List<String> java(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    if (Runtime.version().feature() >= 24) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    String helidonLevel = System.getProperty("weft.helidon.level");
    if (helidonLevel != null) {
      cmd.add("-Dweft.helidon.level=" + helidonLevel);
      cmd.add("-Djava.util.logging.ConsoleHandler.level=ALL");
    }
    cmd.add("-jar");
    cmd.add(JAR.toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Starts {@code interop.jar server} on a free port and waits until it accepts connections. */
  static Process startServer(int port, Path log) throws IOException, InterruptedException {
    if (!Files.exists(JAR)) {
      throw new IllegalStateException(
          JAR.toAbsolutePath() + " is missing: build the interop module first");
    }
    Process p =
        new ProcessBuilder(java("server", "--port", Integer.toString(port)))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException("interop server exited: " + Files.readString(log));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return p;
      } catch (IOException notYet) {
        // keep waiting for the listener; the process's own startup is the condition
        p.waitFor(20, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Runs {@code interop.jar client ...}; returns its exit code and output. */
  static Result client(String... args) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(java(args)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, out + "\n(timed out)");
    }
    return new Result(p.exitValue(), out);
  }

  record Result(int exitCode, String output) {}

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static File logFile(String name) throws IOException {
    Path dir = Path.of("target");
    Files.createDirectories(dir);
    return dir.resolve(name).toFile();
  }
}
