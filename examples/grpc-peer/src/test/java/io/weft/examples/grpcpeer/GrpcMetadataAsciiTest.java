package io.weft.examples.grpcpeer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.grpc.testing.integration.testservice.TestServiceServer;
import io.weft.api.CallContext;
import io.weft.api.CallOptions;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.ServerStreamingServer;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * gRPC metadata values are printable ASCII: a value past it would reach grpc-java as {@code ?}s, so
 * Weft refuses it on either side with INTERNAL naming the key (grpc-go's rule and words), while
 * {@code -bin} keys carry any bytes.
 */
class GrpcMetadataAsciiTest {
  static final Metadata.Key<String> NAME =
      Metadata.Key.of("x-name", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<byte[]> RAW =
      Metadata.Key.of("x-raw-bin", Metadata.BINARY_BYTE_MARSHALLER);
  static final byte[] BYTES = {(byte) 0xc3, (byte) 0xa9, 0, (byte) 0xff, '?'};

  @Test
  void weftClientRefusesANonAsciiValueInsteadOfSendingItMangled() throws Exception {
    List<Metadata> received = new CopyOnWriteArrayList<>();
    io.grpc.Server grpcJava =
        GrpcJavaTestService.startCapturingHeaders(GrpcJavaTestService.service(), received::add);
    try (var cli =
        TestServiceClient.newClient(
            "grpc.testing.TestService",
            ClientOptions.withHostPorts("127.0.0.1:" + grpcJava.getPort()),
            ClientOptions.withTransport(Transport.GRPC),
            ClientOptions.withRPCTimeout(Duration.ofSeconds(10)))) {
      assertThatThrownBy(() ->
              cli.emptyCall(
                  Empty.getDefaultInstance(), CallOptions.metadata(md("x-name", "h\u00e9llo"))))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(StatusCode.INTERNAL);
                assertThat(e.getMessage())
                    .contains("header key \"x-name\" contains value with non-printable ASCII");
              });
      assertThatThrownBy(() ->
              cli.emptyCall(Empty.getDefaultInstance(), CallOptions.metadata(md("x-tab", "a\tb"))))
          .isInstanceOf(RpcException.class)
          .hasMessageContaining("\"x-tab\"");
      io.weft.api.Metadata ok = md("x-name", "hello ~!");
      ok.addBinary("x-raw-bin", BYTES);
      cli.emptyCall(Empty.getDefaultInstance(), CallOptions.metadata(ok));
    } finally {
      grpcJava.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    assertThat(received).as("only the valid call reaches the server").hasSize(1);
    assertThat(received.get(0).get(NAME)).isEqualTo("hello ~!");
    assertThat(received.get(0).get(RAW)).isEqualTo(BYTES);
  }

  @Test
  void weftServerFailsACallWhoseHandlerSetsANonAsciiHeaderOrTrailer() throws Exception {
    CompletableFuture<RpcException> sendFailed = new CompletableFuture<>();
    Server weft =
        Server.builder()
            .addService(
                TestServiceServer.definition(
                    new OpenTelemetryGrpcJavaTest.EmptyCallOnly() {
                      @Override
                      public Empty emptyCall(Empty request) {
                        CallContext.current().responseMetadata().add("x-name", "gr\u00fc\u00dfe");
                        return request;
                      }

                      @Override
                      public Messages.SimpleResponse unaryCall(Messages.SimpleRequest request) {
                        CallContext ctx = CallContext.current();
                        ctx.responseMetadata().addBinary("x-raw-bin", BYTES);
                        if (request.getFillUsername()) {
                          ctx.responseTrailers().add("x-name", "\u65e5\u672c");
                        } else {
                          ctx.responseTrailers().add("x-name", "plain");
                        }
                        return Messages.SimpleResponse.getDefaultInstance();
                      }

                      @Override
                      public void streamingOutputCall(
                          Messages.StreamingOutputCallRequest request,
                          ServerStreamingServer<Messages.StreamingOutputCallResponse> stream) {
                        CallContext.current().responseMetadata().add("x-name", "caf\u00e9");
                        try {
                          stream.send(Messages.StreamingOutputCallResponse.getDefaultInstance());
                        } catch (RpcException e) {
                          sendFailed.complete(e);
                          throw e;
                        }
                        sendFailed.complete(null);
                      }
                    }))
            .options(ServerOptions.withPort(0))
            .build()
            .start();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", weft.port()).usePlaintext().build();
    try {
      io.grpc.CallOptions options =
          io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
      // a response header past ASCII (unary: it would leave with the reply)
      assertInternalNaming(() ->
          ClientCalls.blockingUnaryCall(
              channel, GrpcJavaTestService.EMPTY_CALL, options, Empty.getDefaultInstance()));
      // a trailer past ASCII
      assertInternalNaming(() ->
          ClientCalls.blockingUnaryCall(
              channel,
              GrpcJavaTestService.UNARY_CALL,
              options,
              Messages.SimpleRequest.newBuilder().setFillUsername(true).build()));
      // a streaming handler's send fails with the same error, and so does the call
      Iterator<Messages.StreamingOutputCallResponse> replies =
          ClientCalls.blockingServerStreamingCall(
              channel,
              GrpcJavaTestService.STREAMING_OUTPUT_CALL,
              options,
              Messages.StreamingOutputCallRequest.getDefaultInstance());
      assertInternalNaming(replies::hasNext);
      assertThat(sendFailed.get(10, TimeUnit.SECONDS))
          .isNotNull()
          .hasMessageContaining("header key \"x-name\" contains value with non-printable ASCII");
      // valid metadata, a -bin header among it, still travels
      var headers = new java.util.concurrent.atomic.AtomicReference<Metadata>();
      var trailers = new java.util.concurrent.atomic.AtomicReference<Metadata>();
      ClientCalls.blockingUnaryCall(
          io.grpc.ClientInterceptors.intercept(
              channel, io.grpc.stub.MetadataUtils.newCaptureMetadataInterceptor(headers, trailers)),
          GrpcJavaTestService.UNARY_CALL,
          options,
          Messages.SimpleRequest.getDefaultInstance());
      assertThat(headers.get().get(RAW)).isEqualTo(BYTES);
      assertThat(trailers.get().get(NAME)).isEqualTo("plain");
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      weft.stop();
    }
  }

  private static void assertInternalNaming(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
    assertThatThrownBy(c)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INTERNAL);
              assertThat(e.getStatus().getDescription())
                  .contains("header key \"x-name\" contains value with non-printable ASCII");
            });
  }

  private static io.weft.api.Metadata md(String key, String value) {
    return new io.weft.api.Metadata().add(key, value);
  }
}
