package io.weft.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import interop.thrift.Request;
import interop.thrift.echoservice.EchoServiceClient;
import interop.thrift.echoservice.EchoServiceServer;
import io.weft.api.ClientOptions;
import io.weft.api.RegistryInfo;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.examples.interop.ThriftEchoHandler;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The README's "Service discovery with etcd", run: two servers register themselves in etcd as
 * "echo", and a client that knows only etcd's address and the name finds and calls both.
 */
class ServiceDiscoveryExampleTest {
  @Test
  void twoServersAndAClientFindEachOtherThroughEtcd() throws Exception {
    try (EtcdServer etcd = EtcdServer.start()) {
      EtcdConfig etcdAt = EtcdConfig.of(etcd.endpoint());

      // the servers: each registers "echo" at the address it listens on, and deregisters when it
      // stops
      EtcdRegistry registry = new EtcdRegistry(etcdAt);
      Server one =
          EchoServiceServer.newServer(
                  new ThriftEchoHandler(),
                  ServerOptions.withServiceAddr("127.0.0.1", 0),
                  ServerOptions.withRegistry(registry, RegistryInfo.of("echo")))
              .start();
      Server two =
          EchoServiceServer.newServer(
                  new ThriftEchoHandler(),
                  ServerOptions.withServiceAddr("127.0.0.1", 0),
                  ServerOptions.withRegistry(registry, RegistryInfo.of("echo").withWeight(20)))
              .start();

      // the client: the instances of "echo" come from etcd, and changes are pushed as they happen
      EtcdResolver echo = EtcdResolver.start("echo", etcdAt);
      Set<String> answeredBy = new HashSet<>();
      try (EchoServiceClient client =
          EchoServiceClient.newClient(
              "echo", ClientOptions.withResolver(echo, Duration.ofMinutes(1)))) {
        for (int i = 0; i < 10; i++) {
          assertThat(client.echo(new Request().setMsg("hello")).getMsg()).isEqualTo("hello");
        }
        echo.resolve().forEach(in -> answeredBy.add(in.hostPort()));
      }
      assertThat(answeredBy)
          .containsExactlyInAnyOrder("127.0.0.1:" + one.port(), "127.0.0.1:" + two.port());

      echo.close();
      one.stop();
      two.stop();
      registry.close();
    }
  }
}
