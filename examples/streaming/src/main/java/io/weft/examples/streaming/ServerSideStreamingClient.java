package io.weft.examples.streaming;

import echo.Echo.Request;
import echo.Echo.Response;
import echo.echoservice.EchoServiceClient;
import io.weft.api.ClientOptions;

/** The seed's server-streaming client: reads responses ("world") a second apart, then hangs up. */
public final class ServerSideStreamingClient {
  private ServerSideStreamingClient() {}

  public static void main(String[] args) throws InterruptedException {
    String addr = args.length > 0 ? args[0] : "0.0.0.0:8888";
    try (var cli =
            EchoServiceClient.newClient("destServiceName", ClientOptions.withHostPorts(addr));
        var stream = cli.serverSideStreaming(Request.newBuilder().setMsg("hello").build())) {
      for (int i = 0; i < 3; i++) {
        Response resp = stream.recv();
        System.out.println("response: " + resp.getMsg());
        Thread.sleep(1000);
      }
    }
  }
}
