package io.weft.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.weft.api.Invocation;
import io.weft.api.Metadata;
import io.weft.api.MethodKind;
import io.weft.api.Traffic;
import io.weft.api.Transport;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The client's own {@code traceparent} writing and the server's own reading, used when the
 * propagator is exactly W3C trace context: the same headers as the propagator writes, and the
 * propagator itself in every other case (trace state to carry, another propagator). Also that the
 * per-method cache hands every method its own names.
 */
class W3cFastPathTest {
  private static final Transport[] TRANSPORTS = Transport.values();

  private static final SpanContext REMOTE_PARENT =
      SpanContext.createFromRemoteParent(
          "0af7651916cd43dd8448eb211c80319c",
          "b7ad6b7169203331",
          TraceFlags.getSampled(),
          TraceState.getDefault());

  private static OpenTelemetrySdk sdk(Sampler sampler, TextMapPropagator propagator) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .setSampler(sampler)
                .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create()))
                .build())
        .setPropagators(ContextPropagators.create(propagator))
        .build();
  }

  /**
   * Makes a call on {@code transport} in {@code parent}: the metadata the client middleware wrote,
   * and what {@code propagator} writes for the client span's context through the carriers.
   */
  private static Metadata[] sentAndExpected(
      OpenTelemetry otel, TextMapPropagator propagator, Transport transport, Context parent)
      throws Exception {
    WeftTelemetry telemetry = WeftTelemetry.create(otel);
    Invocation inv = invocation(transport, "Echo");
    AtomicReference<Context> inCall = new AtomicReference<>();
    try (Scope ignored = parent.makeCurrent()) {
      telemetry
          .clientMiddleware()
          .wrap((i, req) -> {
            inCall.set(Context.current());
            return "ok";
          })
          .call(inv, "req");
    }
    Invocation expected = invocation(transport, "Echo");
    propagator.inject(inCall.get(), expected, new Carriers(propagator.fields()).setter);
    return new Metadata[] {inv.metadata(), expected.metadata()};
  }

  @Test
  void writesExactlyThePropagatorsHeadersOnEveryTransport() throws Exception {
    TextMapPropagator w3c = W3CTraceContextPropagator.getInstance();
    for (Sampler sampler : new Sampler[] {Sampler.alwaysOn(), Sampler.alwaysOff()}) {
      try (OpenTelemetrySdk otel = sdk(sampler, w3c)) {
        for (Transport t : TRANSPORTS) {
          // a new trace, and one continued from a remote parent
          for (Context parent :
              new Context[] {Context.root(), Context.root().with(Span.wrap(REMOTE_PARENT))}) {
            Metadata[] md = sentAndExpected(otel, w3c, t, parent);
            assertThat(md[0]).as("%s, %s", t, sampler).isEqualTo(md[1]);
            boolean carries = t != Transport.FRAMED && t != Transport.BUFFERED;
            assertThat(md[0].isEmpty()).as("%s", t).isEqualTo(!carries);
          }
        }
      }
    }
  }

  @Test
  void anUnsampledTraceTravelsWithItsFlags() throws Exception {
    TextMapPropagator w3c = W3CTraceContextPropagator.getInstance();
    try (OpenTelemetrySdk otel = sdk(Sampler.alwaysOff(), w3c)) {
      Metadata[] md = sentAndExpected(otel, w3c, Transport.TTHEADER, Context.root());
      String traceparent = md[0].get("RPC_TRANSIT_traceparent");
      assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
      // the sampled bit is off (the SDK may set others, such as W3C level 2's random trace id)
      assertThat(Integer.parseInt(traceparent.substring(53), 16) & 1).isZero();
    }
  }

  @Test
  void traceStateGoesThroughThePropagator() throws Exception {
    TextMapPropagator w3c = W3CTraceContextPropagator.getInstance();
    SpanContext withState =
        SpanContext.createFromRemoteParent(
            REMOTE_PARENT.getTraceId(),
            REMOTE_PARENT.getSpanId(),
            TraceFlags.getSampled(),
            TraceState.builder().put("vendor", "v1").build());
    try (OpenTelemetrySdk otel = sdk(Sampler.parentBased(Sampler.alwaysOn()), w3c)) {
      for (Transport t : new Transport[] {Transport.TTHEADER, Transport.GRPC}) {
        Metadata[] md = sentAndExpected(otel, w3c, t, Context.root().with(Span.wrap(withState)));
        assertThat(md[0]).isEqualTo(md[1]);
      }
      Metadata[] md =
          sentAndExpected(otel, w3c, Transport.TTHEADER, Context.root().with(Span.wrap(withState)));
      assertThat(md[0].get("RPC_TRANSIT_tracestate")).isEqualTo("vendor=v1");
      assertThat(md[0].get("RPC_TRANSIT_traceparent"))
          .startsWith("00-" + REMOTE_PARENT.getTraceId() + "-");
    }
  }

  @Test
  void withoutATracerTheParentsContextTravelsAsThePropagatorWritesIt() throws Exception {
    // the API alone propagates the parent's span context: the client "span" is that context
    TextMapPropagator w3c = W3CTraceContextPropagator.getInstance();
    OpenTelemetry otel = OpenTelemetry.propagating(ContextPropagators.create(w3c));
    Metadata[] md =
        sentAndExpected(
            otel, w3c, Transport.TTHEADER, Context.root().with(Span.wrap(REMOTE_PARENT)));
    assertThat(md[0]).isEqualTo(md[1]);
    assertThat(md[0].get("RPC_TRANSIT_traceparent"))
        .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    // and with no parent nothing is written, as the propagator writes nothing for an invalid span
    assertThat(sentAndExpected(otel, w3c, Transport.TTHEADER, Context.root())[0].isEmpty())
        .isTrue();
  }

  @Test
  void anotherPropagatorIsUsedAsItIs() throws Exception {
    // it writes traceparent too, its own way: the client must not write the W3C form instead
    TextMapPropagator own = new OwnTraceparent();
    try (OpenTelemetrySdk otel = sdk(Sampler.alwaysOn(), own)) {
      for (Transport t : new Transport[] {Transport.TTHEADER, Transport.GRPC}) {
        Metadata[] md = sentAndExpected(otel, own, t, Context.root());
        assertThat(md[0]).isEqualTo(md[1]);
      }
      Metadata[] md = sentAndExpected(otel, own, Transport.TTHEADER, Context.root());
      assertThat(md[0].get("RPC_TRANSIT_traceparent")).startsWith("own:");
    }
  }

  @Test
  void everyMethodKeepsItsOwnNamesWhateverTheCacheHolds() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build()) {
      WeftTelemetry telemetry = WeftTelemetry.create(otel);
      var client = telemetry.clientMiddleware().wrap((i, req) -> "ok");
      // more methods than the cache has slots, on two transports, called in turns: slots are
      // shared and overwritten
      List<String> expected = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (int n = 0; n < 200; n++) {
          for (Transport t : new Transport[] {Transport.GRPC, Transport.TTHEADER}) {
            // new strings each time: the cache must compare by value too
            client.call(invocation(t, new String("M" + n)), "req");
            expected.add("pkg.Echo/M" + n + " " + WeftTelemetry.rpcSystem(t));
          }
        }
      }
      List<String> seen = new ArrayList<>();
      for (var s : spans.getFinishedSpanItems()) {
        seen.add(s.getName() + " " + s.getAttributes().get(WeftTelemetry.RPC_SYSTEM));
        assertThat(s.getAttributes().get(WeftTelemetry.RPC_METHOD))
            .isEqualTo(s.getName().substring("pkg.Echo/".length()));
      }
      assertThat(seen).containsExactlyElementsOf(expected);
    }
  }

  /** Headers a server may receive: well formed, and malformed in each way the propagator checks. */
  private static final String[] TRACEPARENTS = {
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03",
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-ff",
    "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what-the-future-holds",
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-more",
    "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01x",
    "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    "0g-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    "AA-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
    "00-0af7651916cd43dd8448eb211c80319c-B7AD6B7169203331-01",
    "00-00000000000000000000000000000000-b7ad6b7169203331-01",
    "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0g",
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-F1",
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333-101",
    "00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    "00-0af7651916cd43dd8448eb211c80319cxb7ad6b7169203331-01",
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331x01",
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1",
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",
    "",
    "-",
    "garbage",
  };

  /** Trace states: none, empty, one the propagator decodes, and ones it drops. */
  private static final String[] TRACESTATES = {null, "", "vendor=v1,other=v2", "Bad Key=v", ","};

  @Test
  void aServerReadsExactlyWhatThePropagatorReads() {
    TextMapPropagator w3c = W3CTraceContextPropagator.getInstance();
    WeftTelemetry telemetry =
        WeftTelemetry.create(OpenTelemetry.propagating(ContextPropagators.create(w3c)));
    Carriers carriers = new Carriers(w3c.fields());
    for (Transport t :
        new Transport[] {Transport.TTHEADER, Transport.GRPC, Transport.TTHEADER_STREAMING}) {
      List<String> prefixes =
          t == Transport.GRPC
              ? List.of("", "rpc-transit-")
              : List.of("RPC_TRANSIT_", "RPC_UPSTREAM_", "");
      for (String traceparent : TRACEPARENTS) {
        for (String tracestate : TRACESTATES) {
          for (String prefix : prefixes) {
            Invocation inv = invocation(t, "Echo");
            inv.metadata().add("other", "x").add(prefix + "traceparent", traceparent);
            if (tracestate != null) {
              inv.metadata().add(prefix + "tracestate", tracestate);
            }
            SpanContext expected =
                Span.fromContext(w3c.extract(Context.root(), inv, carriers.getter))
                    .getSpanContext();
            assertThat(Span.fromContext(telemetry.remoteParent(inv)).getSpanContext())
                .as("%s %s %s %s", t, prefix, traceparent, tracestate)
                .isEqualTo(expected);
          }
        }
      }
    }
  }

  @Test
  void aServerTakesTheHeaderThePropagatorTakesAmongSeveral() {
    TextMapPropagator w3c = W3CTraceContextPropagator.getInstance();
    WeftTelemetry telemetry =
        WeftTelemetry.create(OpenTelemetry.propagating(ContextPropagators.create(w3c)));
    Carriers carriers = new Carriers(w3c.fields());
    String a = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    String b = "00-1af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-00";
    String c = "00-2af7651916cd43dd8448eb211c80319c-d7ad6b7169203331-01";
    List<Invocation> calls = new ArrayList<>();
    for (Transport t : new Transport[] {Transport.TTHEADER, Transport.GRPC}) {
      for (List<String> keys :
          List.of(
              List.of("traceparent", "RPC_UPSTREAM_traceparent", "RPC_TRANSIT_traceparent"),
              List.of("RPC_TRANSIT_traceparent", "traceparent", "RPC_UPSTREAM_traceparent"),
              List.of("rpc-transit-traceparent", "traceparent", "rpc-transit-traceparent"),
              List.of("traceparent", "traceparent", "RPC_UPSTREAM_traceparent"))) {
        Invocation inv = invocation(t, "Echo");
        inv.metadata().add(keys.get(0), a).add(keys.get(1), b).add(keys.get(2), c);
        calls.add(inv);
      }
    }
    for (Invocation inv : calls) {
      assertThat(Span.fromContext(telemetry.remoteParent(inv)).getSpanContext())
          .as("%s %s", inv.transport(), inv.metadata())
          .isEqualTo(
              Span.fromContext(w3c.extract(Context.root(), inv, carriers.getter)).getSpanContext());
    }
    // and a call that carries nothing continues nothing
    assertThat(telemetry.remoteParent(invocation(Transport.TTHEADER, "Echo")))
        .isSameAs(Context.root());
  }

  private static Invocation invocation(Transport transport, String method) {
    return new Invocation(
        "Echo", "pkg.Echo", method, MethodKind.UNARY, transport, new Metadata(), new Traffic());
  }

  /** A propagator that writes {@code traceparent} in a form of its own. */
  private static final class OwnTraceparent implements TextMapPropagator {
    @Override
    public Collection<String> fields() {
      return List.of("traceparent");
    }

    @Override
    public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
      SpanContext sc = Span.fromContext(context).getSpanContext();
      setter.set(carrier, "traceparent", "own:" + sc.getTraceId() + ":" + sc.getSpanId());
    }

    @Override
    public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
      return context;
    }
  }
}
