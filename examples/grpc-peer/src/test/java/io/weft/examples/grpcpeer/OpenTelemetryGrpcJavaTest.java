package io.weft.examples.grpcpeer;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages;
import io.grpc.testing.integration.TestService;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.grpc.testing.integration.testservice.TestServiceServer;
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
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.weft.api.BidiStreamingServer;
import io.weft.api.ClientOptions;
import io.weft.api.ClientStreamingServer;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.ServerStreamingServer;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.opentelemetry.WeftTelemetry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * W3C trace context and baggage between grpc-java and Weft with toolkit-opentelemetry, both ways:
 * grpc-java sends {@code traceparent} and {@code baggage} as any W3C-instrumented gRPC client does
 * (set by hand here: grpc-java's own OpenTelemetry module is not among this build's artifacts), and
 * a grpc-java server reads what Weft's client sends.
 */
class OpenTelemetryGrpcJavaTest {
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  static final String PARENT_SPAN_ID = "b7ad6b7169203331";
  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
  static final MethodDescriptor<byte[], byte[]> EMPTY_CALL =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("grpc.testing.TestService/EmptyCall")
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

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

  @Test
  void grpcJavaClientsTraceContinuesInWeftsHandler() throws Exception {
    CompletableFuture<SpanContext> inHandler = new CompletableFuture<>();
    CompletableFuture<String> baggage = new CompletableFuture<>();
    Server weft =
        Server.builder()
            .addService(
                TestServiceServer.definition(
                    new EmptyCallOnly() {
                      @Override
                      public Empty emptyCall(Empty request) {
                        inHandler.complete(Span.current().getSpanContext());
                        baggage.complete(Baggage.current().getEntryValue("who"));
                        return request;
                      }
                    }))
            .options(ServerOptions.withPort(0), telemetry.serverOption())
            .build()
            .start();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", weft.port()).usePlaintext().build();
    try {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
          "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01");
      headers.put(Metadata.Key.of("baggage", Metadata.ASCII_STRING_MARSHALLER), "who=grpc-java");
      Channel traced =
          ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
      ClientCalls.blockingUnaryCall(
          traced,
          EMPTY_CALL,
          CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
          new byte[0]);
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      weft.stop();
    }
    assertThat(inHandler.get(10, TimeUnit.SECONDS).getTraceId()).isEqualTo(TRACE_ID);
    assertThat(baggage.get(10, TimeUnit.SECONDS)).isEqualTo("grpc-java");
    SpanData server =
        spans.getFinishedSpanItems().stream()
            .filter(s -> s.getKind() == SpanKind.SERVER)
            .findFirst()
            .orElseThrow();
    assertThat(server.getSpanContext()).isEqualTo(inHandler.get());
    assertThat(server.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
    // the full service name, proto package included, as grpc-java names its spans
    assertThat(server.getName()).isEqualTo("grpc.testing.TestService/EmptyCall");
    assertThat(server.getAttributes().get(RPC_SERVICE)).isEqualTo("grpc.testing.TestService");
    assertThat(server.getAttributes().get(AttributeKey.stringKey("client.address")))
        .isEqualTo("127.0.0.1");
  }

  @Test
  void weftClientsTraceReachesAGrpcJavaServer() throws Exception {
    CompletableFuture<Metadata> received = new CompletableFuture<>();
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("grpc.testing.TestService")
            .addMethod(
                EMPTY_CALL,
                ServerCalls.asyncUnaryCall((req, out) -> {
                  out.onNext(new byte[0]);
                  out.onCompleted();
                }))
            .build();
    io.grpc.Server grpcJava =
        GrpcJavaTestService.startCapturingHeaders(service, received::complete);
    int port = grpcJava.getPort();
    Span parent = otel.getTracer("test").spanBuilder("caller").startSpan();
    try (var cli =
            TestServiceClient.newClient(
                "grpc.testing.TestService",
                ClientOptions.withHostPorts("127.0.0.1:" + port),
                ClientOptions.withTransport(Transport.GRPC),
                ClientOptions.withRPCTimeout(Duration.ofSeconds(10)),
                telemetry.clientOption());
        Scope ignored =
            Baggage.builder()
                .put("who", "weft")
                .build()
                .storeInContext(Context.current().with(parent))
                .makeCurrent()) {
      cli.emptyCall(Empty.getDefaultInstance());
    } finally {
      parent.end();
      grpcJava.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    Metadata headers = received.get(10, TimeUnit.SECONDS);
    SpanData client =
        spans.getFinishedSpanItems().stream()
            .filter(s -> s.getKind() == SpanKind.CLIENT)
            .findFirst()
            .orElseThrow();
    assertThat(headers.get(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER)))
        .startsWith("00-" + parent.getSpanContext().getTraceId() + "-" + client.getSpanId() + "-");
    assertThat(headers.get(Metadata.Key.of("baggage", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("who=weft");
    assertThat(client.getName()).isEqualTo("grpc.testing.TestService/EmptyCall");
    assertThat(client.getAttributes().get(RPC_SERVICE)).isEqualTo("grpc.testing.TestService");
    assertThat(client.getAttributes().get(AttributeKey.stringKey("server.address")))
        .isEqualTo("127.0.0.1");
    assertThat(client.getAttributes().get(AttributeKey.longKey("server.port")))
        .isEqualTo((long) port);
  }

  /** TestService with EmptyCall only (the test overrides it); the rest are unimplemented. */
  abstract static class EmptyCallOnly implements TestService {
    private static RuntimeException unimplemented() {
      return Status.of(StatusCode.UNIMPLEMENTED, "not in this test").asException();
    }

    @Override
    public Messages.SimpleResponse unaryCall(Messages.SimpleRequest request) {
      throw unimplemented();
    }

    @Override
    public Messages.SimpleResponse cacheableUnaryCall(Messages.SimpleRequest request) {
      throw unimplemented();
    }

    @Override
    public void streamingOutputCall(
        Messages.StreamingOutputCallRequest request,
        ServerStreamingServer<Messages.StreamingOutputCallResponse> stream) {
      throw unimplemented();
    }

    @Override
    public void streamingInputCall(
        ClientStreamingServer<
                Messages.StreamingInputCallRequest, Messages.StreamingInputCallResponse>
            stream) {
      throw unimplemented();
    }

    @Override
    public void fullDuplexCall(
        BidiStreamingServer<
                Messages.StreamingOutputCallRequest, Messages.StreamingOutputCallResponse>
            stream) {
      throw unimplemented();
    }

    @Override
    public void halfDuplexCall(
        BidiStreamingServer<
                Messages.StreamingOutputCallRequest, Messages.StreamingOutputCallResponse>
            stream) {
      throw unimplemented();
    }

    @Override
    public Empty unimplementedCall(Empty request) {
      throw unimplemented();
    }
  }
}
