package io.weft.examples.echo;

import echo.Request;
import echo.echoservice.EchoServiceClient;
import io.weft.api.ClientOptions;

/**
 * The seed's Oneway client: {@code cli.VisitOneway(ctx, req)} returns once the request is written.
 */
public final class OnewayClient {
  private OnewayClient() {}

  public static void main(String[] args) {
    String addr = args.length > 0 ? args[0] : "0.0.0.0:8888";
    try (var cli =
        EchoServiceClient.newClient("destServiceName", ClientOptions.withHostPorts(addr))) {
      Request req = new Request().setMsg("hello");
      cli.visitOneway(req);
      System.out.println("oneway sent");
    }
  }
}
