package io.weft.examples.bench;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.ServerOption;
import io.weft.api.ServerOptions;
import io.weft.opentelemetry.WeftTelemetry;
import java.util.List;
import java.util.Locale;

/**
 * One setting of the otel comparison: instrumentation off, the SDK alone ({@link SdkFloor}), or
 * toolkit-opentelemetry, with {@code sampled} of the traces recorded (NaN when off). A server
 * process takes it as its argument ({@link #arg}): {@code off}, {@code floor-0.01}, {@code 0.01}.
 */
record TelemetrySetting(boolean sdkAlone, double sampled) {
  static final TelemetrySetting OFF = new TelemetrySetting(false, Double.NaN);

  private static final String FLOOR = "floor-";

  static TelemetrySetting parse(String arg) {
    if (arg.equals("off")) {
      return OFF;
    }
    boolean floor = arg.startsWith(FLOOR);
    return new TelemetrySetting(
        floor, Double.parseDouble(floor ? arg.substring(FLOOR.length()) : arg));
  }

  boolean off() {
    return Double.isNaN(sampled);
  }

  /** What {@link #parse} reads back. */
  String arg() {
    return off() ? "off" : (sdkAlone ? FLOOR : "") + sampled;
  }

  /**
   * {@code off}, {@code SDK-alone-1pct}, {@code 1pct} or {@code all}: as names and files show it.
   */
  String label() {
    if (off()) {
      return "off";
    }
    String share = sampled == 1 ? "all" : String.format(Locale.ROOT, "%.0fpct", sampled * 100);
    return sdkAlone ? "SDK-alone-" + share : share;
  }

  /** The SDK the setting runs ({@link TelemetrySide#sdk}), or null when off. */
  OpenTelemetrySdk sdk(boolean propagate) {
    return off() ? null : TelemetrySide.sdk(sampled, propagate);
  }

  /**
   * Adds the setting's middleware on {@code sdk} (null: none) to a server's options and a client's
   * (either list null: not that end), one {@link WeftTelemetry} for both ends.
   */
  void addTo(OpenTelemetrySdk sdk, List<ServerOption> server, List<ClientOption> client) {
    if (sdk == null) {
      return;
    }
    WeftTelemetry telemetry = sdkAlone ? null : WeftTelemetry.create(sdk);
    if (server != null) {
      server.add(
          sdkAlone
              ? ServerOptions.withMiddleware(SdkFloor.middleware(sdk, SpanKind.SERVER))
              : telemetry.serverOption());
    }
    if (client != null) {
      client.add(
          sdkAlone
              ? ClientOptions.withMiddleware(SdkFloor.middleware(sdk, SpanKind.CLIENT))
              : telemetry.clientOption());
    }
  }
}
