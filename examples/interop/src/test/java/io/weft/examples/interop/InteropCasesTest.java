package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client cases of docs/interop.md, Weft's client against Weft's interop server: every transport
 * on the one port, one by one and then all at once.
 */
class InteropCasesTest {
  private static Server server;

  @BeforeAll
  static void start() {
    server = InteropServer.create(0).start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({
    "ttheader, echo",
    "ttheader, oneway",
    "ttheader, all_types",
    "ttheader, declared_exception",
    "ttheader, void",
    "ttheader, timeout",
    "framed, echo",
    "framed, oneway",
    "framed, all_types",
    "framed, declared_exception",
    "framed, void",
    "framed, timeout",
    "buffered, echo",
    "buffered, oneway",
    "buffered, all_types",
    "buffered, declared_exception",
    "buffered, void",
    "buffered, timeout",
    "grpc-thrift, bidi",
    "grpc-thrift, client_stream",
    "grpc-thrift, server_stream",
    "grpc-proto-echo, bidi",
    "grpc-proto-echo, client_stream",
    "grpc-proto-echo, server_stream",
    "kitexpb, empty_unary",
    "kitexpb, large_unary",
    "grpc, empty_unary",
    "grpc, large_unary",
    "grpc, client_streaming",
    "grpc, server_streaming",
    "grpc, ping_pong"
  })
  void passes(String transport, String testCase) {
    assertThat(InteropClient.run("127.0.0.1", server.port(), transport, testCase)).isNull();
  }

  /**
   * Header values whose HPACK Huffman code is longer than their text (quotes, braces, backslashes,
   * control characters' neighbours): Helidon's own encoder overflows on them, so Weft writes such
   * blocks as plain literals, both ways.
   */
  @Test
  void metadataValuesLongerWhenHuffmanCoded() throws Exception {
    String value = "{\"json\":\"<\\\\~^|`>\"}" + "#$@[]!?".repeat(20);
    try (var client =
        io.weft.api.Client.newClient(
            "grpc.testing.TestService",
            io.weft.api.ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
            io.weft.api.ClientOptions.withTransport(io.weft.api.Transport.GRPC))) {
      var got = new io.weft.api.ResponseMetadata();
      io.grpc.testing.integration.testservice.TestServiceClient.of(client)
          .unaryCall(
              io.grpc.testing.integration.Messages.SimpleRequest.getDefaultInstance(),
              io.weft.api.CallOptions.DEFAULT
                  .withHeader(GrpcTestHandler.ECHO_INITIAL, value)
                  .captureResponse(got));
      assertThat(got.headers().get(GrpcTestHandler.ECHO_INITIAL)).isEqualTo(value);
    }
  }

  /**
   * Every protocol on the one port at the same time: the per-connection detection keeps them apart.
   */
  @Test
  void everyProtocolAtOnce() throws Exception {
    List<String[]> cases =
        List.of(
            new String[] {"ttheader", "all_types"},
            new String[] {"framed", "echo"},
            new String[] {"buffered", "declared_exception"},
            new String[] {"kitexpb", "large_unary"},
            new String[] {"grpc", "ping_pong"},
            new String[] {"grpc", "server_streaming"},
            new String[] {"grpc-thrift", "bidi"},
            new String[] {"grpc-thrift", "client_stream"},
            new String[] {"grpc-thrift", "server_stream"});
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> results = new ArrayList<>();
      for (int round = 0; round < 8; round++) {
        for (String[] c : cases) {
          results.add(
              executor.submit(() -> {
                String failure = InteropClient.run("127.0.0.1", server.port(), c[0], c[1]);
                return failure == null ? null : c[0] + "/" + c[1] + ": " + failure;
              }));
        }
      }
      for (Future<String> result : results) {
        assertThat(result.get()).isNull();
      }
    }
  }
}
