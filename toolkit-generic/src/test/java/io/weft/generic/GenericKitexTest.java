package io.weft.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.weft.api.ClientOptions;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.Transport;
import io.weft.examples.interop.PeerProcesses;
import io.weft.internal.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Against the real Kitex (interop/kitex, built with Go): Weft's generic client calling Kitex's
 * EchoService (unary over every transport, gRPC included) and StreamService (streaming generic
 * calls), and Kitex's generated clients calling Weft's generic server, streaming methods included.
 */
class GenericKitexTest {
  static PeerProcesses.KitexServers kitex;
  static Server weft;

  @BeforeAll
  static void start() throws Exception {
    try {
      PeerProcesses.kitexPeer();
      kitex = new PeerProcesses.KitexServers();
    } catch (IOException e) {
      fail("the Kitex peer did not start: " + e.getMessage());
    }
    weft =
        Server.builder()
            .addService(
                GenericServer.thrift(InteropIdl.IDL, "EchoService", new InteropIdl.EchoHandler()))
            .addService(
                GenericServer.thrift(
                    GenericStreamTest.STREAM_IDL,
                    "StreamService",
                    null,
                    GenericStreamTest::serveStream))
            .options(ServerOptions.withPort(0))
            .build()
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
      names = {"TTHEADER", "FRAMED", "BUFFERED"})
  void genericClientAgainstKitex(Transport t) {
    try (GenericClient c =
        GenericClient.thrift(
            InteropIdl.IDL,
            "EchoService",
            ClientOptions.withHostPorts("127.0.0.1:" + kitex.port("thrift")),
            ClientOptions.withTransport(t))) {
      assertThat(c.call("Echo", "{\"req\":{\"Msg\":\"to kitex ✓\"}}"))
          .isEqualTo("{\"Msg\":\"to kitex ✓\"}");
      String reply = c.call("RoundTrip", "{\"v\":" + InteropIdl.ALL_TYPES + "}");
      assertThat(reply).contains("\"i64v\":1152921504606846977").contains("\"bin\":\"AAH/fw==\"");
      assertThat(Json.parse(reply)).isEqualTo(InteropIdl.allTypesReply());
      assertThat(c.call("Ping", "")).isEqualTo("null");
      String tag = "generic-kitex-" + t;
      assertThat(c.call("VisitOneway", "{\"req\":{\"Msg\":\"" + tag + "\"}}")).isNull();
      InteropIdl.awaitOnewayCount(c, tag, 1);
      assertThatThrownBy(() -> c.call("Fail", "{\"code\":418,\"message\":\"teapot\"}"))
          .isInstanceOfSatisfying(
              GenericException.class,
              e -> {
                assertThat(e.typeName()).isEqualTo("EchoError");
                assertThat(e.json()).isEqualTo("{\"code\":418,\"message\":\"teapot\"}");
              });
    }
  }

  @Test
  void genericStreamsAgainstKitex() {
    try (GenericClient c =
        GenericClient.thrift(
            GenericStreamTest.STREAM_IDL,
            "StreamService",
            ClientOptions.withHostPorts("127.0.0.1:" + kitex.port("stream")))) {
      GenericStreamTest.allKinds(c);
    }
  }

  @Test
  void unaryGenericCallsOverGrpcAgainstKitex() {
    try (GenericClient c =
        GenericClient.thrift(
            InteropIdl.IDL,
            "EchoService",
            ClientOptions.withHostPorts("127.0.0.1:" + kitex.port("thrift")),
            ClientOptions.withTransport(Transport.GRPC))) {
      assertThat(c.call("Echo", "{\"req\":{\"Msg\":\"h2 to kitex ✓\"}}"))
          .isEqualTo("{\"Msg\":\"h2 to kitex ✓\"}");
      String reply = c.call("RoundTrip", "{\"v\":" + InteropIdl.ALL_TYPES + "}");
      assertThat(Json.parse(reply)).isEqualTo(InteropIdl.allTypesReply());
      assertThatThrownBy(() -> c.call("Fail", "{\"code\":418,\"message\":\"teapot\"}"))
          .isInstanceOfSatisfying(
              GenericException.class, e -> assertThat(e.typeName()).isEqualTo("EchoError"));
    }
  }

  @ParameterizedTest(name = "kitex stream client → weft generic stream server: {0}")
  @ValueSource(strings = {"bidi", "client_stream", "server_stream"})
  void kitexStreamClientAgainstGenericStreamServer(String testCase) throws Exception {
    assertThat(kitexClient(weft.port(), "grpc-thrift", testCase)).isNull();
  }

  @ParameterizedTest(name = "kitex client → weft generic server: {0}/{1}")
  @CsvSource({
    "ttheader, echo",
    "ttheader, oneway",
    "ttheader, all_types",
    "ttheader, declared_exception",
    "ttheader, void",
    "framed, echo",
    "framed, all_types",
    "framed, declared_exception",
    "buffered, echo",
    "buffered, all_types",
    "buffered, declared_exception",
  })
  void kitexClientAgainstGenericServer(String transport, String testCase) throws Exception {
    assertThat(kitexClient(weft.port(), transport, testCase)).isNull();
  }

  /** Runs {@code kitexpeer client}; null when the case passed, else its output. */
  static String kitexClient(int port, String transport, String testCase)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                PeerProcesses.kitexPeer().toString(),
                "client",
                "--addr",
                "127.0.0.1:" + port,
                "--transport",
                transport,
                "--case",
                testCase)
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "kitexpeer client did not finish within 60 s: " + out;
    }
    return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
  }
}
