package io.weft.examples.interop;

import interop.stream.Request;
import interop.stream.Response;
import interop.stream.streamservice.StreamServiceClient;
import io.weft.api.ClientOptions;
import io.weft.api.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --transport grpc-thrift} cases: {@code StreamService} of {@code stream.thrift}, Thrift
 * payloads over gRPC. Each returns null when it passes, else what went wrong.
 */
final class StreamCases {
  private static final List<String> MESSAGES = List.of("alpha", "", "gamma ✓", "δ");

  private StreamCases() {}

  static String run(String host, int port, String testCase) {
    try (var cli = StreamServiceClient.newClient("stream.StreamService", ClientOptions.withHostPorts(host + ":" + port),
        ClientOptions.withTransport(Transport.GRPC))) {
      return switch (testCase) {
        case "bidi" -> {
          // Ping-pong: each reply must arrive before the next request is sent.
          try (var stream = cli.echoBidi()) {
            for (String msg : MESSAGES) {
              stream.send(new Request().setMsg(msg));
              Response r = stream.recv();
              if (r == null || !msg.equals(r.getMsg())) {
                yield "EchoBidi(" + msg + ") answered " + (r == null ? "end of stream" : r.getMsg());
              }
            }
            stream.closeSend();
            Response extra = stream.recv();
            yield extra == null ? null : "EchoBidi sent " + extra.getMsg() + " after the client closed";
          }
        }
        case "client_stream" -> {
          var stream = cli.echoClient();
          for (String msg : MESSAGES) {
            stream.send(new Request().setMsg(msg));
          }
          String got = stream.closeAndRecv().getMsg();
          String want = String.join(",", MESSAGES);
          yield want.equals(got) ? null : "EchoClient answered " + got + ", expected " + want;
        }
        case "server_stream" -> {
          List<String> got = new ArrayList<>();
          try (var stream = cli.echoServer(new Request().setMsg("msg"))) {
            for (Response r : stream) {
              got.add(r.getMsg());
            }
          }
          List<String> want = new ArrayList<>();
          for (int i = 0; i < StreamEchoHandler.SERVER_REPLIES; i++) {
            want.add("msg-" + i);
          }
          yield want.equals(got) ? null : "EchoServer streamed " + got + ", expected " + want;
        }
        default -> "unknown case " + testCase + " (bidi, client_stream, server_stream)";
      };
    }
  }
}
