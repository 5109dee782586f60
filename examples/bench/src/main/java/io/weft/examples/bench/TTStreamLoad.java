package io.weft.examples.bench;

import interop.stream.Request;
import interop.stream.Response;
import interop.stream.streamservice.StreamServiceClient;
import io.weft.api.BidiStreamingClient;
import io.weft.api.ClientOptions;
import io.weft.api.Transport;
import io.weft.examples.interop.PeerProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;

/**
 * {@code BENCH_ONLY=ttstream}: TTHeader Streaming (Kitex StreamX) bidi messages/s and CPU per
 * message (issue 17, item 6). Kitex's StreamX client ({@code kitexstreamx bench}, a process per
 * run) drives Weft's server and Kitex's StreamX server, each in a process of its own (server CPU
 * from {@code /proc}); Weft's client ({@code withTransport(TTHEADER_STREAMING)}, in the bench JVM)
 * and Kitex's drive Kitex's server (client CPU: the bench JVM's, and the Go process's getrusage).
 * Every stream has one message in flight: send, then receive its echo; a "call" in the table is one
 * echoed message.
 */
final class TTStreamLoad {
  static final int STREAMS = 100;
  static final int[] SIZES = {64, 1024};

  /** The first comparison's least warm-up: the server JVM is new (see {@link ServerLoad}). */
  static final Duration FIRST_WARMUP = Duration.ofSeconds(15);

  static final Duration WARMUP = Duration.ofSeconds(3);
  static final Duration ROUND = Duration.ofSeconds(3);

  private final Bench bench;
  private final Path out;

  TTStreamLoad(Bench bench, Path out) {
    this.bench = bench;
    this.out = out;
  }

  /** Runs the section; returns its goals table (markdown). */
  String run() throws Exception {
    StringBuilder goals =
        new StringBuilder(
            "\n| issue 17 goal (TTHeader Streaming bidi, "
                + STREAMS
                + " streams) | Weft messages/s | Kitex messages/s | Weft ÷ Kitex | goal | met? |\n"
                + "|---|---:|---:|---:|---|---|\n");
    try (ServerProcess weft = ServerProcess.weft(out);
        ServerProcess kitex = kitexServer(out)) {
      System.out.printf(
          Locale.ROOT,
          "ttstream servers: weft pid %d, kitex pid %d (logs: %s)%n",
          weft.pid(),
          kitex.pid(),
          out.resolve("server-*.log"));
      Duration warmup = FIRST_WARMUP;
      for (int size : SIZES) {
        try (Side w = new WeftClient(kitex, size)) {
          List<Bench.Measured> r =
              bench.compare(
                  "TTHeader Streaming bidi, "
                      + size
                      + " B messages, "
                      + STREAMS
                      + " streams, one message in flight each (calls = messages)",
                  STREAMS,
                  0,
                  warmup,
                  ROUND,
                  List.of(
                      new Bench.Pair(0, 1, Bench.Kind.SERVER),
                      new Bench.Pair(2, 1, Bench.Kind.CLIENT)),
                  new KitexClient(weft, size),
                  new KitexClient(kitex, size),
                  w);
          goal(goals, "server (Kitex's client), " + size + " B", r.get(0), r.get(1));
          goal(goals, "client (→ Kitex's server), " + size + " B", r.get(2), r.get(1));
        }
        warmup = WARMUP;
      }
    }
    return goals.toString();
  }

  private static void goal(StringBuilder goals, String what, Bench.Measured w, Bench.Measured k) {
    double ratio = w.r().perSecond() / k.r().perSecond();
    goals.append(
        String.format(
            Locale.ROOT,
            "| %s | %,.0f | %,.0f | %.2f× | ≥ 1.0× | %s |%n",
            what,
            w.r().perSecond(),
            k.r().perSecond(),
            ratio,
            ratio >= 1 ? "yes" : "no"));
  }

  /** Kitex's StreamX server ({@code kitexstreamx server}); serves until its stdin closes. */
  static ServerProcess kitexServer(Path logDir) throws IOException, InterruptedException {
    return new ServerProcess(
        "kitex",
        List.of(PeerProcesses.kitexStreamxPeer().toString(), "server"),
        Pattern.compile("\"stream\":(\\d+)"),
        logDir);
  }

  /** Kitex's StreamX client, a {@code kitexstreamx bench} process per run. */
  static final class KitexClient implements Side {
    private final ServerProcess server;
    private final int size;

    KitexClient(ServerProcess server, int size) {
      this.server = server;
      this.size = size;
    }

    @Override
    public String name() {
      return "kitex → " + server.name() + " (ttstream)";
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
    public LoadGen.Result run(int streams, Duration duration, double rate) throws Exception {
      if (rate > 0) {
        throw new IllegalArgumentException("kitexstreamx bench runs closed loop only");
      }
      Process p =
          new ProcessBuilder(
                  PeerProcesses.kitexStreamxPeer().toString(),
                  "bench",
                  "--addr",
                  "127.0.0.1:" + server.port(),
                  "--streams",
                  Integer.toString(streams),
                  "--seconds",
                  Double.toString(duration.toMillis() / 1000.0),
                  "--size",
                  Integer.toString(size))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("kitexstreamx bench failed: " + line);
      }
      return ServerSides.KitexClient.result(line);
    }
  }

  /**
   * Weft's generated client over TTHeader Streaming, in the bench JVM: a stream per caller, opened
   * at its first message and half-closed after the run.
   */
  static final class WeftClient implements Side {
    private final ServerProcess server;
    private final StreamServiceClient client;
    private final Request request;
    private final int size;

    WeftClient(ServerProcess server, int size) {
      this.server = server;
      this.size = size;
      this.request = new Request().setMsg("x".repeat(size));
      client =
          StreamServiceClient.newClient(
              "stream.StreamService",
              ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
              ClientOptions.withTransport(Transport.TTHEADER_STREAMING));
    }

    @Override
    public String name() {
      return "weft → " + server.name() + " (ttstream)";
    }

    @Override
    public ServerProcess server() {
      return server;
    }

    @Override
    public LoadGen.Result run(int streams, Duration duration, double rate) throws Exception {
      AtomicReferenceArray<BidiStreamingClient<Request, Response>> open =
          new AtomicReferenceArray<>(streams);
      try {
        return LoadGen.run(streams, duration, rate, w -> echo(open, w));
      } finally {
        for (int i = 0; i < streams; i++) {
          BidiStreamingClient<Request, Response> s = open.get(i);
          if (s != null) {
            finish(s);
          }
        }
      }
    }

    private void echo(AtomicReferenceArray<BidiStreamingClient<Request, Response>> open, int w) {
      BidiStreamingClient<Request, Response> s = open.get(w);
      if (s == null) {
        s = client.echoBidi();
        open.set(w, s);
      }
      try {
        s.send(request);
        Response r = s.recv();
        if (r == null || r.getMsg().length() != size) {
          throw new IllegalStateException("bad echo: " + r);
        }
      } catch (RuntimeException e) {
        s.close();
        open.set(w, null); // the next message opens a new stream
        throw e;
      }
    }

    /** Half-closes a stream and reads to its end. */
    private static void finish(BidiStreamingClient<Request, Response> s) {
      try (s) {
        s.closeSend();
        while (s.recv() != null) {
          // nothing more was sent
        }
      } catch (RuntimeException e) {
        // the stream had failed; its error was counted
      }
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
