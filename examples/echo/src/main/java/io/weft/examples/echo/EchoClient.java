package io.weft.examples.echo;

import echo.Request;
import echo.Response;
import echo.echoservice.EchoServiceClient;
import io.weft.api.ClientOptions;

/**
 * The seed's PingPong client: {@code cli.Echo(ctx, req)} prints "world". Address from the first
 * argument, default 0.0.0.0:8888.
 */
public final class EchoClient {
  private EchoClient() {}

  public static void main(String[] args) {
    String addr = args.length > 0 ? args[0] : "0.0.0.0:8888";
    try (var cli =
        EchoServiceClient.newClient("destServiceName", ClientOptions.withHostPorts(addr))) {
      Request req = new Request().setMsg("hello");
      Response resp = cli.echo(req);
      System.out.println(resp.getMsg());
    }
  }
}
