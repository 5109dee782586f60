package io.weft.examples.echo;

import echo.EchoService;
import echo.Request;
import echo.Response;
import echo.echoservice.EchoServiceServer;
import io.weft.api.Server;
import io.weft.api.ServerOptions;

/**
 * The seed's Thrift server: {@code svr := echo.NewServer(handler{}); svr.Run()}. Port from the
 * first argument, default 8888.
 */
public final class EchoServer {
  private EchoServer() {}

  /** The handler: every call runs on its own virtual thread. */
  static final class Handler implements EchoService {
    @Override
    public Response echo(Request req) {
      return new Response().setMsg("world");
    }

    @Override
    public void visitOneway(Request req) {
      System.out.println("oneway: " + req.getMsg());
    }
  }

  /** Keeps the logger configured below from being collected (and reset). */
  private static final java.util.logging.Logger HELIDON =
      java.util.logging.Logger.getLogger("io.helidon");

  public static void main(String[] args) throws InterruptedException {
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
    HELIDON.setLevel(java.util.logging.Level.WARNING);
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8888;
    Server svr = EchoServiceServer.newServer(new Handler(), ServerOptions.withPort(port));
    svr.run();
  }
}
