package io.weft.examples.streaming;

import echo.Echo.Request;
import echo.Echo.Response;
import echo.echoservice.EchoServiceClient;
import io.weft.api.ClientOptions;

/**
 * The seed's client-streaming client: sends "hello" a few times, a second apart, then reads the one
 * response.
 */
public final class ClientSideStreamingClient {
  private ClientSideStreamingClient() {}

  public static void main(String[] args) throws InterruptedException {
    String addr = args.length > 0 ? args[0] : "0.0.0.0:8888";
    try (var cli =
        EchoServiceClient.newClient("destServiceName", ClientOptions.withHostPorts(addr))) {
      var stream = cli.clientSideStreaming();
      for (int i = 0; i < 3; i++) {
        stream.send(Request.newBuilder().setMsg("hello").build());
        Thread.sleep(1000);
      }
      Response resp = stream.closeAndRecv();
      System.out.println(resp.getMsg());
    }
  }
}
