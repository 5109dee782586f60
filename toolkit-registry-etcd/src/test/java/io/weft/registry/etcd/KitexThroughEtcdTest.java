package io.weft.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import interop.thrift.Request;
import interop.thrift.Response;
import interop.thrift.echoservice.EchoServiceClient;
import interop.thrift.echoservice.EchoServiceServer;
import io.weft.api.ClientOptions;
import io.weft.api.RegistryInfo;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.examples.interop.PeerProcesses;
import io.weft.examples.interop.ThriftEchoHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Weft and Kitex through one etcd, both ways, with the real kitex-contrib/registry-etcd v0.2.6 on
 * the Kitex side ({@code interop/kitex-etcd}, Kitex v0.16.3): a Kitex server registers itself and a
 * Weft client finds it, and loses it when it stops; a Weft server registers itself and a Kitex
 * client, resolving through registry-etcd, calls it.
 */
class KitexThroughEtcdTest {
  private static Path peer;
  private static EtcdServer etcd;
  private static EtcdConfig etcdAt;

  @BeforeAll
  @Timeout(value = 20, unit = TimeUnit.MINUTES) // the first build downloads registry-etcd's modules
  static void start() throws Exception {
    peer = PeerProcesses.kitexEtcdPeer();
    etcd = EtcdServer.start();
    etcdAt = EtcdConfig.of(etcd.endpoint());
  }

  @AfterAll
  static void stop() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void aWeftClientFindsAKitexServerRegisteredThroughRegistryEtcd() throws Exception {
    String hostPort = "127.0.0.1:" + freePort();
    Process kitex =
        new ProcessBuilder(peer.toString(), "server", etcd.endpoint(), "kitex-echo", hostPort)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (EtcdResolver resolver = EtcdResolver.start("kitex-echo", etcdAt)) {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(kitex.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine())
          .as("the Kitex server's first line")
          .isEqualTo("serving " + hostPort);
      Instances instances = new Instances(resolver);
      instances.awaitHostPorts(Duration.ofSeconds(30), hostPort);
      try (EchoServiceClient client =
          EchoServiceClient.newClient(
              "kitex-echo", ClientOptions.withResolver(resolver, Duration.ofMinutes(5)))) {
        assertThat(client.echo(new Request().setMsg("hello")).getMsg())
            .isEqualTo("hello from kitex");
      }
      // a graceful stop deregisters: the Weft client's resolver hears of it
      kitex.getOutputStream().close();
      assertThat(kitex.waitFor(30, TimeUnit.SECONDS)).as("the Kitex server stopped").isTrue();
      assertThat(kitex.exitValue()).isZero();
      instances.await(List::isEmpty, Duration.ofSeconds(30), "the Kitex server deregistered");
    } finally {
      kitex.destroyForcibly();
    }
  }

  @Test
  void aKitexClientFindsAWeftServerRegisteredThroughEtcd() throws Exception {
    EtcdRegistry registry = new EtcdRegistry(etcdAt);
    Server weft =
        EchoServiceServer.newServer(
                new ThriftEchoHandler() {
                  @Override
                  public Response echo(Request req) {
                    return new Response().setMsg(req.getMsg() + " from weft");
                  }
                },
                ServerOptions.withServiceAddr("127.0.0.1", 0),
                ServerOptions.withRegistry(registry, RegistryInfo.of("weft-echo")))
            .start();
    try {
      Process kitex =
          new ProcessBuilder(peer.toString(), "call", etcd.endpoint(), "weft-echo", "hello", "3")
              .redirectErrorStream(true)
              .start();
      kitex.getOutputStream().close();
      String printed = new String(kitex.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(kitex.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(kitex.exitValue())
          .as("the Kitex client's exit; it printed:\n%s", printed)
          .isZero();
      assertThat(printed.lines().toList())
          .containsExactly("hello from weft", "hello from weft", "hello from weft");
    } finally {
      weft.stop();
      registry.close();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
