package io.weft.examples.streaming;

import echo.Echo.Request;
import echo.Echo.Response;
import echo.EchoService;
import echo.echoservice.EchoServiceServer;
import io.weft.api.BidiStreamingServer;
import io.weft.api.ClientStreamingServer;
import io.weft.api.ServerOptions;
import io.weft.api.ServerStreamingServer;

/**
 * The seed's streaming server for echo.proto: each stream runs on its own virtual thread. Port from
 * the first argument, default 8888.
 */
public final class StreamingServer {
  private StreamingServer() {}

  static final class Handler implements EchoService {
    @Override
    public void clientSideStreaming(ClientStreamingServer<Request, Response> stream) {
      for (Request req : stream) {
        System.out.println("received: " + req.getMsg());
      }
      stream.sendAndClose(Response.newBuilder().setMsg("world").build());
    }

    @Override
    public void serverSideStreaming(Request req, ServerStreamingServer<Response> stream) {
      // send until the client goes away: send() then throws CANCELLED
      while (!stream.context().isCancelled()) {
        stream.send(Response.newBuilder().setMsg("world").build());
      }
    }

    @Override
    public void bidiSideStreaming(BidiStreamingServer<Request, Response> stream)
        throws InterruptedException {
      Thread receiver =
          Thread.ofVirtual()
              .start(() -> {
                for (Request req : stream) {
                  System.out.println("received: " + req.getMsg());
                }
              });
      while (receiver.isAlive() && !stream.context().isCancelled()) {
        stream.send(Response.newBuilder().setMsg("world").build());
        Thread.sleep(1000);
      }
    }
  }

  public static void main(String[] args) throws InterruptedException {
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8888;
    EchoServiceServer.newServer(new Handler(), ServerOptions.withPort(port)).run();
  }
}
