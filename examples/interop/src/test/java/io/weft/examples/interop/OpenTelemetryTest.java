package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import interop.stream.streamservice.StreamServiceClient;
import interop.stream.streamservice.StreamServiceServer;
import interop.thrift.Request;
import interop.thrift.Response;
import interop.thrift.echoservice.EchoServiceClient;
import interop.thrift.echoservice.EchoServiceServer;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.weft.api.BidiStreamingClient;
import io.weft.api.CallOptions;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.opentelemetry.TraceContextFormatter;
import io.weft.opentelemetry.WeftTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * toolkit-opentelemetry between Weft clients and servers over every transport: one trace across the
 * hops, RPC semantic-convention spans and metrics, the span context and baggage in the handler and
 * in a thread it starts, and trace ids in SLF4J's MDC and in JUL records.
 */
class OpenTelemetryTest {
  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<Long> GRPC_STATUS = AttributeKey.longKey("rpc.grpc.status_code");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
  static final AttributeKey<Long> CLIENT_PORT = AttributeKey.longKey("client.port");
  static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
          .setPropagators(
              ContextPropagators.create(
                  TextMapPropagator.composite(
                      W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
          .build();
  final WeftTelemetry telemetry = WeftTelemetry.create(otel);
  final List<Server> servers = new ArrayList<>();

  /** What the handler saw, by Msg. */
  final ConcurrentHashMap<String, Seen> seen = new ConcurrentHashMap<>();

  record Seen(
      SpanContext span,
      String baggage,
      String mdcTraceId,
      String mdcSpanId,
      SpanContext inChildThread,
      String julLine) {}

  /** interop.thrift's EchoService that notes what the handler sees of the trace. */
  final class Observing extends ThriftEchoHandler {
    @Override
    public Response echo(Request req) {
      SpanContext span = Span.current().getSpanContext();
      CompletableFuture<SpanContext> child = new CompletableFuture<>();
      // a thread the handler starts sees the context when its task is wrapped
      Thread.ofPlatform()
          .start(
              Context.current()
                  .wrap((Runnable) () -> child.complete(Span.current().getSpanContext())));
      LogRecord record = new LogRecord(Level.INFO, "in the handler");
      record.setLoggerName("test");
      String julLine = new TraceContextFormatter("%4$s %7$s %8$s %5$s").format(record);
      seen.put(
          req.getMsg(),
          new Seen(
              span,
              Baggage.current().getEntryValue("who"),
              org.slf4j.MDC.get("trace_id"),
              org.slf4j.MDC.get("span_id"),
              child.join(),
              julLine));
      return super.echo(req);
    }
  }

  String start() {
    Server s =
        Server.builder()
            .addService(EchoServiceServer.definition(new Observing()))
            .addService(StreamServiceServer.definition(new StreamEchoHandler()))
            .options(ServerOptions.withPort(0), telemetry.serverOption())
            .build()
            .start();
    servers.add(s);
    return "127.0.0.1:" + s.port();
  }

  @AfterEach
  void stop() {
    servers.forEach(Server::stop);
    otel.close();
  }

  EchoServiceClient client(String address, Transport transport) {
    return EchoServiceClient.newClient(
        "EchoService",
        ClientOptions.withHostPorts(address),
        ClientOptions.withTransport(transport),
        ClientOptions.withRPCTimeout(Duration.ofSeconds(10)),
        telemetry.clientOption());
  }

  /**
   * The spans exported once {@code n} have ended (the server's ends after its reply is written).
   */
  List<SpanData> awaitSpans(int n) throws InterruptedException {
    return awaitSpans(spans, n);
  }

  /** The spans {@code exporter} holds once {@code n} have ended (within 10 s). */
  static List<SpanData> awaitSpans(InMemorySpanExporter exporter, int n)
      throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (exporter.getFinishedSpanItems().size() < n) {
      assertThat(System.nanoTime() - deadline)
          .as("spans ended: " + exporter.getFinishedSpanItems())
          .isNegative();
      never.await(5, TimeUnit.MILLISECONDS); // the SimpleSpanProcessor exports as each span ends
    }
    return exporter.getFinishedSpanItems();
  }

  static SpanData ofKind(List<SpanData> all, SpanKind kind) {
    return all.stream().filter(s -> s.getKind() == kind).findFirst().orElseThrow();
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"TTHEADER", "TTHEADER_FRAMED", "GRPC"})
  void oneTraceFromCallerThroughServerAndHandler(Transport transport) throws Exception {
    String address = start();
    Span parent = otel.getTracer("test").spanBuilder("caller").startSpan();
    try (var cli = client(address, transport);
        Scope ignored =
            Baggage.current().toBuilder()
                .put("who", "java-test")
                .build()
                .storeInContext(Context.current().with(parent))
                .makeCurrent()) {
      assertThat(cli.echo(new Request().setMsg("hi")).getMsg()).isEqualTo("hi");
    } finally {
      parent.end();
    }
    List<SpanData> all = awaitSpans(3);
    SpanData client = ofKind(all, SpanKind.CLIENT);
    SpanData server = ofKind(all, SpanKind.SERVER);
    String traceId = parent.getSpanContext().getTraceId();
    assertThat(client.getTraceId()).isEqualTo(traceId);
    assertThat(client.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(server.getTraceId()).isEqualTo(traceId);
    assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
    assertThat(server.getParentSpanContext().isRemote()).isTrue();

    String system = transport == Transport.GRPC ? "grpc" : "apache_thrift";
    for (SpanData s : List.of(client, server)) {
      // the full service name: interop.thrift's Go package, as Kitex names it
      assertThat(s.getName()).isEqualTo("interop.EchoService/Echo");
      assertThat(s.getAttributes().get(RPC_SYSTEM)).isEqualTo(system);
      assertThat(s.getAttributes().get(RPC_SERVICE)).isEqualTo("interop.EchoService");
      assertThat(s.getAttributes().get(RPC_METHOD)).isEqualTo("Echo");
      assertThat(s.getStatus().getStatusCode())
          .isEqualTo(io.opentelemetry.api.trace.StatusCode.UNSET);
      if (transport == Transport.GRPC) {
        assertThat(s.getAttributes().get(GRPC_STATUS)).isEqualTo(0L);
      }
    }
    long port = Long.parseLong(address.substring(address.lastIndexOf(':') + 1));
    // the client knows the instance it called once the call is done: its span ends with it
    assertThat(client.getAttributes().get(SERVER_ADDRESS)).isEqualTo("127.0.0.1");
    assertThat(client.getAttributes().get(SERVER_PORT)).isEqualTo(port);
    assertThat(client.getAttributes().get(PEER_ADDRESS)).isEqualTo("127.0.0.1");
    assertThat(client.getAttributes().get(PEER_PORT)).isEqualTo(port);
    // the server knows its caller from the connection
    assertThat(server.getAttributes().get(CLIENT_ADDRESS)).isEqualTo("127.0.0.1");
    assertThat(server.getAttributes().get(PEER_ADDRESS)).isEqualTo("127.0.0.1");
    assertThat(server.getAttributes().get(CLIENT_PORT)).isPositive().isNotEqualTo(port);
    assertThat(server.getAttributes().get(PEER_PORT))
        .isEqualTo(server.getAttributes().get(CLIENT_PORT));

    Seen h = seen.get("hi");
    assertThat(h.span()).isEqualTo(server.getSpanContext());
    assertThat(h.inChildThread()).isEqualTo(server.getSpanContext());
    assertThat(h.baggage()).isEqualTo("java-test");
    assertThat(h.mdcTraceId()).isEqualTo(traceId);
    assertThat(h.mdcSpanId()).isEqualTo(server.getSpanId());
    assertThat(h.julLine())
        .isEqualTo("INFO " + traceId + " " + server.getSpanId() + " in the handler");
    // the MDC is put back after the handler
    assertThat(org.slf4j.MDC.get("trace_id")).isNull();
  }

  @Test
  void framedCarriesNoContextButIsStillTraced() throws Exception {
    String address = start();
    Span parent = otel.getTracer("test").spanBuilder("caller").startSpan();
    try (var cli = client(address, Transport.FRAMED);
        Scope ignored = parent.makeCurrent()) {
      cli.echo(new Request().setMsg("framed"));
    } finally {
      parent.end();
    }
    List<SpanData> all = awaitSpans(3);
    assertThat(ofKind(all, SpanKind.CLIENT).getTraceId())
        .isEqualTo(parent.getSpanContext().getTraceId());
    SpanData server = ofKind(all, SpanKind.SERVER);
    assertThat(server.getTraceId()).isNotEqualTo(parent.getSpanContext().getTraceId());
    assertThat(server.getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void metricsFollowTheRpcConventions() throws Exception {
    String address = start();
    try (var cli = client(address, Transport.TTHEADER)) {
      cli.echo(new Request().setMsg("m1"));
      cli.echo(new Request().setMsg("m2"));
    }
    awaitSpans(4);
    List<MetricData> all = new ArrayList<>(metrics.collectAllMetrics());
    for (String side : List.of("rpc.client", "rpc.server")) {
      MetricData duration = metric(all, side + ".duration");
      assertThat(duration.getUnit()).isEqualTo("ms");
      HistogramPointData point = duration.getHistogramData().getPoints().iterator().next();
      assertThat(point.getCount()).isEqualTo(2);
      assertThat(point.getAttributes().get(RPC_SYSTEM)).isEqualTo("apache_thrift");
      assertThat(point.getAttributes().get(RPC_METHOD)).isEqualTo("Echo");
      HistogramPointData size =
          metric(all, side + ".request.size").getHistogramData().getPoints().iterator().next();
      assertThat(size.getMin()).isPositive();
      assertThat(metric(all, side + ".response.size").getUnit()).isEqualTo("By");
    }
    // messages per call only for streams (aStreamIsTraced...): a unary call's are always 1
    assertThat(all).noneMatch(m -> m.getName().endsWith("_per_rpc"));
  }

  static MetricData metric(List<MetricData> all, String name) {
    return all.stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() ->
            new AssertionError(
                "no metric " + name + " among " + all.stream().map(MetricData::getName).toList()));
  }

  @Test
  void aFailedCallMarksTheClientSpan() throws Exception {
    String address = start();
    try (var cli = client(address, Transport.GRPC)) {
      RpcException e =
          catchThrowableOfType(
              RpcException.class,
              () -> cli.sleep(1_000, CallOptions.timeout(Duration.ofMillis(100))));
      assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
    }
    List<SpanData> all = awaitSpans(1);
    SpanData client = ofKind(all, SpanKind.CLIENT);
    assertThat(client.getStatus().getStatusCode())
        .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
    assertThat(client.getAttributes().get(GRPC_STATUS))
        .isEqualTo((long) StatusCode.DEADLINE_EXCEEDED.value());
    assertThat(client.getAttributes().get(AttributeKey.stringKey("error.type")))
        .isEqualTo("DEADLINE_EXCEEDED");
  }

  @Test
  void aStreamIsTracedAndTheServerCountsItsMessages() throws Exception {
    String address = start();
    Span parent = otel.getTracer("test").spanBuilder("caller").startSpan();
    List<String> replies = new ArrayList<>();
    try (var cli =
            StreamServiceClient.newClient(
                "stream.StreamService",
                ClientOptions.withHostPorts(address),
                ClientOptions.withTransport(Transport.GRPC),
                telemetry.clientOption());
        Scope ignored = parent.makeCurrent()) {
      BidiStreamingClient<interop.stream.Request, interop.stream.Response> stream = cli.echoBidi();
      for (String m : List.of("a", "b", "c")) {
        stream.send(new interop.stream.Request().setMsg(m));
      }
      stream.closeSend();
      assertThat(spans.getFinishedSpanItems())
          .as("spans ended while the client's stream is still open")
          .noneMatch(span -> span.getKind() == SpanKind.CLIENT);
      for (interop.stream.Response r : stream) {
        replies.add(r.getMsg());
      }
    } finally {
      parent.end();
    }
    assertThat(replies).containsExactly("a", "b", "c");
    List<SpanData> all = awaitSpans(3);
    SpanData client = ofKind(all, SpanKind.CLIENT);
    SpanData server = ofKind(all, SpanKind.SERVER);
    assertThat(client.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
    assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
    assertThat(client.getName()).isEqualTo(server.getName()).startsWith("stream.StreamService/");
    assertThat(server.getAttributes().get(RPC_SYSTEM)).isEqualTo("grpc");
    assertThat(client.getAttributes().get(SERVER_ADDRESS)).isEqualTo("127.0.0.1");
    List<MetricData> m = new ArrayList<>(metrics.collectAllMetrics());
    assertThat(
            metric(m, "rpc.server.requests_per_rpc")
                .getHistogramData()
                .getPoints()
                .iterator()
                .next()
                .getSum())
        .isEqualTo(3);
    assertThat(
            metric(m, "rpc.server.responses_per_rpc")
                .getHistogramData()
                .getPoints()
                .iterator()
                .next()
                .getSum())
        .isEqualTo(3);
    assertThat(
            metric(m, "rpc.client.duration")
                .getHistogramData()
                .getPoints()
                .iterator()
                .next()
                .getCount())
        .isEqualTo(1);
    assertThat(
            metric(m, "rpc.client.requests_per_rpc")
                .getHistogramData()
                .getPoints()
                .iterator()
                .next()
                .getSum())
        .isEqualTo(3);
    assertThat(
            metric(m, "rpc.client.responses_per_rpc")
                .getHistogramData()
                .getPoints()
                .iterator()
                .next()
                .getSum())
        .isEqualTo(3);
  }

  @Test
  void aCancelledStreamEndsItsClientSpanAsCancelled() throws Exception {
    String address = start();
    try (var cli =
        StreamServiceClient.newClient(
            "stream.StreamService",
            ClientOptions.withHostPorts(address),
            ClientOptions.withTransport(Transport.GRPC),
            telemetry.clientOption())) {
      BidiStreamingClient<interop.stream.Request, interop.stream.Response> stream = cli.echoBidi();
      stream.send(new interop.stream.Request().setMsg("a"));
      assertThat(stream.recv().getMsg()).isEqualTo("a");
      stream.cancel();
    }
    SpanData client = ofKind(awaitSpans(2), SpanKind.CLIENT);
    assertThat(client.getAttributes().get(AttributeKey.stringKey("error.type")))
        .isEqualTo("CANCELLED");
    assertThat(client.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")))
        .isEqualTo(1L);
  }
}
