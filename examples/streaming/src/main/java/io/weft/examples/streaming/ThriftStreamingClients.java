package io.weft.examples.streaming;

import echothrift.Request;
import echothrift.Response;
import echothrift.streamechoservice.StreamEchoServiceClient;
import io.weft.api.ClientOptions;
import io.weft.api.Transport;

/**
 * The seed's three streaming clients for echo_stream.thrift over TTHeader Streaming, as a Kitex
 * client generated with {@code kitex -streamx} calls: {@code client}, {@code server} or {@code
 * bidi} (first argument, default all three), against the address in the second (default
 * 0.0.0.0:8888).
 */
public final class ThriftStreamingClients {
  private ThriftStreamingClients() {}

  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "all";
    String addr = args.length > 1 ? args[1] : "0.0.0.0:8888";
    try (var cli =
        StreamEchoServiceClient.newClient(
            "destServiceName",
            ClientOptions.withHostPorts(addr),
            ClientOptions.withTransport(Transport.TTHEADER_STREAMING))) {
      if (which.equals("all") || which.equals("client")) {
        clientSide(cli);
      }
      if (which.equals("all") || which.equals("server")) {
        serverSide(cli);
      }
      if (which.equals("all") || which.equals("bidi")) {
        bidiSide(cli);
      }
    }
  }

  /** Sends "hello" three times, then receives the one answer. */
  static void clientSide(StreamEchoServiceClient cli) {
    var stream = cli.clientSideStreaming();
    for (int i = 0; i < 3; i++) {
      stream.send(new Request().setMsg("hello"));
    }
    System.out.println(stream.closeAndRecv().getMsg());
  }

  /** Receives three answers to one request, then cancels (the server sends until then). */
  static void serverSide(StreamEchoServiceClient cli) {
    try (var stream = cli.serverSideStreaming(new Request().setMsg("hello"))) {
      for (int i = 0; i < 3; i++) {
        System.out.println(stream.recv().getMsg());
      }
    }
  }

  /** Sends "hello" and receives the answer, three times, then half-closes. */
  static void bidiSide(StreamEchoServiceClient cli) {
    try (var stream = cli.bidiSideStreaming()) {
      for (int i = 0; i < 3; i++) {
        stream.send(new Request().setMsg("hello"));
        Response resp = stream.recv();
        System.out.println(resp.getMsg());
      }
      stream.closeSend();
    }
  }
}
