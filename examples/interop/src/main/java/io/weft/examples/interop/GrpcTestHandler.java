package io.weft.examples.interop;

import com.google.protobuf.ByteString;
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
import io.grpc.testing.integration.TestService;
import io.weft.api.BidiStreamingServer;
import io.weft.api.CallContext;
import io.weft.api.ClientStreamingServer;
import io.weft.api.ServerStreamingServer;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.StreamWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code grpc.testing.TestService} as the public gRPC interop-test descriptions say a test server
 * behaves.
 */
public class GrpcTestHandler implements TestService {
  static final String ECHO_INITIAL = "x-grpc-test-echo-initial";
  static final String ECHO_TRAILING = "x-grpc-test-echo-trailing-bin";

  @Override
  public Empty emptyCall(Empty request) {
    echoMetadata();
    return Empty.getDefaultInstance();
  }

  @Override
  public SimpleResponse unaryCall(SimpleRequest request) {
    echoMetadata();
    if (request.hasResponseStatus() && request.getResponseStatus().getCode() != 0) {
      throw status(request.getResponseStatus());
    }
    if (request.getResponseCompressed().getValue()) {
      CallContext.current().setResponseCompression("gzip");
    }
    return SimpleResponse.newBuilder().setPayload(payload(request.getResponseSize())).build();
  }

  @Override
  public SimpleResponse cacheableUnaryCall(SimpleRequest request) {
    return unaryCall(request);
  }

  @Override
  public void streamingOutputCall(
      StreamingOutputCallRequest request, ServerStreamingServer<StreamingOutputCallResponse> stream)
      throws InterruptedException {
    echoMetadata();
    respond(request, stream);
  }

  @Override
  public void streamingInputCall(
      ClientStreamingServer<StreamingInputCallRequest, StreamingInputCallResponse> stream) {
    echoMetadata();
    int sum = 0;
    for (StreamingInputCallRequest r : stream) {
      sum += r.getPayload().getBody().size();
    }
    stream.sendAndClose(
        StreamingInputCallResponse.newBuilder().setAggregatedPayloadSize(sum).build());
  }

  @Override
  public void fullDuplexCall(
      BidiStreamingServer<StreamingOutputCallRequest, StreamingOutputCallResponse> stream)
      throws InterruptedException {
    echoMetadata();
    for (StreamingOutputCallRequest r : stream) {
      respond(r, stream);
    }
  }

  @Override
  public void halfDuplexCall(
      BidiStreamingServer<StreamingOutputCallRequest, StreamingOutputCallResponse> stream)
      throws InterruptedException {
    echoMetadata();
    List<StreamingOutputCallRequest> all = new ArrayList<>();
    for (StreamingOutputCallRequest r : stream) {
      all.add(r);
    }
    for (StreamingOutputCallRequest r : all) {
      respond(r, stream);
    }
  }

  @Override
  public Empty unimplementedCall(Empty request) {
    throw Status.of(StatusCode.UNIMPLEMENTED, "UnimplementedCall is not implemented").asException();
  }

  private static void respond(
      StreamingOutputCallRequest r, StreamWriter<StreamingOutputCallResponse> out)
      throws InterruptedException {
    if (r.hasResponseStatus() && r.getResponseStatus().getCode() != 0) {
      throw status(r.getResponseStatus());
    }
    for (ResponseParameters p : r.getResponseParametersList()) {
      if (p.getIntervalUs() > 0) {
        TimeUnit.MICROSECONDS.sleep(p.getIntervalUs());
      }
      if (p.getCompressed().getValue()) {
        CallContext.current().setResponseCompression("gzip");
      }
      out.send(StreamingOutputCallResponse.newBuilder().setPayload(payload(p.getSize())).build());
    }
  }

  /** Copies the echo headers of the interop tests into the response headers and trailers. */
  private static void echoMetadata() {
    CallContext ctx = CallContext.current();
    String initial = ctx.requestMetadata().get(ECHO_INITIAL);
    if (initial != null) {
      ctx.responseMetadata().set(ECHO_INITIAL, initial);
    }
    String trailing = ctx.requestMetadata().get(ECHO_TRAILING);
    if (trailing != null) {
      ctx.responseTrailers().set(ECHO_TRAILING, trailing);
    }
  }

  private static io.weft.api.RpcException status(EchoStatus s) {
    return Status.of(StatusCode.fromValue(s.getCode()), s.getMessage()).asException();
  }

  private static Payload payload(int size) {
    return Payload.newBuilder().setBody(ByteString.copyFrom(new byte[Math.max(0, size)])).build();
  }
}
