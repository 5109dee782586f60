package io.weft.opentelemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.context.Context;
import java.util.List;

/**
 * The RPC semantic conventions' histograms of one side ({@code rpc.client} or {@code rpc.server}).
 */
final class RpcMetrics {
  /** The buckets the conventions advise for durations in ms. */
  private static final List<Double> DURATION_BUCKETS =
      List.of(
          0d, 5d, 10d, 25d, 50d, 75d, 100d, 250d, 500d, 750d, 1000d, 2500d, 5000d, 7500d, 10000d);

  private final DoubleHistogram duration;
  private final LongHistogram requestSize;
  private final LongHistogram responseSize;
  private final LongHistogram requestsPerRpc;
  private final LongHistogram responsesPerRpc;

  RpcMetrics(Meter meter, String prefix) {
    duration =
        meter
            .histogramBuilder(prefix + ".duration")
            .setUnit("ms")
            .setDescription("The duration of RPC calls")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    requestSize =
        meter
            .histogramBuilder(prefix + ".request.size")
            .ofLongs()
            .setUnit("By")
            .setDescription("The size of the request messages of RPC calls")
            .build();
    responseSize =
        meter
            .histogramBuilder(prefix + ".response.size")
            .ofLongs()
            .setUnit("By")
            .setDescription("The size of the response messages of RPC calls")
            .build();
    requestsPerRpc =
        meter
            .histogramBuilder(prefix + ".requests_per_rpc")
            .ofLongs()
            .setUnit("{count}")
            .setDescription("Request messages per RPC call")
            .build();
    responsesPerRpc =
        meter
            .histogramBuilder(prefix + ".responses_per_rpc")
            .ofLongs()
            .setUnit("{count}")
            .setDescription("Response messages per RPC call")
            .build();
  }

  /**
   * Records a call's duration and sizes; {@code context} is the current one (passed so that the SDK
   * looks it up once per call, not once per histogram).
   */
  void record(
      Attributes attributes,
      Context context,
      double millis,
      long requestBytes,
      long responseBytes) {
    duration.record(millis, attributes, context);
    requestSize.record(requestBytes, attributes, context);
    responseSize.record(responseBytes, attributes, context);
  }

  void recordMessages(Attributes attributes, Context context, long requests, long responses) {
    requestsPerRpc.record(requests, attributes, context);
    responsesPerRpc.record(responses, attributes, context);
  }
}
