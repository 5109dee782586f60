package io.weft.examples.bench;

import interop.thrift.Request;
import interop.thrift.echoservice.EchoServiceClient;
import interop.thrift.echoservice.EchoServiceDescriptor;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.Transport;
import io.weft.examples.interop.LibthriftPeers;
import io.weft.examples.interop.PeerProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sides of {@link ServerLoad}: a client (Kitex's in a process of its own, libthrift's or Weft's
 * in the bench JVM) driving interop.thrift's Echo on a server that runs in a process of its own
 * ({@link ServerProcess}), so that a server's CPU per call and a client's are each their own.
 */
final class ServerSides {
  private ServerSides() {}

  /** Kitex's bench server ({@code kitexpeer bench --serve}); {@code mux} for its mux transport. */
  static ServerProcess kitexServer(Path logDir, boolean mux)
      throws IOException, InterruptedException {
    return new ServerProcess(
        mux ? "kitex-mux" : "kitex",
        List.of(PeerProcesses.kitexPeer().toString(), "bench", "--serve", mux ? "mux" : "plain"),
        Pattern.compile("kitex bench server listening on .*:(\\d+)"),
        logDir);
  }

  /** libthrift's {@code TThreadPoolServer}, Framed or unframed ({@link LibthriftEchoServer}). */
  static ServerProcess libthriftServer(Path logDir, boolean framed) throws IOException {
    return new ServerProcess(
        framed ? "libthrift-framed" : "libthrift-unframed",
        LibthriftEchoServer.class.getName(),
        List.of(framed ? "framed" : "unframed"),
        Pattern.compile("libthrift listening on .*:(\\d+)"),
        logDir,
        List.of());
  }

  /**
   * Kitex v0.16.3's client, a {@code kitexpeer bench} process per run: over {@code transport}
   * (ttheader, ttheader-framed, framed), with its pool keeping as many idle connections per address
   * as there are callers, or {@code mux} multiplexed connections. Reports its own CPU per call
   * (getrusage around the load).
   */
  static final class KitexClient implements Side {
    private final ServerProcess server;
    private final String transport;
    private final int mux;
    private final int size;

    KitexClient(ServerProcess server, String transport, int mux, int size) {
      this.server = server;
      this.transport = transport;
      this.mux = mux;
      this.size = size;
    }

    @Override
    public String name() {
      return "kitex"
          + (mux > 0 ? " (mux, " + mux + " conn)" : "")
          + " → "
          + server.name()
          + " ("
          + transport
          + ")";
    }

    @Override
    public ServerProcess server() {
      return server;
    }

    @Override
    public boolean clientInBenchJvm() {
      return false;
    }

    @Override
    public LoadGen.Result run(int concurrency, Duration duration, double rate) throws Exception {
      Process p =
          start(concurrency, Duration.ZERO, duration, rate)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("kitexpeer bench failed: " + line);
      }
      return result(line);
    }

    /**
     * The {@code kitexpeer bench} process of one run, not started; with a {@code warmup} above 0,
     * it first runs the same load on the same client (the same connections) for that long, prints
     * {@code {"warm":true}} and waits for a line on its standard input before the measured run.
     */
    ProcessBuilder start(int concurrency, Duration warmup, Duration duration, double rate)
        throws IOException, InterruptedException {
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  PeerProcesses.kitexPeer().toString(),
                  "bench",
                  "--warmup",
                  Double.toString(warmup.toMillis() / 1000.0),
                  "--addr",
                  "127.0.0.1:" + server.port(),
                  "--transport",
                  transport,
                  "--mux",
                  Integer.toString(mux),
                  "--idle",
                  Integer.toString(concurrency),
                  "--concurrency",
                  Integer.toString(concurrency),
                  "--seconds",
                  Double.toString(duration.toMillis() / 1000.0),
                  "--size",
                  Integer.toString(size),
                  "--rate",
                  String.format(Locale.ROOT, "%.1f", rate)));
      return new ProcessBuilder(cmd);
    }

    /** The figures in the JSON line that {@code kitexpeer bench} prints at the end. */
    static LoadGen.Result result(String line) {
      return new LoadGen.Result(
          (long) field(line, "calls"),
          (long) field(line, "errors"),
          field(line, "seconds"),
          field(line, "p50us"),
          field(line, "p99us"),
          field(line, "p999us"),
          field(line, "userCpuUs"),
          field(line, "systemCpuUs"));
    }

    private static double field(String json, String name) {
      Matcher m = Pattern.compile("\"" + name + "\":([0-9.eE+-]+)").matcher(json);
      if (!m.find()) {
        throw new IllegalStateException("no " + name + " in " + json);
      }
      return Double.parseDouble(m.group(1));
    }
  }

  /** libthrift's blocking client in the bench JVM: a connection per caller, Framed or not. */
  static final class LibthriftClient implements Side {
    private final ServerProcess server;
    private final boolean framed;
    private final LibthriftPeers.Client[] clients;
    private final Request request;
    private final int size;

    LibthriftClient(ServerProcess server, boolean framed, int callers, int size) throws Exception {
      this.server = server;
      this.framed = framed;
      this.size = size;
      this.request = ThriftSides.request(size);
      clients = new LibthriftPeers.Client[callers];
      for (int i = 0; i < callers; i++) {
        clients[i] = new LibthriftPeers.Client("127.0.0.1", server.port(), framed);
      }
    }

    @Override
    public String name() {
      return "libthrift → " + server.name() + " (" + (framed ? "framed" : "unframed") + ")";
    }

    @Override
    public ServerProcess server() {
      return server;
    }

    @Override
    public LoadGen.Result run(int concurrency, Duration duration, double rate) throws Exception {
      if (concurrency > clients.length) {
        throw new IllegalArgumentException(
            concurrency + " callers but " + clients.length + " libthrift connections");
      }
      EchoServiceDescriptor.EchoArgs args = new EchoServiceDescriptor.EchoArgs().setReq(request);
      return LoadGen.run(
          concurrency,
          duration,
          rate,
          w ->
              ThriftSides.check(
                  clients[w].call("Echo", args, EchoServiceDescriptor.EchoResult::new).getSuccess(),
                  size));
    }

    @Override
    public void close() {
      for (LibthriftPeers.Client c : clients) {
        c.close();
      }
    }
  }

  /** Weft's client with its default connection pool, over TTHeader, in the bench JVM. */
  static final class WeftClient implements Side {
    private final ServerProcess server;
    private final EchoServiceClient client;
    private final Request request;
    private final int size;

    /** {@code extra}: options besides the address and transport (the otel comparison's). */
    WeftClient(ServerProcess server, int size, ClientOption... extra) {
      this.server = server;
      this.size = size;
      this.request = ThriftSides.request(size);
      List<ClientOption> options = new ArrayList<>(List.of(extra));
      options.add(ClientOptions.withHostPorts("127.0.0.1:" + server.port()));
      options.add(ClientOptions.withTransport(Transport.TTHEADER));
      client = EchoServiceClient.newClient("EchoService", options.toArray(ClientOption[]::new));
    }

    @Override
    public String name() {
      return "weft → " + server.name() + " (ttheader)";
    }

    @Override
    public ServerProcess server() {
      return server;
    }

    @Override
    public LoadGen.Result run(int concurrency, Duration duration, double rate) throws Exception {
      return LoadGen.run(
          concurrency, duration, rate, w -> ThriftSides.check(client.echo(request), size));
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
