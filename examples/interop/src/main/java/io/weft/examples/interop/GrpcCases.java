package io.weft.examples.interop;

import com.google.protobuf.ByteString;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.EchoStatus;
import io.grpc.testing.integration.Messages.Payload;
import io.grpc.testing.integration.Messages.ResponseParameters;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.Messages.StreamingInputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.grpc.testing.integration.unimplementedservice.UnimplementedServiceClient;
import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOptions;
import io.weft.api.Metadata;
import io.weft.api.ResponseMetadata;
import io.weft.api.RpcException;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The client cases of the public gRPC interop-test descriptions, run with Weft's client. Each
 * returns null when it passes, else what went wrong.
 */
final class GrpcCases {
  private static final int[] REQUEST_SIZES = {27182, 8, 1828, 45904};
  private static final int[] RESPONSE_SIZES = {31415, 9, 2653, 58979};
  static final String SPECIAL_MESSAGE =
      "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";

  private GrpcCases() {}

  static String run(String host, int port, Transport transport, String testCase) throws Exception {
    try (Client client =
        Client.newClient(
            "grpc.testing.TestService",
            ClientOptions.withHostPorts(host + ":" + port),
            ClientOptions.withTransport(transport),
            ClientOptions.withMaxMessageSize(InteropServer.MAX_MESSAGE))) {
      TestServiceClient cli = TestServiceClient.of(client);
      return switch (testCase) {
        case "empty_unary" ->
            check(
                cli.emptyCall(Empty.getDefaultInstance()).equals(Empty.getDefaultInstance()),
                "EmptyCall returned a non-empty message");
        case "large_unary" -> {
          SimpleResponse r = cli.unaryCall(largeRequest());
          yield check(
              r.getPayload().getBody().size() == 314159 && isZeros(r.getPayload().getBody()),
              "UnaryCall returned "
                  + r.getPayload().getBody().size()
                  + " bytes, expected 314159 zeros");
        }
        case "client_streaming" -> {
          var stream = cli.streamingInputCall();
          for (int size : REQUEST_SIZES) {
            stream.send(StreamingInputCallRequest.newBuilder().setPayload(payload(size)).build());
          }
          int sum = stream.closeAndRecv().getAggregatedPayloadSize();
          yield check(sum == 74922, "aggregated size " + sum + ", expected 74922");
        }
        case "server_streaming" -> {
          StreamingOutputCallRequest.Builder req = StreamingOutputCallRequest.newBuilder();
          for (int size : RESPONSE_SIZES) {
            req.addResponseParameters(ResponseParameters.newBuilder().setSize(size));
          }
          int i = 0;
          try (var stream = cli.streamingOutputCall(req.build())) {
            for (StreamingOutputCallResponse r : stream) {
              if (i >= RESPONSE_SIZES.length
                  || r.getPayload().getBody().size() != RESPONSE_SIZES[i]) {
                yield "response " + i + " has " + r.getPayload().getBody().size() + " bytes";
              }
              i++;
            }
          }
          yield check(i == RESPONSE_SIZES.length, "got " + i + " responses, expected 4");
        }
        case "ping_pong" -> {
          try (var stream = cli.fullDuplexCall()) {
            for (int i = 0; i < REQUEST_SIZES.length; i++) {
              stream.send(
                  StreamingOutputCallRequest.newBuilder()
                      .addResponseParameters(
                          ResponseParameters.newBuilder().setSize(RESPONSE_SIZES[i]))
                      .setPayload(payload(REQUEST_SIZES[i]))
                      .build());
              StreamingOutputCallResponse r = stream.recv();
              if (r == null || r.getPayload().getBody().size() != RESPONSE_SIZES[i]) {
                yield "ping "
                    + i
                    + " got "
                    + (r == null
                        ? "the end of the stream"
                        : r.getPayload().getBody().size() + " bytes");
              }
            }
            stream.closeSend();
            yield check(stream.recv() == null, "the server sent more than 4 responses");
          }
        }
        case "empty_stream" -> {
          try (var stream = cli.fullDuplexCall()) {
            stream.closeSend();
            yield check(stream.recv() == null, "the server answered an empty stream");
          }
        }
        case "cancel_after_begin" -> {
          var stream = cli.streamingInputCall();
          stream.cancel();
          yield expectCode(() -> stream.closeAndRecv(), StatusCode.CANCELLED);
        }
        case "cancel_after_first_response" -> {
          var stream = cli.fullDuplexCall();
          stream.send(
              StreamingOutputCallRequest.newBuilder()
                  .addResponseParameters(ResponseParameters.newBuilder().setSize(31415))
                  .setPayload(payload(27182))
                  .build());
          if (stream.recv() == null) {
            yield "no first response";
          }
          stream.cancel();
          yield expectCode(stream::recv, StatusCode.CANCELLED);
        }
        case "timeout_on_sleeping_server" -> {
          yield expectCode(
              () -> {
                try (var stream = cli.fullDuplexCall(CallOptions.timeout(Duration.ofMillis(1)))) {
                  stream.send(
                      StreamingOutputCallRequest.newBuilder().setPayload(payload(27182)).build());
                  return stream.recv();
                }
              },
              StatusCode.DEADLINE_EXCEEDED);
        }
        case "status_code_and_message" -> statusCase(cli, "test status message");
        case "special_status_message" -> {
          String problem =
              expectStatus(
                  () ->
                      cli.unaryCall(
                          SimpleRequest.newBuilder()
                              .setResponseStatus(
                                  EchoStatus.newBuilder().setCode(2).setMessage(SPECIAL_MESSAGE))
                              .build()),
                  StatusCode.UNKNOWN,
                  SPECIAL_MESSAGE);
          yield problem;
        }
        case "custom_metadata" -> customMetadata(cli);
        case "client_compressed_unary" -> {
          SimpleResponse r =
              cli.unaryCall(largeRequest(), CallOptions.DEFAULT.withCompression("gzip"));
          yield check(
              r.getPayload().getBody().size() == 314159,
              "gzip request: " + r.getPayload().getBody().size() + " bytes back");
        }
        case "server_compressed_unary" -> {
          SimpleResponse r =
              cli.unaryCall(
                  largeRequest().toBuilder()
                      .setResponseCompressed(
                          io.grpc.testing.integration.Messages.BoolValue.newBuilder()
                              .setValue(true))
                      .build());
          yield check(
              r.getPayload().getBody().size() == 314159,
              "gzip response: " + r.getPayload().getBody().size() + " bytes");
        }
        case "unimplemented_method" ->
            expectCode(
                () -> cli.unimplementedCall(Empty.getDefaultInstance()), StatusCode.UNIMPLEMENTED);
        case "unimplemented_service" -> {
          UnimplementedServiceClient other = UnimplementedServiceClient.of(client);
          yield expectCode(
              () -> other.unimplementedCall(Empty.getDefaultInstance()), StatusCode.UNIMPLEMENTED);
        }
        default -> "unknown case " + testCase;
      };
    }
  }

