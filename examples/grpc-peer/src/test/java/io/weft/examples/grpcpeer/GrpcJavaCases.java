package io.weft.examples.grpcpeer;

import static io.weft.examples.grpcpeer.GrpcJavaTestService.payload;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.EchoStatus;
import io.grpc.testing.integration.Messages.ResponseParameters;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.Messages.StreamingInputCallRequest;
import io.grpc.testing.integration.Messages.StreamingInputCallResponse;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client cases of the gRPC interop-test descriptions, written with grpc-java's call API. Each
 * throws AssertionError (or the call's exception) when the server misbehaves.
 */
final class GrpcJavaCases {
  private static final int[] REQUEST_SIZES = {27182, 8, 1828, 45904};
  private static final int[] RESPONSE_SIZES = {31415, 9, 2653, 58979};
  static final String SPECIAL_MESSAGE =
      "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
  private static final long WAIT_SECONDS = 30;

  private GrpcJavaCases() {}

  static void run(Channel ch, String testCase) throws Exception {
    switch (testCase) {
      case "empty_unary" ->
          check(
              ClientCalls.blockingUnaryCall(
                      ch, GrpcJavaTestService.EMPTY_CALL, opts(), Empty.getDefaultInstance())
                  .equals(Empty.getDefaultInstance()),
              "EmptyCall returned a non-empty message");
      case "large_unary" -> {
        SimpleResponse r =
            ClientCalls.blockingUnaryCall(
                ch, GrpcJavaTestService.UNARY_CALL, opts(), largeRequest());
        check(
            r.getPayload().getBody().size() == 314159,
            "payload of " + r.getPayload().getBody().size() + " bytes");
      }
      case "client_streaming" -> {
        Recorder<StreamingInputCallResponse> rec = new Recorder<>();
        StreamObserver<StreamingInputCallRequest> req =
            ClientCalls.asyncClientStreamingCall(
                ch.newCall(GrpcJavaTestService.STREAMING_INPUT_CALL, opts()), rec);
        for (int size : REQUEST_SIZES) {
          req.onNext(StreamingInputCallRequest.newBuilder().setPayload(payload(size)).build());
        }
        req.onCompleted();
        check(rec.next().getAggregatedPayloadSize() == 74922, "wrong aggregated size");
        rec.awaitOk();
      }
      case "server_streaming" -> {
        StreamingOutputCallRequest.Builder b = StreamingOutputCallRequest.newBuilder();
        for (int size : RESPONSE_SIZES) {
          b.addResponseParameters(ResponseParameters.newBuilder().setSize(size));
        }
        Iterator<StreamingOutputCallResponse> it =
            ClientCalls.blockingServerStreamingCall(
                ch, GrpcJavaTestService.STREAMING_OUTPUT_CALL, opts(), b.build());
        for (int size : RESPONSE_SIZES) {
          check(
              it.hasNext() && it.next().getPayload().getBody().size() == size,
              "wrong response for size " + size);
        }
        check(!it.hasNext(), "more responses than asked for");
      }
      case "ping_pong" -> {
        Recorder<StreamingOutputCallResponse> rec = new Recorder<>();
        StreamObserver<StreamingOutputCallRequest> req =
            ClientCalls.asyncBidiStreamingCall(
                ch.newCall(GrpcJavaTestService.FULL_DUPLEX_CALL, opts()), rec);
        for (int i = 0; i < REQUEST_SIZES.length; i++) {
          req.onNext(
              StreamingOutputCallRequest.newBuilder()
                  .addResponseParameters(ResponseParameters.newBuilder().setSize(RESPONSE_SIZES[i]))
                  .setPayload(payload(REQUEST_SIZES[i]))
                  .build());
          check(rec.next().getPayload().getBody().size() == RESPONSE_SIZES[i], "wrong pong " + i);
        }
        req.onCompleted();
        rec.awaitOk();
      }
      case "empty_stream" -> {
        Recorder<StreamingOutputCallResponse> rec = new Recorder<>();
        StreamObserver<StreamingOutputCallRequest> req =
            ClientCalls.asyncBidiStreamingCall(
                ch.newCall(GrpcJavaTestService.FULL_DUPLEX_CALL, opts()), rec);
        req.onCompleted();
        rec.awaitOk();
        check(rec.received == 0, "responses to an empty stream");
      }
      case "cancel_after_begin" -> {
        Recorder<StreamingInputCallResponse> rec = new Recorder<>();
        ClientCall<StreamingInputCallRequest, StreamingInputCallResponse> call =
            ch.newCall(GrpcJavaTestService.STREAMING_INPUT_CALL, opts());
        ClientCalls.asyncClientStreamingCall(call, rec);
        call.cancel("cancelled by the test", null);
        Status s = rec.awaitStatus();
        check(s.getCode() == Status.Code.CANCELLED, "expected CANCELLED, got " + s);
      }
      case "cancel_after_first_response" -> {
        Recorder<StreamingOutputCallResponse> rec = new Recorder<>();
        ClientCallStreamObserver<StreamingOutputCallRequest> req =
            (ClientCallStreamObserver<StreamingOutputCallRequest>)
                ClientCalls.asyncBidiStreamingCall(
                    ch.newCall(GrpcJavaTestService.FULL_DUPLEX_CALL, opts()), rec);
        req.onNext(
            StreamingOutputCallRequest.newBuilder()
                .addResponseParameters(ResponseParameters.newBuilder().setSize(31415))
                .setPayload(payload(27182))
                .build());
        check(rec.next().getPayload().getBody().size() == 31415, "wrong first response");
        req.cancel("cancelled by the test", null);
        Status s = rec.awaitStatus();
        check(s.getCode() == Status.Code.CANCELLED, "expected CANCELLED, got " + s);
      }
      case "timeout_on_sleeping_server" -> {
        Recorder<StreamingOutputCallResponse> rec = new Recorder<>();
        StreamObserver<StreamingOutputCallRequest> req =
            ClientCalls.asyncBidiStreamingCall(
                ch.newCall(
                    GrpcJavaTestService.FULL_DUPLEX_CALL,
                    opts().withDeadlineAfter(1, TimeUnit.MILLISECONDS)),
                rec);
        try {
          req.onNext(StreamingOutputCallRequest.newBuilder().setPayload(payload(27182)).build());
        } catch (IllegalStateException alreadyClosed) {
          // the deadline can end the call before the first message
        }
        Status s = rec.awaitStatus();
        check(s.getCode() == Status.Code.DEADLINE_EXCEEDED, "expected DEADLINE_EXCEEDED, got " + s);
      }
      case "status_code_and_message" -> statusCase(ch, "test status message");
      case "special_status_message" -> {
        Status s = unaryStatus(ch, SPECIAL_MESSAGE);
        check(
            s.getCode() == Status.Code.UNKNOWN && SPECIAL_MESSAGE.equals(s.getDescription()),
            "got " + s);
      }
      case "custom_metadata" -> customMetadata(ch);
      case "client_compressed_unary" -> {
        SimpleResponse r =
            ClientCalls.blockingUnaryCall(
                ch, GrpcJavaTestService.UNARY_CALL, opts().withCompression("gzip"), largeRequest());
        check(
            r.getPayload().getBody().size() == 314159,
            "gzip request: " + r.getPayload().getBody().size() + " bytes back");
      }
      case "server_compressed_unary" -> {
        SimpleResponse r =
            ClientCalls.blockingUnaryCall(
                ch,
                GrpcJavaTestService.UNARY_CALL,
                opts(),
                largeRequest().toBuilder()
                    .setResponseCompressed(
                        io.grpc.testing.integration.Messages.BoolValue.newBuilder().setValue(true))
                    .build());
        check(
            r.getPayload().getBody().size() == 314159,
            "gzip response: " + r.getPayload().getBody().size() + " bytes");
      }
      case "unimplemented_method" ->
          expectCode(
              () ->
                  ClientCalls.blockingUnaryCall(
                      ch,
                      GrpcJavaTestService.UNIMPLEMENTED_CALL,
                      opts(),
                      Empty.getDefaultInstance()),
              Status.Code.UNIMPLEMENTED);
      case "unimplemented_service" ->
          expectCode(
              () ->
                  ClientCalls.blockingUnaryCall(
                      ch,
                      GrpcJavaTestService.UNIMPLEMENTED_SERVICE_CALL,
                      opts(),
                      Empty.getDefaultInstance()),
              Status.Code.UNIMPLEMENTED);
      default -> throw new IllegalArgumentException("unknown case " + testCase);
    }
  }

  private static CallOptions opts() {
    return CallOptions.DEFAULT.withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static SimpleRequest largeRequest() {
    return SimpleRequest.newBuilder().setResponseSize(314159).setPayload(payload(271828)).build();
  }

  private static void statusCase(Channel ch, String message) throws Exception {
    Status s = unaryStatus(ch, message);
    check(
        s.getCode() == Status.Code.UNKNOWN && message.equals(s.getDescription()), "unary got " + s);
    Recorder<StreamingOutputCallResponse> rec = new Recorder<>();
    StreamObserver<StreamingOutputCallRequest> req =
        ClientCalls.asyncBidiStreamingCall(
            ch.newCall(GrpcJavaTestService.FULL_DUPLEX_CALL, opts()), rec);
    req.onNext(
        StreamingOutputCallRequest.newBuilder()
            .setResponseStatus(EchoStatus.newBuilder().setCode(2).setMessage(message))
            .build());
    req.onCompleted();
    Status b = rec.awaitStatus();
    check(
        b.getCode() == Status.Code.UNKNOWN && message.equals(b.getDescription()),
        "full duplex got " + b);
  }

  private static Status unaryStatus(Channel ch, String message) {
    try {
      ClientCalls.blockingUnaryCall(
          ch,
          GrpcJavaTestService.UNARY_CALL,
          opts(),
          SimpleRequest.newBuilder()
              .setResponseStatus(EchoStatus.newBuilder().setCode(2).setMessage(message))
              .build());
      throw new AssertionError("the call succeeded");
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  private static void customMetadata(Channel ch) throws Exception {
    byte[] trailing = {(byte) 0xab, (byte) 0xab, (byte) 0xab};
    Metadata extra = new Metadata();
    extra.put(GrpcJavaTestService.ECHO_INITIAL, "test_initial_metadata_value");
    extra.put(GrpcJavaTestService.ECHO_TRAILING, trailing);
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    Channel intercepted =
        ClientInterceptors.intercept(
            ch,
            MetadataUtils.newAttachHeadersInterceptor(extra),
            MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
    ClientCalls.blockingUnaryCall(
        intercepted, GrpcJavaTestService.UNARY_CALL, opts(), largeRequest());
    checkEcho(headers.get(), trailers.get(), trailing);

    headers.set(null);
    trailers.set(null);
    Recorder<StreamingOutputCallResponse> rec = new Recorder<>();
    StreamObserver<StreamingOutputCallRequest> req =
        ClientCalls.asyncBidiStreamingCall(
            intercepted.newCall(GrpcJavaTestService.FULL_DUPLEX_CALL, opts()), rec);
    req.onNext(
        StreamingOutputCallRequest.newBuilder()
            .addResponseParameters(ResponseParameters.newBuilder().setSize(314159))
            .setPayload(payload(271828))
            .build());
    req.onCompleted();
    rec.awaitOk();
    checkEcho(headers.get(), trailers.get(), trailing);
  }

  private static void checkEcho(Metadata headers, Metadata trailers, byte[] trailing) {
    check(
        headers != null
            && "test_initial_metadata_value".equals(headers.get(GrpcJavaTestService.ECHO_INITIAL)),
        "initial metadata: " + headers);
    check(
        trailers != null
            && Arrays.equals(trailing, trailers.get(GrpcJavaTestService.ECHO_TRAILING)),
        "trailing metadata: " + trailers);
  }

  private static void expectCode(Runnable call, Status.Code code) {
    try {
      call.run();
      throw new AssertionError("expected " + code + " but the call succeeded");
    } catch (StatusRuntimeException e) {
      check(e.getStatus().getCode() == code, "expected " + code + ", got " + e.getStatus());
    }
  }

  static void check(boolean ok, String failure) {
    if (!ok) {
      throw new AssertionError(failure);
    }
  }

  /** A response observer that the test thread waits on. */
  private static final class Recorder<T> implements StreamObserver<T> {
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    int received;

    @Override
    public void onNext(T value) {
      received++;
      events.add(value);
    }

    @Override
    public void onError(Throwable t) {
      events.add(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      events.add(Status.OK);
    }

    @SuppressWarnings("unchecked")
    T next() throws InterruptedException {
      Object e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (e instanceof Status s) {
        throw new AssertionError("expected a message, got " + s);
      }
      check(e != null, "no message within " + WAIT_SECONDS + " s");
      return (T) e;
    }

    Status awaitStatus() throws InterruptedException {
      while (true) {
        Object e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        check(e != null, "no status within " + WAIT_SECONDS + " s");
        if (e instanceof Status s) {
          return s;
        }
      }
    }

    void awaitOk() throws InterruptedException {
      Status s = awaitStatus();
      check(s.isOk(), "expected OK, got " + s);
    }
  }
}
