package io.weft.examples.streaming;

import echothrift.Request;
import echothrift.Response;
import echothrift.StreamEchoService;
import echothrift.streamechoservice.StreamEchoServiceServer;
import io.weft.api.BidiStreamingServer;
import io.weft.api.ClientStreamingServer;
import io.weft.api.ServerOptions;
import io.weft.api.ServerStreamingServer;

/**
 * The seed's streaming server for echo_stream.thrift, the Thrift twin of echo.proto: Kitex StreamX
 * clients reach it over TTHeader Streaming, gRPC clients over HTTP/2, on the same port (first
 * argument, default 8888). The handler does not know which.
 */
public final class ThriftStreamingServer {
  private ThriftStreamingServer() {}

  static final class Handler implements StreamEchoService {
    @Override
    public void clientSideStreaming(ClientStreamingServer<Request, Response> stream) {
      for (Request req : stream) {
        System.out.println("received: " + req.getMsg() + " over " + stream.context().transport());
      }
      stream.sendAndClose(new Response().setMsg("world"));
    }

    @Override
    public void serverSideStreaming(Request req, ServerStreamingServer<Response> stream) {
      // send until the client goes away: send() then throws CANCELLED
      while (!stream.context().isCancelled()) {
        stream.send(new Response().setMsg("world"));
      }
    }

    @Override
    public void bidiSideStreaming(BidiStreamingServer<Request, Response> stream) {
      for (Request req : stream) {
        System.out.println("received: " + req.getMsg() + " over " + stream.context().transport());
        stream.send(new Response().setMsg("world"));
      }
    }
  }

  public static void main(String[] args) throws InterruptedException {
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8888;
    StreamEchoServiceServer.newServer(new Handler(), ServerOptions.withPort(port)).run();
  }
}
