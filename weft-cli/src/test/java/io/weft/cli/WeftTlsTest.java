package io.weft.cli;

import static io.weft.cli.WeftRun.IDL;
import static io.weft.cli.WeftRun.weft;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.TlsConfig;
import io.weft.generic.GenericServer;
import io.weft.testing.TestCertificates;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft call} over TLS: a trusted PEM, {@code --insecure}, and an untrusted server. */
class WeftTlsTest {
  @TempDir static Path dir;
  static TestCertificates.Key key;
  static Server server;

  @BeforeAll
  static void start() throws Exception {
    key = TestCertificates.create(dir, "weft-cli");
    server =
        Server.newServer(
                GenericServer.thrift(
                    List.of(Path.of(IDL)),
                    "EchoService",
                    (method, args) -> method.equals("Echo") ? "{\"Msg\":\"tls\"}" : null),
                ServerOptions.withPort(0),
                ServerOptions.withTls(
                    TlsConfig.builder().keyPem(key.certificatePem(), key.privateKeyPem()).build()))
            .start();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void cacertTrustsTheServer() {
    WeftRun r =
        weft(
            "call",
            "--idl",
            IDL,
            "--cacert",
            key.certificatePem().toString(),
            "localhost:" + server.port(),
            "EchoService.Echo",
            "{\"req\":{\"Msg\":\"x\"}}");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("{\"Msg\":\"tls\"}\n");
    assertThat(r.code()).isEqualTo(Weft.OK);
  }

  @Test
  void insecureTrustsWhateverTheServerPresents() {
    WeftRun r =
        weft(
            "call",
            "--idl",
            IDL,
            "--insecure",
            "127.0.0.1:" + server.port(),
            "EchoService.Echo",
            "{\"req\":{\"Msg\":\"x\"}}");
    assertThat(r.out()).isEqualTo("{\"Msg\":\"tls\"}\n");
    assertThat(r.code()).isEqualTo(Weft.OK);
  }

  @Test
  void anUntrustedServerIsAnRpcFailure() {
    WeftRun r =
        weft(
            "call",
            "--idl",
            IDL,
            "--tls",
            "--timeout",
            "10s",
            "localhost:" + server.port(),
            "EchoService.Ping");
    assertThat(r.code()).isEqualTo(Weft.RPC_FAILED);
    assertThat(r.err()).startsWith("weft: EchoService.Ping failed: UNAVAILABLE");
  }
}
