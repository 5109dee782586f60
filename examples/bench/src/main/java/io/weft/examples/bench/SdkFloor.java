package io.weft.examples.bench;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.weft.api.Middleware;

/**
 * The least an RPC instrumentation asks of the OpenTelemetry SDK per call, as a middleware: one
 * span of the given kind and the three histograms of the RPC conventions (duration, request and
 * response size) with one attribute set made once, and nothing else (no propagation, no current
 * context, no method look-up, no log ids). Not an instrumentation: the otel comparison's floor,
 * what the SDK alone costs a call, against which toolkit-opentelemetry's own share shows.
 */
final class SdkFloor {
  private SdkFloor() {}

  static Middleware middleware(OpenTelemetry otel, SpanKind kind) {
    Tracer tracer = otel.getTracer("weft-bench-floor");
    Meter meter = otel.getMeter("weft-bench-floor");
    String prefix = kind == SpanKind.SERVER ? "rpc.server" : "rpc.client";
    DoubleHistogram duration = meter.histogramBuilder(prefix + ".duration").setUnit("ms").build();
    LongHistogram requestSize =
        meter.histogramBuilder(prefix + ".request.size").ofLongs().setUnit("By").build();
    LongHistogram responseSize =
        meter.histogramBuilder(prefix + ".response.size").ofLongs().setUnit("By").build();
    Attributes attributes =
        Attributes.of(
            AttributeKey.stringKey("rpc.system"),
            "bench",
            AttributeKey.stringKey("rpc.method"),
            "Echo");
    return next ->
        (inv, req) -> {
          Span span = tracer.spanBuilder(inv.method()).setSpanKind(kind).startSpan();
          long start = System.nanoTime();
          try {
            return next.call(inv, req);
          } finally {
            Context context = Context.root().with(span);
            duration.record((System.nanoTime() - start) / 1e6, attributes, context);
            requestSize.record(inv.traffic().bytesSent(), attributes, context);
            responseSize.record(inv.traffic().bytesReceived(), attributes, context);
            span.end();
          }
        };
  }
}
