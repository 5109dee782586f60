package io.weft.examples.interop;

import echo.Echo;
import echo.echoservice.EchoServiceClient;
import interop.stream.Request;
import interop.stream.Response;
import interop.stream.streamservice.StreamServiceClient;
import io.weft.api.ClientOptions;
import io.weft.api.Transport;

/**
 * The streaming cases: {@code --transport grpc-thrift} runs them against {@code StreamService} of
 * {@code stream.thrift} (Thrift payloads over gRPC), {@code --transport grpc-proto-echo} against
 * {@code EchoService} of {@code echo.proto}. Each returns null when it passes, else what went
 * wrong.
 */
final class StreamCases {
  private StreamCases() {}

  static String thrift(String host, int port, String testCase) {
    try (var cli =
        StreamServiceClient.newClient(
            "stream.StreamService",
            ClientOptions.withHostPorts(host + ":" + port),
            ClientOptions.withTransport(Transport.GRPC))) {
      return new EchoStreamCases<Request, Response>(
              cli::echoBidi,
              cli::echoClient,
              cli::echoServer,
              m -> new Request().setMsg(m),
              Response::getMsg)
          .run(testCase);
    }
  }

  static String proto(String host, int port, String testCase) {
    try (var cli =
        EchoServiceClient.newClient(
            "echo.EchoService",
            ClientOptions.withHostPorts(host + ":" + port),
            ClientOptions.withTransport(Transport.GRPC))) {
      return new EchoStreamCases<Echo.Request, Echo.Response>(
              cli::bidiSideStreaming,
              cli::clientSideStreaming,
              cli::serverSideStreaming,
              m -> Echo.Request.newBuilder().setMsg(m).build(),
              Echo.Response::getMsg)
          .run(testCase);
    }
  }
}
