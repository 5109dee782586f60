package io.weft.examples.grpcpeer;

import com.google.protobuf.ByteString;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.EchoStatus;
import io.grpc.testing.integration.Messages.Payload;
import io.grpc.testing.integration.Messages.ResponseParameters;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.Messages.StreamingInputCallRequest;
import io.grpc.testing.integration.Messages.StreamingInputCallResponse;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * grpc.testing.TestService for grpc-java, written against grpc-java's own call API (what its
 * generated stubs wrap): the method descriptors, and a server implementation that behaves as the
 * interop-test descriptions say.
 */
final class GrpcJavaTestService {
  private GrpcJavaTestService() {}

  static final String SERVICE = "grpc.testing.TestService";

  static final MethodDescriptor<Empty, Empty> EMPTY_CALL =
      unary("EmptyCall", Empty.getDefaultInstance(), Empty.getDefaultInstance());
  static final MethodDescriptor<SimpleRequest, SimpleResponse> UNARY_CALL =
      unary("UnaryCall", SimpleRequest.getDefaultInstance(), SimpleResponse.getDefaultInstance());
  static final MethodDescriptor<StreamingOutputCallRequest, StreamingOutputCallResponse>
      STREAMING_OUTPUT_CALL =
          method(
              SERVICE,
              "StreamingOutputCall",
              MethodDescriptor.MethodType.SERVER_STREAMING,
              StreamingOutputCallRequest.getDefaultInstance(),
              StreamingOutputCallResponse.getDefaultInstance());
  static final MethodDescriptor<StreamingInputCallRequest, StreamingInputCallResponse>
      STREAMING_INPUT_CALL =
          method(
              SERVICE,
              "StreamingInputCall",
              MethodDescriptor.MethodType.CLIENT_STREAMING,
              StreamingInputCallRequest.getDefaultInstance(),
              StreamingInputCallResponse.getDefaultInstance());
  static final MethodDescriptor<StreamingOutputCallRequest, StreamingOutputCallResponse>
      FULL_DUPLEX_CALL =
          method(
              SERVICE,
              "FullDuplexCall",
              MethodDescriptor.MethodType.BIDI_STREAMING,
              StreamingOutputCallRequest.getDefaultInstance(),
              StreamingOutputCallResponse.getDefaultInstance());
  static final MethodDescriptor<StreamingOutputCallRequest, StreamingOutputCallResponse>
      HALF_DUPLEX_CALL =
          method(
              SERVICE,
              "HalfDuplexCall",
              MethodDescriptor.MethodType.BIDI_STREAMING,
              StreamingOutputCallRequest.getDefaultInstance(),
              StreamingOutputCallResponse.getDefaultInstance());
  static final MethodDescriptor<Empty, Empty> UNIMPLEMENTED_CALL =
      unary("UnimplementedCall", Empty.getDefaultInstance(), Empty.getDefaultInstance());
  static final MethodDescriptor<Empty, Empty> UNIMPLEMENTED_SERVICE_CALL =
      method(
          "grpc.testing.UnimplementedService",
          "UnimplementedCall",
          MethodDescriptor.MethodType.UNARY,
          Empty.getDefaultInstance(),
          Empty.getDefaultInstance());

  static final Metadata.Key<String> ECHO_INITIAL =
      Metadata.Key.of("x-grpc-test-echo-initial", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<byte[]> ECHO_TRAILING =
      Metadata.Key.of("x-grpc-test-echo-trailing-bin", Metadata.BINARY_BYTE_MARSHALLER);

  private static <Q extends com.google.protobuf.Message, R extends com.google.protobuf.Message>
      MethodDescriptor<Q, R> unary(String name, Q req, R resp) {
    return method(SERVICE, name, MethodDescriptor.MethodType.UNARY, req, resp);
  }

  private static <Q extends com.google.protobuf.Message, R extends com.google.protobuf.Message>
      MethodDescriptor<Q, R> method(
          String service, String name, MethodDescriptor.MethodType type, Q req, R resp) {
    return MethodDescriptor.<Q, R>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(service, name))
        .setRequestMarshaller(ProtoUtils.marshaller(req))
        .setResponseMarshaller(ProtoUtils.marshaller(resp))
        .build();
  }

