package io.weft.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gRPC server in a JVM of its own, started with the bench JVM's own heap and GC flags and
 * classpath, so that its CPU time and memory ({@link Proc}) are its alone. Its output goes to
 * {@code <log dir>/<file name>.log}.
 */
final class ServerProcess implements AutoCloseable {
  /** Weft's interop server (every interop service on one port). */
  static ServerProcess weft(Path logDir) throws IOException {
    return weft(logDir, 0);
  }

  /**
   * Weft's interop server with an open-connection limit of {@code maxConnections} ({@code
   * ServerOptions.withMaxConnections}; 0 for the default, 10,000).
   */
  static ServerProcess weft(Path logDir, int maxConnections) throws IOException {
    return new ServerProcess(
        "weft",
        "io.weft.examples.interop.Main",
        List.of("server", "--port", "0", "--max-connections", Integer.toString(maxConnections)),
        Pattern.compile("Weft server listening on .*:(\\d+)"),
        logDir,
        List.of());
  }

  /**
   * Weft's interop server with the JDK's virtual-thread scheduler on one carrier thread ({@code
   * -Djdk.virtualThreadScheduler.parallelism=1}): on a machine whose two cores the load generator
   * shares, the cheaper setting, since no carrier wakes another for each short call (as Netty
   * serves a connection on one event-loop thread). The default is one carrier per core.
   */
  static ServerProcess weftOneCarrier(Path logDir) throws IOException {
    return new ServerProcess(
        "weft-1-carrier",
        "io.weft.examples.interop.Main",
        List.of("server", "--port", "0"),
        Pattern.compile("Weft server listening on .*:(\\d+)"),
        logDir,
        List.of("-Djdk.virtualThreadScheduler.parallelism=1"));
  }

  /**
   * grpc-java on Netty, direct executor, serving the same two methods ({@link GrpcJavaEchoServer}).
   */
  static ServerProcess grpcJava(Path logDir) throws IOException {
    return new ServerProcess(
        "grpc-java",
        GrpcJavaEchoServer.class.getName(),
        List.of(),
        Pattern.compile("grpc-java listening on .*:(\\d+)"),
        logDir,
        List.of());
  }

  /**
   * The server processes running now (idle between rounds): not "other processes" in the quiet
   * check.
   */
  private static final Set<ServerProcess> RUNNING = ConcurrentHashMap.newKeySet();

  static { // a bench JVM that ends early (an exception, Ctrl-C) leaves no server behind
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> RUNNING.forEach(p -> p.process.destroyForcibly())));
  }

  /** The CPU clock ticks all running server processes have used so far. */
  static long runningTicks() {
    long sum = 0;
    for (ServerProcess p : RUNNING) {
      long[] t = Proc.cpuTicks(p.pid());
      sum += Math.max(0, t[0]) + Math.max(0, t[1]);
    }
    return sum;
  }

  private final String name;
  private final Process process;
  private final int port;

  ServerProcess(
      String name,
      String mainClass,
      List<String> args,
      Pattern listening,
      Path logDir,
      List<String> extraFlags)
      throws IOException {
    this(name, javaCommand(mainClass, args, extraFlags), listening, logDir);
  }

  /**
   * A server that is not a JVM (Kitex's): {@code cmd} runs it, and it prints a line that {@code
   * listening} finds its port in. It should serve until its standard input closes or it is killed.
   */
  ServerProcess(String name, List<String> cmd, Pattern listening, Path logDir) throws IOException {
    this.name = name;
    process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Files.createDirectories(logDir);
    Path log = logDir.resolve("server-" + name + ".log");
    PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true);
    int cp = cmd.indexOf("-cp");
    out.println(
        "# "
            + (cp < 0
                ? String.join(" ", cmd)
                : String.join(" ", cmd.subList(0, cp))
                    + " -cp <bench classpath> "
                    + String.join(" ", cmd.subList(cp + 2, cmd.size()))));
    BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    int found = -1;
    String line;
    while ((line = in.readLine()) != null) {
      out.println(line);
      Matcher m = listening.matcher(line);
      if (m.find()) {
        found = Integer.parseInt(m.group(1));
        break;
      }
    }
    if (found < 0) {
      out.close();
      throw new IOException(
          name + " server ended without printing a line like " + listening + "; see " + log);
    }
    port = found;
    RUNNING.add(this);
    // a platform thread: a virtual one blocked reading the pipe can hold a carrier, and the load
    // generators need both
    Thread.ofPlatform()
        .daemon()
        .name("output of " + name + " server")
        .start(() -> { // keep its output (and its pipe drained) until it ends
          try (out) {
            String l;
            while ((l = in.readLine()) != null) {
              out.println(l);
            }
          } catch (IOException e) {
            // the process ended
          }
        });
  }

  private static List<String> javaCommand(
      String mainClass, List<String> args, List<String> extraFlags) {
    List<String> cmd =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmFlags());
    cmd.addAll(extraFlags);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(args);
    return cmd;
  }

  /**
   * The bench JVM's heap and GC flags ({@code -X...}), given to every server process so that the
   * two servers, and the bench JVM, run with the same ones.
   */
  static List<String> jvmFlags() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-X"))
        .toList();
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** Its user + system CPU so far, in clock ticks. */
  long cpuTicks() {
    long[] t = Proc.cpuTicks(pid());
    if (t[0] < 0) {
      throw new IllegalStateException(
          name + " server process " + pid() + " has ended (exit " + process.exitValue() + ")");
    }
    return t[0] + t[1];
  }

  Proc.Io io() {
    return Proc.io(pid());
  }

  @Override
  public void close() throws InterruptedException {
    RUNNING.remove(this);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
