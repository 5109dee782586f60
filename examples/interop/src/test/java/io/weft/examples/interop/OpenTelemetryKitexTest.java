package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;

import interop.thrift.Request;
import interop.thrift.Response;
import interop.thrift.echoservice.EchoServiceClient;
import interop.thrift.echoservice.EchoServiceServer;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.weft.api.ClientOptions;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.opentelemetry.WeftTelemetry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One trace across Kitex and Weft, with kitex-contrib/obs-opentelemetry on the Kitex side (the peer
 * of {@code interop/kitex-otel}): a Kitex client starts a trace and calls a Weft server over
 * TTHeader, whose handler calls a Kitex server through a Weft client. The Go client prints its
 * trace id; the Kitex server answers with the trace id and the baggage its handler saw; the Weft
 * spans are read from an in-memory exporter. Every hop must carry the same trace id.
 */
class OpenTelemetryKitexTest {
  @Test
  void oneTraceFromKitexClientThroughWeftIntoKitexServer() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(
                ContextPropagators.create(
                    TextMapPropagator.composite(
                        W3CTraceContextPropagator.getInstance(),
                        W3CBaggagePropagator.getInstance())))
            .build()) {
      WeftTelemetry telemetry = WeftTelemetry.create(otel);
      Process kitexServer =
          new ProcessBuilder(PeerProcesses.kitexOtelPeer().toString(), "server")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      int kitexPort;
      try {
        kitexPort = PeerProcesses.awaitPort(kitexServer, Pattern.compile("\"port\":(\\d+)"));
      } catch (IOException | RuntimeException e) {
        kitexServer.destroyForcibly();
        throw e;
      }
      Server weft = null;
      Set<String> wireKeys = ConcurrentHashMap.newKeySet();
      try (var toKitex =
          EchoServiceClient.newClient(
              "kitex-otel",
              ClientOptions.withHostPorts("127.0.0.1:" + kitexPort),
              ClientOptions.withRPCTimeout(Duration.ofSeconds(10)),
              telemetry.clientOption())) {
        weft =
            Server.builder()
                .addService(
                    EchoServiceServer.definition(
                        new ThriftEchoHandler() {
                          @Override
                          public Response echo(Request req) {
                            return toKitex.echo(
                                req); // the Kitex server's answer: what it saw of the trace
                          }
                        }))
                .options(
                    ServerOptions.withPort(0),
                    telemetry.serverOption(),
                    ServerOptions.withMiddleware(next ->
                        (inv, req) -> {
                          wireKeys.addAll(inv.metadata().keys());
                          return next.call(inv, req);
                        }))
                .build()
                .start();

        Process client =
            new ProcessBuilder(
                    PeerProcesses.kitexOtelPeer().toString(),
                    "client",
                    "--addr",
                    "127.0.0.1:" + weft.port(),
                    "--msg",
                    "hop")
                .redirectErrorStream(true)
                .start();
        client.getOutputStream().close();
        String out =
            new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(client.waitFor(60, TimeUnit.SECONDS))
            .as("kitexotelpeer client finished: " + out)
            .isTrue();
        assertThat(client.exitValue()).as(out).isZero();

        Matcher m =
            Pattern.compile("\"reply\":\"(\\w+) (\\S*) ([^\"]*)\",\"trace_id\":\"(\\w+)\"")
                .matcher(out);
        assertThat(m.find()).as(out).isTrue();
        String kitexClientTrace = m.group(4);
        String kitexServerTrace = m.group(1);
        assertThat(kitexClientTrace).hasSize(32).isNotEqualTo("0".repeat(32));
        assertThat(kitexServerTrace)
            .as("the trace the Kitex server saw")
            .isEqualTo(kitexClientTrace);
        assertThat(m.group(2)).as("the baggage the Kitex server saw").isEqualTo("kitex-client");
        String kitexSpanName = m.group(3);
        assertThat(kitexSpanName)
            .as("obs-opentelemetry's name: Go package, service, method")
            .isEqualTo("interop.EchoService/Echo");

        // obs-opentelemetry's keys: transient metainfo, TTHeader string headers RPC_TRANSIT_<W3C
        // key>
        assertThat(wireKeys).contains("RPC_TRANSIT_traceparent", "RPC_TRANSIT_baggage");

        List<SpanData> weftSpans = OpenTelemetryTest.awaitSpans(spans, 2);
        SpanData server =
            weftSpans.stream()
                .filter(s -> s.getKind() == SpanKind.SERVER)
                .findFirst()
                .orElseThrow();
        SpanData weftClient =
            weftSpans.stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT)
                .findFirst()
                .orElseThrow();
        assertThat(server.getTraceId()).as("the Weft server's trace").isEqualTo(kitexClientTrace);
        assertThat(server.getParentSpanContext().isRemote()).isTrue();
        assertThat(weftClient.getTraceId()).isEqualTo(kitexClientTrace);
        assertThat(weftClient.getParentSpanId()).isEqualTo(server.getSpanId());
        // Weft's spans are named as obs-opentelemetry names them, with the full service name in
        // rpc.service; the client's carries the Kitex server's address
        for (SpanData s : List.of(server, weftClient)) {
          assertThat(s.getName()).isEqualTo(kitexSpanName);
          assertThat(s.getAttributes().get(OpenTelemetryTest.RPC_SERVICE))
              .isEqualTo("interop.EchoService");
        }
        assertThat(weftClient.getAttributes().get(OpenTelemetryTest.SERVER_ADDRESS))
            .isEqualTo("127.0.0.1");
        assertThat(weftClient.getAttributes().get(OpenTelemetryTest.SERVER_PORT))
            .isEqualTo((long) kitexPort);
      } finally {
        if (weft != null) {
          weft.stop();
        }
        kitexServer.getOutputStream().close(); // the peer serves until its stdin closes
        if (!kitexServer.waitFor(10, TimeUnit.SECONDS)) {
          kitexServer.destroyForcibly();
        }
      }
    }
  }
}
