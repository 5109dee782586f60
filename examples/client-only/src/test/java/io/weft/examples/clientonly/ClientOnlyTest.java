package io.weft.examples.clientonly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import echo.Request;
import echo.echoservice.EchoServiceClient;
import io.weft.api.Client;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServiceDefinition;
import io.weft.api.StatusCode;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * An application with toolkit-client alone: {@link Client#newClient} finds the client
 * implementation through its provider, calls fail cleanly, and there is no server to find.
 */
class ClientOnlyTest {

  @Test
  void generatedClientFindsTheImplementationAndACallToAClosedPortIsUnavailable() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    try (var cli =
        EchoServiceClient.newClient("echo", ClientOptions.withHostPorts("127.0.0.1:" + port))) {
      assertThatThrownBy(() -> cli.echo(new Request().setMsg("hello")))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
    }
  }

  @Test
  void clientNewClientReturnsTheWeftClient() {
    try (Client client = Client.newClient("echo", ClientOptions.withHostPorts("127.0.0.1:1"))) {
      assertThat(client.getClass().getName()).isEqualTo("io.weft.client.WeftClient");
      assertThat(client.config().destService()).isEqualTo("echo");
    }
  }

  @Test
  void buildingAServerSaysWhichArtifactIsMissing() {
    ServiceDefinition service =
        ServiceDefinition.builder("EchoService", "echo.EchoService").build();
    assertThatThrownBy(() -> Server.newServer(service))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("io.weft:toolkit-server");
  }

  @Test
  void neitherWeftsServerNorHelidonIsOnTheClassPath() {
    for (String name :
        new String[] {"io.weft.server.WeftServerProvider", "io.helidon.webserver.WebServer"}) {
      assertThatThrownBy(() -> Class.forName(name))
          .as(name)
          .isInstanceOf(ClassNotFoundException.class);
    }
  }
}
