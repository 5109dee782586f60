package io.weft.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.weft.api.ClientOptions;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.Transport;
import io.weft.examples.interop.PeerProcesses;
import io.weft.testing.TestServiceJson;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Against the real Kitex (interop/kitex): the Protobuf generic client calling Kitex's
 * grpc.testing.TestService over Kitex Protobuf and gRPC (its streaming methods too), and Kitex's
 * generated client calling a Protobuf generic server (unary and streaming).
 */
class ProtoKitexTest {
  static PeerProcesses.KitexServers kitex;
  static Server weft;
  static ProtoDescriptors testProto;

  @BeforeAll
  static void start() throws Exception {
    try {
      PeerProcesses.kitexPeer();
      kitex = new PeerProcesses.KitexServers();
    } catch (IOException e) {
      fail("the Kitex peer did not start: " + e.getMessage());
    }
    testProto =
        ProtoDescriptors.fromProto(
            ProtoInteropTest.TEST_PROTO, java.util.List.of(ProtoInteropTest.PROTO_ROOT));
    weft =
        Server.newServer(
                GenericServer.proto(
                    testProto, "TestService", TestServiceJson::unary, ProtoTestService::streams),
                ServerOptions.withPort(0))
            .start();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (weft != null) {
      weft.stop();
    }
    if (kitex != null) {
      kitex.close();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"TTHEADER", "TTHEADER_FRAMED", "GRPC"})
  void genericClientAgainstKitex(Transport t) {
    try (GenericClient c =
        GenericClient.proto(
            testProto,
            "grpc.testing.TestService",
            ClientOptions.withHostPorts("127.0.0.1:" + kitex.port("testservice")),
            ClientOptions.withTransport(t))) {
      assertThat(c.call("EmptyCall", "{}")).isEqualTo("{}");
      assertThat(c.call("UnaryCall", "{\"responseSize\": 4}"))
          .isEqualTo("{\"payload\":{\"body\":\"AAAAAA==\"}}");
    }
  }

  @Test
  void genericClientStreamsAgainstKitex() {
    try (GenericClient c =
        GenericClient.proto(
            testProto,
            "grpc.testing.TestService",
            ClientOptions.withHostPorts("127.0.0.1:" + kitex.port("testservice")))) {
      ProtoStreamTest.allKinds(c);
    }
  }

  @ParameterizedTest(name = "kitex client → weft generic proto server: {0}/{1}")
  @CsvSource({
    "kitexpb, empty_unary",
    "kitexpb, large_unary",
    "grpc, empty_unary",
    "grpc, large_unary",
    "grpc, status_code_and_message",
    "grpc, client_streaming",
    "grpc, server_streaming",
    "grpc, ping_pong",
  })
  void kitexClientAgainstGenericServer(String transport, String testCase) throws Exception {
    assertThat(GenericKitexTest.kitexClient(weft.port(), transport, testCase)).isNull();
  }
}
