package io.weft.examples.bench;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.weft.api.ClientOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code otel} comparison's second half: what toolkit-opentelemetry costs each end on its own,
 * with the other end in another process and not instrumented, as services run. Weft's server in a
 * process of its own ({@link TelemetryEchoServer}) with the instrumentation off, with only the
 * SDK's own work ({@link SdkFloor}, 1% of the traces recorded), and with toolkit-opentelemetry
 * recording 1% and all of the traces, under the same client load: Kitex's client over TTHeader and
 * ghz over gRPC (server CPU per call). Then Weft's client in the same four settings against one
 * server: Kitex's over TTHeader, grpc-java's over gRPC (client CPU per call).
 */
final class TelemetryLoad {
  /**
   * The settings compared, side 0 the one the others are measured against: off, the SDK alone at
   * 1%, toolkit-opentelemetry at 1% and with every trace.
   */
  private static final List<TelemetrySetting> SETTINGS =
      List.of(
          TelemetrySetting.OFF,
          new TelemetrySetting(true, 0.01),
          new TelemetrySetting(false, 0.01),
          new TelemetrySetting(false, 1));

  private final Bench bench;
  private final Path out;

  TelemetryLoad(Bench bench, Path out) {
    this.bench = bench;
    this.out = out;
  }

  void run() throws Exception {
    int n = Bench.CALLERS;
    int size = Bench.SIZE;
    String load = ", " + size + " B echo, " + n + " callers, OpenTelemetry on the server only";
    List<ServerProcess> servers = new ArrayList<>();
    try {
      for (TelemetrySetting setting : SETTINGS) {
        servers.add(server(setting));
      }
      compare(
          "Kitex's client → Weft's server, ttheader" + load,
          ServerLoad.FIRST_WARMUP,
          ServerLoad.ROUND,
          Bench.Kind.SERVER,
          each(servers, s -> new ServerSides.KitexClient(s, "ttheader", 0, size)));
      compare(
          "ghz → Weft's server, gRPC unary over 4 connections" + load,
          Bench.GRPC_FIRST_WARMUP,
          Bench.GRPC_ROUND,
          Bench.Kind.SERVER,
          each(servers, s -> new GhzSide(s, 4, size, out)));
    } finally {
      for (ServerProcess s : servers) {
        s.close();
      }
    }
    load = ", " + size + " B echo, " + n + " callers, OpenTelemetry on the client only";
    try (ServerProcess kitex = ServerSides.kitexServer(out, false)) {
      compare(
          "Weft's client → Kitex's server, ttheader" + load,
          ServerLoad.FIRST_WARMUP,
          ServerLoad.ROUND,
          Bench.Kind.CLIENT,
          each(SETTINGS, setting -> weftClient(kitex, setting)));
    }
    try (ServerProcess grpcJava = ServerProcess.grpcJava(out)) {
      compare(
          "Weft's client → grpc-java's server, gRPC unary over 1 connection" + load,
          Bench.GRPC_FIRST_WARMUP,
          Bench.GRPC_ROUND,
          Bench.Kind.CLIENT,
          each(SETTINGS, setting -> grpcClient(grpcJava, setting)));
    }
  }

  /** Makes a side for one server or setting. */
  private interface SideOf<T> {
    Side make(T t) throws Exception;
  }

  /** A side for each of {@code xs}, in order. */
  private static <T> List<Side> each(List<T> xs, SideOf<T> make) throws Exception {
    List<Side> sides = new ArrayList<>();
    for (T x : xs) {
      sides.add(make.make(x));
    }
    return sides;
  }

  /** Every side against side 0 (off), by {@code kind}'s CPU per call; closes the sides. */
  private void compare(
      String group, Duration warmup, Duration round, Bench.Kind kind, List<Side> sides)
      throws Exception {
    List<Bench.Pair> againstOff = new ArrayList<>();
    for (int i = 1; i < sides.size(); i++) {
      againstOff.add(new Bench.Pair(i, 0, kind));
    }
    try {
      bench.compare(group, Bench.CALLERS, 0, warmup, round, againstOff, sides.toArray(Side[]::new));
    } finally {
      for (Side s : sides) {
        s.close();
      }
    }
  }

  private ServerProcess server(TelemetrySetting setting) throws Exception {
    return new ServerProcess(
        "weft-otel-" + setting.label(),
        TelemetryEchoServer.class.getName(),
        List.of(setting.arg()),
        Pattern.compile("Weft server listening on .*:(\\d+)"),
        out,
        List.of());
  }

  private static Side weftClient(ServerProcess server, TelemetrySetting setting) {
    OpenTelemetrySdk sdk = setting.sdk(true);
    return new Instrumented(
        new ServerSides.WeftClient(server, Bench.SIZE, options(setting, sdk)),
        sdk,
        "weft (OpenTelemetry " + setting.label() + ") → " + server.name() + " (ttheader)");
  }

  private static Side grpcClient(ServerProcess server, TelemetrySetting setting) {
    OpenTelemetrySdk sdk = setting.sdk(true);
    return new Instrumented(
        new GrpcSides.Unary(server, true, Bench.SIZE, options(setting, sdk)),
        sdk,
        "weft (OpenTelemetry " + setting.label() + ") → " + server.name());
  }

  /** A client's options for {@code setting} on {@code sdk}. */
  private static ClientOption[] options(TelemetrySetting setting, OpenTelemetrySdk sdk) {
    List<ClientOption> options = new ArrayList<>();
    setting.addTo(sdk, null, options);
    return options.toArray(ClientOption[]::new);
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
