package io.weft.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.weft.api.Endpoint;
import io.weft.api.Invocation;
import io.weft.api.Metadata;
import io.weft.api.MethodKind;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Traffic;
import io.weft.api.Transport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The duration histogram's attributes per outcome, which calls of one method share (made once per
 * method and status): each outcome counted under its own attributes, and no other.
 */
class MetricAttributesTest {

  @Test
  void everyOutcomeIsCountedUnderItsOwnAttributes() {
    for (Transport transport : new Transport[] {Transport.GRPC, Transport.TTHEADER}) {
      InMemoryMetricReader reader = InMemoryMetricReader.create();
      try (OpenTelemetrySdk otel =
          OpenTelemetrySdk.builder()
              .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
              .build()) {
        WeftTelemetry telemetry = WeftTelemetry.create(otel);
        call(telemetry, transport, null);
        call(telemetry, transport, null);
        for (int i = 0; i < 3; i++) { // the second and third find the first one's attributes
          call(telemetry, transport, Status.of(StatusCode.DEADLINE_EXCEEDED, "late").asException());
        }
        call(telemetry, transport, Status.of(StatusCode.UNAVAILABLE, "down").asException());
        call(telemetry, transport, new IllegalStateException("broken"));
        call(telemetry, transport, new IllegalStateException("broken again"));

        Map<String, Long> counts = new HashMap<>();
        for (MetricData md : reader.collectAllMetrics()) {
          if (md.getName().equals("rpc.client.duration")) {
            for (HistogramPointData p : md.getHistogramData().getPoints()) {
              counts.put(describe(p.getAttributes()), p.getCount());
            }
          }
        }
        boolean grpc = transport == Transport.GRPC;
        String system = "rpc.system=" + (grpc ? "grpc" : "apache_thrift");
        assertThat(counts)
            .as("%s", transport)
            .containsOnly(
                Map.entry(words(system, grpc ? "rpc.grpc.status_code=0" : null), 2L),
                Map.entry(
                    words(
                        system,
                        grpc ? "rpc.grpc.status_code=4" : null,
                        "error.type=DEADLINE_EXCEEDED"),
                    3L),
                Map.entry(
                    words(
                        system, grpc ? "rpc.grpc.status_code=14" : null, "error.type=UNAVAILABLE"),
                    1L),
                Map.entry(
                    words(
                        system,
                        grpc ? "rpc.grpc.status_code=2" : null,
                        "error.type=java.lang.IllegalStateException"),
                    2L));
      }
    }
  }

  /** A call whose endpoint returns, or throws {@code failure}. */
  private static void call(WeftTelemetry telemetry, Transport transport, RuntimeException failure) {
    Endpoint endpoint =
        telemetry
            .clientMiddleware()
            .wrap((inv, req) -> {
              if (failure != null) {
                throw failure;
              }
              return "ok";
            });
    Invocation inv =
        new Invocation(
            "Echo", "pkg.Echo", "Echo", MethodKind.UNARY, transport, new Metadata(), new Traffic());
    if (failure == null) {
      try {
        endpoint.call(inv, "req");
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    } else {
      assertThatThrownBy(() -> endpoint.call(inv, "req")).isSameAs(failure);
    }
  }

  /** The method's attributes and {@code more} (nulls left out), as {@link #describe} has them. */
  private static String words(String... more) {
    List<String> w = new ArrayList<>(List.of("rpc.method=Echo", "rpc.service=pkg.Echo"));
    for (String m : more) {
      if (m != null) {
        w.add(m);
      }
    }
    w.sort(null);
    return String.join(" ", w);
  }

  /** The attributes as sorted {@code key=value} words. */
  private static String describe(Attributes attributes) {
    StringBuilder sb = new StringBuilder();
    attributes.asMap().entrySet().stream()
        .map(e -> e.getKey().getKey() + "=" + e.getValue())
        .sorted()
        .forEach(w -> sb.append(sb.isEmpty() ? "" : " ").append(w));
    return sb.toString();
  }
}