  private static String statusCase(TestServiceClient cli, String message) {
    EchoStatus status = EchoStatus.newBuilder().setCode(2).setMessage(message).build();
    String unary =
        expectStatus(
            () -> cli.unaryCall(SimpleRequest.newBuilder().setResponseStatus(status).build()),
            StatusCode.UNKNOWN,
            message);
    if (unary != null) {
      return "unary: " + unary;
    }
    String bidi =
        expectStatus(
            () -> {
              try (var stream = cli.fullDuplexCall()) {
                stream.send(
                    StreamingOutputCallRequest.newBuilder().setResponseStatus(status).build());
                stream.closeSend();
                return stream.recv();
              }
            },
            StatusCode.UNKNOWN,
            message);
    return bidi == null ? null : "full duplex: " + bidi;
  }

  private static String customMetadata(TestServiceClient cli) {
    byte[] trailing = {(byte) 0xab, (byte) 0xab, (byte) 0xab};
    Metadata md =
        new Metadata()
            .add(GrpcTestHandler.ECHO_INITIAL, "test_initial_metadata_value")
            .addBinary(GrpcTestHandler.ECHO_TRAILING, trailing);
    ResponseMetadata got = new ResponseMetadata();
    cli.unaryCall(largeRequest(), CallOptions.metadata(md).captureResponse(got));
    String problem = checkEcho(got.headers(), got.trailers(), trailing);
    if (problem != null) {
      return "unary: " + problem;
    }
    try (var stream = cli.fullDuplexCall(CallOptions.metadata(md))) {
      stream.send(
          StreamingOutputCallRequest.newBuilder()
              .addResponseParameters(ResponseParameters.newBuilder().setSize(314159))
              .setPayload(payload(271828))
              .build());
      stream.closeSend();
      while (stream.recv() != null) {
        // drain
      }
      problem = checkEcho(stream.headers(), stream.trailers(), trailing);
      return problem == null ? null : "full duplex: " + problem;
    }
  }

  private static String checkEcho(Metadata headers, Metadata trailers, byte[] trailing) {
    if (!"test_initial_metadata_value".equals(headers.get(GrpcTestHandler.ECHO_INITIAL))) {
      return "initial metadata not echoed: " + headers;
    }
    byte[] got = trailers.getBinary(GrpcTestHandler.ECHO_TRAILING);
    if (got == null || !Arrays.equals(got, trailing)) {
      return "trailing metadata not echoed: "
          + (got == null ? trailers : HexFormat.of().formatHex(got));
    }
    return null;
  }

  private static SimpleRequest largeRequest() {
    return SimpleRequest.newBuilder().setResponseSize(314159).setPayload(payload(271828)).build();
  }

  private static Payload payload(int size) {
    return Payload.newBuilder().setBody(ByteString.copyFrom(new byte[size])).build();
  }

  private static boolean isZeros(ByteString b) {
    for (int i = 0; i < b.size(); i++) {
      if (b.byteAt(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static String check(boolean ok, String failure) {
    return ok ? null : failure;
  }

  private static String expectCode(java.util.concurrent.Callable<?> call, StatusCode code) {
    try {
      Object r = call.call();
      return "expected " + code + " but the call returned " + r;
    } catch (RpcException e) {
      return e.code() == code ? null : "expected " + code + ", got " + e.status();
    } catch (Exception e) {
      return "expected " + code + ", got " + e;
    }
  }

  private static String expectStatus(
      java.util.concurrent.Callable<?> call, StatusCode code, String message) {
    try {
      call.call();
      return "expected " + code + " but the call succeeded";
    } catch (RpcException e) {
      if (e.code() != code) {
        return "expected " + code + ", got " + e.status();
      }
      String got = e.status().description().orElse("");
      return got.equals(message) ? null : "expected message '" + message + "', got '" + got + "'";
    } catch (Exception e) {
      return "expected " + code + ", got " + e;
    }
  }
}
