package io.weft.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.weft.api.Endpoint;
import io.weft.api.Invocation;
import io.weft.api.Metadata;
import io.weft.api.MethodKind;
import io.weft.api.Traffic;
import io.weft.api.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where the client middleware writes the trace context for each transport, and that the server
 * middleware reads it back from there (the network tests are examples/interop's OpenTelemetryTest
 * and OpenTelemetryKitexTest).
 */
class PropagationTest {
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setPropagators(
              ContextPropagators.create(
                  TextMapPropagator.composite(
                      W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
          .build();
  final WeftTelemetry telemetry = WeftTelemetry.create(otel);

  @AfterEach
  void close() {
    otel.close();
  }

  /** The metadata the client middleware sends for a call on {@code transport}. */
  Metadata sent(Transport transport) throws Exception {
    Invocation inv = new Invocation("Echo", "Echo", MethodKind.UNARY, transport, new Metadata());
    Span parent = otel.getTracer("test").spanBuilder("parent").startSpan();
    try (Scope ignored =
        Baggage.builder()
            .put("who", "me")
            .build()
            .storeInContext(Context.current().with(parent))
            .makeCurrent()) {
      telemetry.clientMiddleware().wrap((i, req) -> "ok").call(inv, "req");
    } finally {
      parent.end();
    }
    return inv.metadata();
  }

  @Test
  void ttheaderCarriesItAsObsOpentelemetryDoes() throws Exception {
    for (Transport t : new Transport[] {Transport.TTHEADER, Transport.TTHEADER_FRAMED}) {
      Metadata md = sent(t);
      assertThat(md.keys())
          .containsExactlyInAnyOrder("RPC_TRANSIT_traceparent", "RPC_TRANSIT_baggage");
      assertThat(md.get("RPC_TRANSIT_traceparent"))
          .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
      assertThat(md.get("RPC_TRANSIT_baggage")).isEqualTo("who=me");
    }
  }

  @Test
  void grpcCarriesTheW3cHeadersAndKitexsMetainfoCopy() throws Exception {
    Metadata md = sent(Transport.GRPC);
    assertThat(md.keys())
        .containsExactlyInAnyOrder(
            "traceparent", "baggage", "rpc-transit-traceparent", "rpc-transit-baggage");
    assertThat(md.get("rpc-transit-traceparent")).isEqualTo(md.get("traceparent"));
  }

  @Test
  void framedAndBufferedHaveNowhereToCarryIt() throws Exception {
    assertThat(sent(Transport.FRAMED).isEmpty()).isTrue();
    assertThat(sent(Transport.BUFFERED).isEmpty()).isTrue();
  }

  @Test
  void theServerReadsEveryForm() throws Exception {
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    Metadata[] forms = {
      new Metadata().add("RPC_TRANSIT_traceparent", traceparent),
      new Metadata().add("traceparent", traceparent),
      new Metadata().add("rpc-transit-traceparent", traceparent)
    };
    Transport[] transports = {Transport.TTHEADER, Transport.GRPC, Transport.GRPC};
    for (int i = 0; i < forms.length; i++) {
      AtomicReference<SpanContext> inHandler = new AtomicReference<>();
      AtomicReference<String> logged = new AtomicReference<>();
      Invocation inv = new Invocation("Echo", "Echo", MethodKind.UNARY, transports[i], forms[i]);
      telemetry
          .serverMiddleware()
          .wrap((in, req) -> {
            inHandler.set(Span.current().getSpanContext());
            logged.set(
                new TraceContextFormatter("%7$s/%8$s").format(new LogRecord(Level.INFO, "x")));
            return "ok";
          })
          .call(inv, "req");
      assertThat(inHandler.get().getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
      assertThat(logged.get())
          .isEqualTo(inHandler.get().getTraceId() + "/" + inHandler.get().getSpanId());
    }
    assertThat(spans.getFinishedSpanItems())
        .hasSize(3)
        .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo("b7ad6b7169203331"));
    // outside a span the formatter writes empty ids
    assertThat(
            new TraceContextFormatter("[%7$s][%8$s] %5$s").format(new LogRecord(Level.INFO, "out")))
        .isEqualTo("[][] out");
  }

  @Test
  void spansCarryTheFullServiceNameAndTheInstanceTheCallWentTo() throws Exception {
    Endpoint client =
        telemetry
            .clientMiddleware()
            .wrap((inv, req) -> {
              // what the client's balancing does below the user's middleware
              inv.traffic().setRemoteAddress(InetSocketAddress.createUnresolved("10.0.0.7", 8888));
              return "ok";
            });
    Endpoint byName =
        telemetry
            .clientMiddleware()
            .wrap((inv, req) -> {
              inv.traffic().setRemoteAddress(InetSocketAddress.createUnresolved("echo.svc", 9));
              return "ok";
            });
    for (int i = 0; i < 2; i++) { // the second call takes the method's names from the cache
      client.call(invocation(Transport.GRPC), "req");
    }
    byName.call(invocation(Transport.TTHEADER), "req");
    var all = spans.getFinishedSpanItems();
    assertThat(all).hasSize(3);
    for (var s : all) {
      assertThat(s.getName()).isEqualTo("grpc.testing.TestService/UnaryCall");
      assertThat(s.getAttributes().get(WeftTelemetry.RPC_SERVICE))
          .isEqualTo("grpc.testing.TestService");
    }
    assertThat(all.get(1).getAttributes().get(WeftTelemetry.SERVER_ADDRESS)).isEqualTo("10.0.0.7");
    assertThat(all.get(1).getAttributes().get(WeftTelemetry.SERVER_PORT)).isEqualTo(8888L);
    assertThat(all.get(1).getAttributes().get(WeftTelemetry.NETWORK_PEER_ADDRESS))
        .isEqualTo("10.0.0.7");
    assertThat(all.get(1).getAttributes().get(WeftTelemetry.RPC_SYSTEM)).isEqualTo("grpc");
    assertThat(all.get(2).getAttributes().get(WeftTelemetry.RPC_SYSTEM)).isEqualTo("apache_thrift");
    assertThat(all.get(2).getAttributes().get(WeftTelemetry.SERVER_ADDRESS)).isEqualTo("echo.svc");
    // a host name is no peer address
    assertThat(all.get(2).getAttributes().get(WeftTelemetry.NETWORK_PEER_ADDRESS)).isNull();
  }

  private static Invocation invocation(Transport transport) {
    return new Invocation(
        "TestService",
        "grpc.testing.TestService",
        "UnaryCall",
        MethodKind.UNARY,
        transport,
        new Metadata(),
        new Traffic());
  }
}
