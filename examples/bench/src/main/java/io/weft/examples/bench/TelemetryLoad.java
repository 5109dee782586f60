package io.weft.examples.bench;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.weft.api.ClientOption;
import io.weft.opentelemetry.WeftTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code otel} comparison's second half: what toolkit-opentelemetry costs each end on its own,
 * with the other end in another process and not instrumented, as services run. Weft's server in a
 * process of its own, instrumentation off, with 1% of the traces recorded and with all of them
 * ({@link TelemetryEchoServer}), under the same client load: Kitex's client over TTHeader and ghz
 * over gRPC (server CPU per call). Then Weft's client, off, 1% and all, against one server: Kitex's
 * over TTHeader, grpc-java's over gRPC (client CPU per call).
 */
final class TelemetryLoad {
  /** The shares of traces recorded: none (instrumentation off), 1%, all. */
  private static final List<String> SHARES = List.of("off", "0.01", "1");

  private final Bench bench;
  private final Path out;

  TelemetryLoad(Bench bench, Path out) {
    this.bench = bench;
    this.out = out;
  }

  void run() throws Exception {
    int n = Bench.CALLERS;
    int size = Bench.SIZE;
    List<Bench.Pair> onVsOff =
        List.of(new Bench.Pair(1, 0, Bench.Kind.SERVER), new Bench.Pair(2, 0, Bench.Kind.SERVER));
    try (ServerProcess off = server(SHARES.get(0));
        ServerProcess some = server(SHARES.get(1));
        ServerProcess all = server(SHARES.get(2))) {
      String load = ", " + size + " B echo, " + n + " callers, OpenTelemetry on the server only";
      try (Side a = new ServerSides.KitexClient(off, "ttheader", 0, size);
          Side b = new ServerSides.KitexClient(some, "ttheader", 0, size);
          Side c = new ServerSides.KitexClient(all, "ttheader", 0, size)) {
        bench.compare(
            "Kitex's client → Weft's server, ttheader" + load,
            n,
            0,
            ServerLoad.FIRST_WARMUP,
            ServerLoad.ROUND,
            onVsOff,
            a,
            b,
            c);
      }
      try (GhzSide a = new GhzSide(off, 4, size, out);
          GhzSide b = new GhzSide(some, 4, size, out);
          GhzSide c = new GhzSide(all, 4, size, out)) {
        bench.compare(
            "ghz → Weft's server, gRPC unary over 4 connections" + load,
            n,
            0,
            Bench.GRPC_FIRST_WARMUP,
            Bench.GRPC_ROUND,
            onVsOff,
            a,
            b,
            c);
      }
    }
    List<Bench.Pair> clientOnVsOff =
        List.of(new Bench.Pair(1, 0, Bench.Kind.CLIENT), new Bench.Pair(2, 0, Bench.Kind.CLIENT));
    String load = ", " + size + " B echo, " + n + " callers, OpenTelemetry on the client only";
    try (ServerProcess kitex = ServerSides.kitexServer(out, false);
        Side a = weftClient(kitex, SHARES.get(0));
        Side b = weftClient(kitex, SHARES.get(1));
        Side c = weftClient(kitex, SHARES.get(2))) {
      bench.compare(
          "Weft's client → Kitex's server, ttheader" + load,
          n,
          0,
          ServerLoad.FIRST_WARMUP,
          ServerLoad.ROUND,
          clientOnVsOff,
          a,
          b,
          c);
    }
    try (ServerProcess grpcJava = ServerProcess.grpcJava(out);
        Side a = grpcClient(grpcJava, SHARES.get(0));
        Side b = grpcClient(grpcJava, SHARES.get(1));
        Side c = grpcClient(grpcJava, SHARES.get(2))) {
      bench.compare(
          "Weft's client → grpc-java's server, gRPC unary over 1 connection" + load,
          n,
          0,
          Bench.GRPC_FIRST_WARMUP,
          Bench.GRPC_ROUND,
          clientOnVsOff,
          a,
          b,
          c);
    }
  }

  private ServerProcess server(String share) throws Exception {
    return new ServerProcess(
        "weft-otel-" + label(share),
        TelemetryEchoServer.class.getName(),
        List.of(share),
        Pattern.compile("Weft server listening on .*:(\\d+)"),
        out,
        List.of());
  }

  private static Side weftClient(ServerProcess server, String share) {
    OpenTelemetrySdk sdk = sdk(share);
    return new Instrumented(
        new ServerSides.WeftClient(server, Bench.SIZE, options(sdk)),
        sdk,
        "weft (OpenTelemetry " + label(share) + ") → " + server.name() + " (ttheader)");
  }

  private static Side grpcClient(ServerProcess server, String share) {
    OpenTelemetrySdk sdk = sdk(share);
    return new Instrumented(
        new GrpcSides.Unary(server, true, Bench.SIZE, options(sdk)),
        sdk,
        "weft (OpenTelemetry " + label(share) + ") → " + server.name());
  }

  private static OpenTelemetrySdk sdk(String share) {
    return share.equals("off") ? null : TelemetrySide.sdk(Double.parseDouble(share), true);
  }

  private static ClientOption[] options(OpenTelemetrySdk sdk) {
    return sdk == null
        ? new ClientOption[0]
        : new ClientOption[] {WeftTelemetry.create(sdk).clientOption()};
  }

  /** "off", "1pct" or "all": a share as names and file names show it. */
  private static String label(String share) {
    return switch (share) {
      case "off" -> "off";
      case "1" -> "all";
      default -> String.format(Locale.ROOT, "%.0fpct", Double.parseDouble(share) * 100);
    };
  }

  /** A client side under another name, whose SDK (null: none) closes with it. */
  private record Instrumented(Side side, OpenTelemetrySdk sdk, String name) implements Side {
    @Override
    public LoadGen.Result run(int concurrency, Duration duration, double rate) throws Exception {
      return side.run(concurrency, duration, rate);
    }

    @Override
    public ServerProcess server() {
      return side.server();
    }

    @Override
    public String client() {
      return "weft";
    }

    @Override
    public void close() throws Exception {
      side.close();
      if (sdk != null) {
        sdk.close();
      }
    }
  }
}
