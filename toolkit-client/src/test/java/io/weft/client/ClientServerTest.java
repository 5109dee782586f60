package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client against Weft's own server, serving the hand-built {@link Methods#service()}, over
 * every transport: replies, what reaches the handler from call options, and a handler's status.
 */
class ClientServerTest {
  private static Server server;

  @BeforeAll
  static void start() {
    server =
        Server.newServer(Methods.service(), ServerOptions.withServiceAddr("127.0.0.1", 0)).start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  private static Client client(Transport transport) {
    return Client.newClient(
        "EchoService",
        ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
        ClientOptions.withTransport(transport),
        ClientOptions.withCallerName("client-svc"));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void echo(Transport transport) {
    try (Client client = client(transport)) {
      assertThat(
              client.unary(
                  Methods.ECHO, "over " + transport, CallOptions.timeout(Duration.ofSeconds(20))))
          .isEqualTo("over " + transport);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"TTHEADER", "TTHEADER_FRAMED", "GRPC"})
  void headersDeadlineAndCallerReachTheHandler(Transport transport) {
    try (Client client = client(transport)) {
      String seen =
          client.unary(
              Methods.CONTEXT,
              "x-test",
              CallOptions.timeout(Duration.ofSeconds(20)).withHeader("x-test", "value"));
      assertThat(seen).isEqualTo("caller=client-svc x-test=value deadline=true");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"FRAMED", "BUFFERED"})
  void transportsWithoutHeadersCarryNoneButTheCallGoesThrough(Transport transport) {
    try (Client client = client(transport)) {
      String seen =
          client.unary(
              Methods.CONTEXT,
              "x-test",
              CallOptions.timeout(Duration.ofSeconds(20)).withHeader("x-test", "value"));
      assertThat(seen).isEqualTo("caller= x-test=null deadline=false");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aHandlersStatusReachesTheCaller(Transport transport) {
    try (Client client = client(transport)) {
      RpcException e =
          catchThrowableOfType(
              RpcException.class,
              () ->
                  client.unary(
                      Methods.FAIL, "not now", CallOptions.timeout(Duration.ofSeconds(20))));
      assertThat(e.getMessage()).contains("not now");
      assertThat(e.code()).isEqualTo(StatusCode.FAILED_PRECONDITION);
    }
  }
}
