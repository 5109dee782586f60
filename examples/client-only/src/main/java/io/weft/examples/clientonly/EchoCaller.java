package io.weft.examples.clientonly;

import echo.Request;
import echo.Response;
import echo.echoservice.EchoServiceClient;
import io.weft.api.ClientOptions;

/**
 * Calls the echo example's server ({@code make run}, or examples/echo's {@code EchoServer}) and
 * prints its answer. Its build has toolkit-client and no server: generated client code needs only
 * {@code io.weft.api} and {@code io.weft.runtime}. Address from the first argument, default
 * 127.0.0.1:8888.
 */
public final class EchoCaller {
  private EchoCaller() {}

  /** Calls {@code Echo} once and prints the reply's message. */
  public static void main(String[] args) {
    String addr = args.length > 0 ? args[0] : "127.0.0.1:8888";
    try (var cli = EchoServiceClient.newClient("echo", ClientOptions.withHostPorts(addr))) {
      Response resp = cli.echo(new Request().setMsg("hello"));
      System.out.println(resp.getMsg());
    }
  }
}
