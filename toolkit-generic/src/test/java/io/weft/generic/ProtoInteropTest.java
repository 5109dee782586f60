package io.weft.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.examples.interop.InteropServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Protobuf generic client against Weft's interop server (generated grpc.testing.TestService,
 * reflection on): descriptors from the server's reflection and from the .proto files, over gRPC and
 * Kitex Protobuf.
 */
class ProtoInteropTest {
  static final Path PROTO_ROOT = Path.of("../examples/interop/src/main/proto");
  static final List<Path> TEST_PROTO = List.of(PROTO_ROOT.resolve("grpc/testing/test.proto"));
  static Server server;

  @BeforeAll
  static void start() {
    server = InteropServer.create(0).start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  static String hostPort() {
    return "127.0.0.1:" + server.port();
  }

  @Test
  void reflectionGivesTheServiceAndItsImports() {
    try (GenericClient c =
        GenericClient.protoReflection(
            "grpc.testing.TestService", ClientOptions.withHostPorts(hostPort()))) {
      assertThat(c.call("EmptyCall", "{}")).isEqualTo("{}");
      assertThat(c.call("UnaryCall", "{\"responseSize\": 3, \"payload\": {\"body\": \"AQI=\"}}"))
          .isEqualTo("{\"payload\":{\"body\":\"AAAA\"}}");
      assertThat(c.methods()).contains("UnaryCall", "FullDuplexCall");
      assertThatThrownBy(() ->
              c.call("UnaryCall", "{\"responseStatus\": {\"code\": 5, \"message\": \"not here\"}}"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.code()).isEqualTo(StatusCode.NOT_FOUND);
                assertThat(e.getMessage()).contains("not here");
              });
    }
  }

  @Test
  void reflectionListsEveryService() {
    try (Client c = Client.newClient("x", ClientOptions.withHostPorts(hostPort()))) {
      ProtoDescriptors d = ProtoDescriptors.fromReflection(c, CallOptions.DEFAULT);
      assertThat(d.serviceNames())
          .contains(
              "grpc.testing.TestService",
              "grpc.health.v1.Health",
              "grpc.reflection.v1.ServerReflection");
      assertThat(d.find("grpc.testing.SimpleRequest.response_size")).isPresent();
      assertThat(d.service("TestService").getFullName()).isEqualTo("grpc.testing.TestService");
    }
  }

  @Test
  void aServiceTheServerDoesNotHaveIsAClearError() {
    assertThatThrownBy(() ->
            GenericClient.protoReflection("NoSuchService", ClientOptions.withHostPorts(hostPort())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NoSuchService")
        .hasMessageContaining("grpc.testing.TestService");
    assertThatThrownBy(() ->
            GenericClient.protoReflection(
                "grpc.testing.NoSuchService", ClientOptions.withHostPorts(hostPort())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grpc.testing.NoSuchService");
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"GRPC", "TTHEADER"})
  void fromTheProtoFiles(Transport t) {
    ProtoDescriptors d = ProtoDescriptors.fromProto(TEST_PROTO, List.of(PROTO_ROOT));
    try (GenericClient c =
        GenericClient.proto(
            d,
            "TestService",
            ClientOptions.withHostPorts(hostPort()),
            ClientOptions.withTransport(t))) {
      assertThat(c.call("EmptyCall", "")).isEqualTo("{}");
      assertThat(c.call("UnaryCall", "{\"response_size\": 2}"))
          .isEqualTo("{\"payload\":{\"body\":\"AAA=\"}}");
    }
  }

  @Test
  void kitexProtobufRefusesTheUnframedTransport() {
    ProtoDescriptors d = ProtoDescriptors.fromProto(TEST_PROTO, List.of(PROTO_ROOT));
    try (GenericClient c =
        GenericClient.proto(
            d,
            "TestService",
            ClientOptions.withHostPorts(hostPort()),
            ClientOptions.withTransport(Transport.BUFFERED))) {
      assertThatThrownBy(() -> c.call("EmptyCall", "{}"))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNIMPLEMENTED));
    }
  }
}
