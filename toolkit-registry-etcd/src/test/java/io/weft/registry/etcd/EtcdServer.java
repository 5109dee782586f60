package io.weft.registry.etcd;

import io.weft.examples.interop.GoTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real single-member etcd for a test (built by {@link GoTools#etcd()}): free loopback ports, a
 * data directory of its own, ready once etcd logs that it serves clients. It can be killed and
 * started again on the same ports and data, as an etcd restart.
 */
final class EtcdServer implements AutoCloseable {
  private final Path dataDir;
  private final int clientPort;
  private final int peerPort;
  private Process process;
  private final ArrayDeque<String> lastLines = new ArrayDeque<>();

  private EtcdServer(Path dataDir, int clientPort, int peerPort) {
    this.dataDir = dataDir;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
  }

  /** A new etcd in a new temporary directory, started and ready. */
  static EtcdServer start() throws IOException, InterruptedException {
    EtcdServer e = new EtcdServer(Files.createTempDirectory("weft-etcd"), freePort(), freePort());
    e.startProcess();
    return e;
  }

  /** The client endpoint, {@code 127.0.0.1:port}. */
  String endpoint() {
    return "127.0.0.1:" + clientPort;
  }

  /** etcd's client port. */
  int clientPort() {
    return clientPort;
  }

  /** Stops etcd at once (SIGKILL), keeping its data. */
  void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor();
      process = null;
    }
  }

  /** Starts etcd again on the same ports and data and waits until it is ready. */
  void restart() throws IOException, InterruptedException {
    kill();
    startProcess();
  }

  private void startProcess() throws IOException, InterruptedException {
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    process =
        new ProcessBuilder(
                GoTools.etcd().toString(),
                "--name",
                "weft-test",
                "--data-dir",
                dataDir.resolve("data").toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "weft-test=" + peer,
                "--log-level",
                "info")
            .redirectErrorStream(true)
            .start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Process p = process;
    Thread.ofPlatform()
        .daemon()
        .name("etcd-log")
        .start(() -> {
          try (BufferedReader r =
              new BufferedReader(
                  new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
              synchronized (lastLines) {
                lastLines.addLast(line);
                if (lastLines.size() > 30) {
                  lastLines.removeFirst();
                }
              }
              if (line.contains("ready to serve client requests")) {
                ready.complete(null);
              }
            }
          } catch (IOException e) {
            // the process ended
          }
          ready.completeExceptionally(new IOException("etcd exited before it was ready"));
        });
    try {
      ready.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      String log;
      synchronized (lastLines) {
        log = String.join("\n", lastLines);
      }
      kill();
      throw new IOException("etcd did not become ready: " + e + "\nits last lines:\n" + log);
    }
  }

  @Override
  public void close() throws Exception {
    kill();
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
