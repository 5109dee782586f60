package io.weft.api;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Without toolkit-client or toolkit-server (this module's tests have neither), building a client or
 * a server fails at once and names the artifact to add.
 */
class ProvidersTest {

  @Test
  void newClientWithoutToolkitClientNamesTheArtifact() {
    assertThatThrownBy(() -> Client.newClient("echo", ClientOptions.withHostPorts("127.0.0.1:1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("io.weft:toolkit-client")
        .hasMessageContaining("io.weft.api.spi.ClientProvider");
  }

  @Test
  void newServerWithoutToolkitServerNamesTheArtifact() {
    ServiceDefinition service =
        ServiceDefinition.builder("EchoService", "echo.EchoService").build();
    assertThatThrownBy(() -> Server.newServer(service))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("io.weft:toolkit-server")
        .hasMessageContaining("io.weft.api.spi.ServerProvider");
  }

  @Test
  void aServerWithoutServicesIsRefusedBeforeLookingForAnImplementation() {
    assertThatThrownBy(() -> Server.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a server needs at least one service");
  }
}
