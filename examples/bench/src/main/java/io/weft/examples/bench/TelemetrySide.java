package io.weft.examples.bench;

import interop.thrift.Request;
import interop.thrift.echoservice.EchoServiceClient;
import interop.thrift.echoservice.EchoServiceServer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.Server;
import io.weft.api.ServerOption;
import io.weft.api.ServerOptions;
import io.weft.examples.interop.ThriftEchoHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Weft's TTHeader PingPong with toolkit-opentelemetry on both ends, or the same without it: what
 * the instrumentation costs per call. On: the OpenTelemetry SDK as an application runs it, a given
 * share of the traces sampled (the rest propagate but record no span), spans through a batch
 * processor and metrics through a periodic reader (every second), both to exporters that drop what
 * they get, so that no I/O is measured.
 */
final class TelemetrySide implements Side {
  private final OpenTelemetrySdk sdk;
  private final Server server;
  private final EchoServiceClient client;
  private final Request request;
  private final int size;
  private final TelemetrySetting setting;

  /**
   * {@code sampled}: the share of traces recorded (1 for all), or NaN for no instrumentation at
   * all.
   */
  TelemetrySide(int size, double sampled) {
    this(size, sampled, true);
  }

  /**
   * As {@link #TelemetrySide(int, double)}; {@code propagate} false configures no propagator, to
   * measure what trace context on the wire costs.
   */
  TelemetrySide(int size, double sampled, boolean propagate) {
    this(size, new TelemetrySetting(false, sampled), propagate);
  }

  /**
   * {@link SdkFloor}'s middleware on both ends instead of toolkit-opentelemetry: what the SDK alone
   * costs a call, {@code sampled} of the traces recorded.
   */
  static TelemetrySide sdkAlone(int size, double sampled) {
    return new TelemetrySide(size, new TelemetrySetting(true, sampled), true);
  }

  private TelemetrySide(int size, TelemetrySetting setting, boolean propagate) {
    this.setting = setting;
    this.size = size;
    this.request = ThriftSides.request(size);
    List<ServerOption> serverOptions = new ArrayList<>(List.of(ServerOptions.withPort(0)));
    List<ClientOption> clientOptions = new ArrayList<>();
    sdk = setting.sdk(propagate);
    setting.addTo(sdk, serverOptions, clientOptions);
    server =
        Server.builder()
            .addService(EchoServiceServer.definition(new ThriftEchoHandler()))
            .options(serverOptions.toArray(ServerOption[]::new))
            .build()
            .start();
    clientOptions.add(ClientOptions.withHostPorts("127.0.0.1:" + server.port()));
    client = EchoServiceClient.newClient("EchoService", clientOptions.toArray(ClientOption[]::new));
  }

  /**
   * The SDK as the bench runs it: {@code sampled} of the traces recorded, spans through a batch
   * processor and metrics read every second, both to exporters that drop what they get; W3C trace
   * context as the propagator, or none when {@code propagate} is false.
   */
  static OpenTelemetrySdk sdk(double sampled, boolean propagate) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .setSampler(Sampler.traceIdRatioBased(sampled))
                .addSpanProcessor(BatchSpanProcessor.builder(new DroppedSpans()).build())
                .build())
        .setMeterProvider(
            SdkMeterProvider.builder()
                .registerMetricReader(
                    PeriodicMetricReader.builder(new DroppedMetrics())
                        .setInterval(Duration.ofSeconds(1))
                        .build())
                .build())
        .setPropagators(
            propagate
                ? ContextPropagators.create(W3CTraceContextPropagator.getInstance())
                : ContextPropagators.noop())
        .build();
  }

  @Override
  public String name() {
    return sdk == null
        ? "weft → weft"
        : String.format(
            java.util.Locale.ROOT,
            "weft → weft (%s on both ends, %.0f%% sampled)",
            setting.sdkAlone() ? "the OpenTelemetry SDK alone" : "OpenTelemetry",
            setting.sampled() * 100);
  }

  @Override
  public LoadGen.Result run(int concurrency, Duration duration, double rate) throws Exception {
    return LoadGen.run(
        concurrency, duration, rate, w -> ThriftSides.check(client.echo(request), size));
  }

  @Override
  public void close() {
    client.close();
    server.stop();
    if (sdk != null) {
      sdk.close();
    }
  }

  private static final class DroppedSpans implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private static final class DroppedMetrics implements MetricExporter {
    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType type) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public MemoryMode getMemoryMode() {
      return MemoryMode.REUSABLE_DATA;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