  /** The server side, with the interop tests' header and trailer echo. */
  static ServerServiceDefinition service() {
    ServerServiceDefinition def =
        ServerServiceDefinition.builder(SERVICE)
            .addMethod(
                EMPTY_CALL,
                ServerCalls.asyncUnaryCall((req, out) -> {
                  out.onNext(Empty.getDefaultInstance());
                  out.onCompleted();
                }))
            .addMethod(UNARY_CALL, ServerCalls.asyncUnaryCall(GrpcJavaTestService::unaryCall))
            .addMethod(
                STREAMING_OUTPUT_CALL,
                ServerCalls.asyncServerStreamingCall((req, out) -> {
                  try {
                    respond(req, out);
                    out.onCompleted();
                  } catch (RuntimeException e) {
                    out.onError(e);
                  }
                }))
            .addMethod(
                STREAMING_INPUT_CALL,
                ServerCalls.asyncClientStreamingCall(out ->
                    new StreamObserver<>() {
                      private int sum;

                      @Override
                      public void onNext(StreamingInputCallRequest value) {
                        sum += value.getPayload().getBody().size();
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        out.onNext(
                            StreamingInputCallResponse.newBuilder()
                                .setAggregatedPayloadSize(sum)
                                .build());
                        out.onCompleted();
                      }
                    }))
            .addMethod(
                FULL_DUPLEX_CALL,
                ServerCalls.asyncBidiStreamingCall(out ->
                    new StreamObserver<>() {
                      private boolean failed;

                      @Override
                      public void onNext(StreamingOutputCallRequest value) {
                        if (failed) {
                          return;
                        }
                        try {
                          respond(value, out);
                        } catch (RuntimeException e) {
                          failed = true;
                          out.onError(e);
                        }
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        if (!failed) {
                          out.onCompleted(); // after onError the call is already closed
                        }
                      }
                    }))
            .addMethod(
                HALF_DUPLEX_CALL,
                ServerCalls.asyncBidiStreamingCall(out ->
                    new StreamObserver<>() {
                      private final List<StreamingOutputCallRequest> all = new ArrayList<>();

                      @Override
                      public void onNext(StreamingOutputCallRequest value) {
                        all.add(value);
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        for (StreamingOutputCallRequest r : all) {
                          respond(r, out);
                        }
                        out.onCompleted();
                      }
                    }))
            .build();
    return ServerInterceptors.intercept(def, new EchoMetadata());
  }

  private static void unaryCall(SimpleRequest req, StreamObserver<SimpleResponse> out) {
    if (req.hasResponseStatus() && req.getResponseStatus().getCode() != 0) {
      out.onError(status(req.getResponseStatus()).asRuntimeException());
      return;
    }
    if (req.getResponseCompressed().getValue()) {
      ((ServerCallStreamObserver<SimpleResponse>) out).setCompression("gzip");
    }
    out.onNext(SimpleResponse.newBuilder().setPayload(payload(req.getResponseSize())).build());
    out.onCompleted();
  }

  private static void respond(
      StreamingOutputCallRequest r, StreamObserver<StreamingOutputCallResponse> out) {
    if (r.hasResponseStatus() && r.getResponseStatus().getCode() != 0) {
      throw status(r.getResponseStatus()).asRuntimeException();
    }
    for (ResponseParameters p : r.getResponseParametersList()) {
      if (p.getIntervalUs() > 0) {
        try {
          TimeUnit.MICROSECONDS.sleep(p.getIntervalUs());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw Status.CANCELLED.asRuntimeException();
        }
      }
      out.onNext(StreamingOutputCallResponse.newBuilder().setPayload(payload(p.getSize())).build());
    }
  }

  private static Status status(EchoStatus s) {
    return Status.fromCodeValue(s.getCode()).withDescription(s.getMessage());
  }

  static Payload payload(int size) {
    return Payload.newBuilder().setBody(ByteString.copyFrom(new byte[Math.max(0, size)])).build();
  }

  /**
   * grpc-java's Netty server on a free local port serving {@code service}, handing every call's
   * request headers to {@code headers} before the call starts.
   */
  static io.grpc.Server startCapturingHeaders(
      ServerServiceDefinition service, Consumer<Metadata> headers) throws IOException {
    ServerInterceptor capture =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata requestHeaders, ServerCallHandler<Q, R> next) {
            headers.accept(requestHeaders);
            return next.startCall(call, requestHeaders);
          }
        };
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(service, capture))
        .build()
        .start();
  }

  /**
   * Echoes x-grpc-test-echo-initial in the headers and x-grpc-test-echo-trailing-bin in the
   * trailers.
   */
  private static final class EchoMetadata implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      String initial = headers.get(ECHO_INITIAL);
      byte[] trailing = headers.get(ECHO_TRAILING);
      return next.startCall(
          new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
              if (initial != null) {
                responseHeaders.put(ECHO_INITIAL, initial);
              }
              super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(Status status, Metadata trailers) {
              if (trailing != null) {
                trailers.put(ECHO_TRAILING, trailing);
              }
              super.close(status, trailers);
            }
          },
          headers);
    }
  }
}
