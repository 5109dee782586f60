package io.weft.examples.streaming;

import echo.Echo.Request;
import echo.Echo.Response;
import echo.echoservice.EchoServiceClient;
import io.weft.api.ClientOptions;

/**
 * The seed's bidirectional client: one virtual thread sends "hello" every second, this one
 * receives.
 */
public final class BidiSideStreamingClient {
  private BidiSideStreamingClient() {}

  public static void main(String[] args) throws InterruptedException {
    String addr = args.length > 0 ? args[0] : "0.0.0.0:8888";
    try (var cli =
            EchoServiceClient.newClient("destServiceName", ClientOptions.withHostPorts(addr));
        var stream = cli.bidiSideStreaming()) {
      Thread sender =
          Thread.ofVirtual()
              .start(() -> {
                try {
                  for (int i = 0; i < 3; i++) {
                    stream.send(Request.newBuilder().setMsg("hello").build());
                    Thread.sleep(1000);
                  }
                  stream.closeSend();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      for (int i = 0; i < 3; i++) {
        Response resp = stream.recv();
        System.out.println(resp.getMsg());
      }
      sender.join();
    }
  }
}
