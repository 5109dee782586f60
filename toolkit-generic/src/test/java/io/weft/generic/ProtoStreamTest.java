package io.weft.generic;

import static io.weft.generic.ProtoTestService.ENDED;
import static io.weft.generic.ProtoTestService.RECEIVED;
import static io.weft.generic.ProtoTestService.body;
import static io.weft.generic.ProtoTestService.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.CallOptions;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.MethodKind;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.examples.interop.InteropServer;
import io.weft.gen.proto.Protoc;
import io.weft.testing.TestServiceJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Protobuf streaming generic calls over real sockets: the generic client (descriptors from
 * reflection, a descriptor set or the .proto files) against Weft's generated
 * grpc.testing.TestService (examples/interop) and against a Protobuf generic server with a stream
 * handler; cancellation, deadlines, error statuses, bad JSON mid-stream, a handler's misfit
 * message, streaming methods without a stream handler.
 */
class ProtoStreamTest {
  static Server generated;
  static Server generic;
  static ProtoDescriptors testProto;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    generated = InteropServer.create(0).start();
    testProto =
        ProtoDescriptors.fromProto(
            ProtoInteropTest.TEST_PROTO, List.of(ProtoInteropTest.PROTO_ROOT));
    generic =
        Server.newServer(
                GenericServer.proto(
                    testProto, "TestService", TestServiceJson::unary, ProtoTestService::streams),
                ServerOptions.withPort(0))
            .start();
  }

  @AfterAll
  static void stop() {
    if (generated != null) {
      generated.stop();
    }
    if (generic != null) {
      generic.stop();
    }
  }

  @BeforeEach
  void clear() {
    RECEIVED.clear();
    ENDED.clear();
  }

  static String hostPort(Server server) {
    return "127.0.0.1:" + server.port();
  }

  static GenericClient client(Server server, ClientOption... more) {
    ClientOption[] options = new ClientOption[more.length + 1];
    options[0] = ClientOptions.withHostPorts(hostPort(server));
    System.arraycopy(more, 0, options, 1, more.length);
    return GenericClient.proto(testProto, "grpc.testing.TestService", options);
  }

  /** Every response of a stream until its clean end. */
  static List<String> drain(GenericStream s) {
    List<String> got = new ArrayList<>();
    for (String r : s) { // a GenericStream is a StreamReader: iterates to the clean end
      got.add(r);
    }
    return got;
  }

  /** TestService's four streaming methods against {@code c}, as the interop cases check them. */
  static void allKinds(GenericClient c) {
    assertThat(c.kind("StreamingOutputCall")).isEqualTo(MethodKind.SERVER_STREAMING);
    try (GenericStream s = c.stream("StreamingOutputCall")) {
      assertThat(s.kind()).isEqualTo(MethodKind.SERVER_STREAMING);
      s.send(request(0, 31415, 9, 2653, 58979));
      assertThat(drain(s)).containsExactly(body(31415), body(9), body(2653), body(58979));
    }
    try (GenericStream s = c.stream("StreamingInputCall")) {
      assertThat(s.kind()).isEqualTo(MethodKind.CLIENT_STREAMING);
      for (int size : new int[] {27182, 8, 1828, 45904}) {
        s.send(request(size));
      }
      s.closeSend();
      assertThat(s.recv()).isEqualTo("{\"aggregatedPayloadSize\":74922}");
      assertThat(s.recv()).isNull();
    }
    try (GenericStream s = c.stream("grpc.testing.TestService/FullDuplexCall")) {
      assertThat(s.kind()).isEqualTo(MethodKind.BIDI_STREAMING);
      int[] sizes = {31415, 9, 2653, 58979};
      for (int size : sizes) {
        s.send(request(27182, size));
        assertThat(s.recv()).isEqualTo(body(size)); // ping-pong: each answer before the next
      }
      s.closeSend();
      assertThat(s.recv()).isNull();
    }
    try (GenericStream s = c.stream("HalfDuplexCall")) {
      assertThat(s.kind()).isEqualTo(MethodKind.BIDI_STREAMING);
      s.send(request(1, 3, 4));
      s.send("{\"response_parameters\": [{\"size\": 5}]}"); // the .proto's own field name
      s.closeSend();
      assertThat(drain(s)).containsExactly(body(3), body(4), body(5));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"reflection", "descriptor set", "proto files", "ttheader client"})
  void everyKindAgainstWeftsGeneratedServer(String descriptors) throws Exception {
    String at = hostPort(generated);
    GenericClient c =
        switch (descriptors) {
          case "reflection" ->
              GenericClient.protoReflection("TestService", ClientOptions.withHostPorts(at));
          case "descriptor set" -> {
            Path set = dir.resolve("test.protoset");
            Files.write(
                set,
                Protoc.compile(
                        Protoc.find(),
                        ProtoInteropTest.TEST_PROTO,
                        List.of(ProtoInteropTest.PROTO_ROOT),
                        null)
                    .descriptors()
                    .toByteArray());
            yield GenericClient.proto(
                ProtoDescriptors.fromDescriptorSet(set),
                "grpc.testing.TestService",
                ClientOptions.withHostPorts(at));
          }
          case "proto files" -> client(generated);
          // a client built for Kitex Protobuf still streams over gRPC
          default -> client(generated, ClientOptions.withTransport(Transport.TTHEADER));
        };
    try (c) {
      allKinds(c);
      assertThat(c.call("UnaryCall", "{\"responseSize\": 1}")).isEqualTo(body(1));
    }
  }

  @Test
  void everyKindAgainstTheGenericStreamServer() throws InterruptedException {
    try (GenericClient c =
        GenericClient.protoReflection(
            "grpc.testing.TestService", ClientOptions.withHostPorts(hostPort(generic)))) {
      allKinds(c);
      assertThat(c.call("UnaryCall", "{\"responseSize\": 2}")).isEqualTo(body(2));
    }
    for (int i = 0; i < 4; i++) {
      assertThat(ENDED.poll(10, TimeUnit.SECONDS)).isEqualTo("OK");
    }
    assertThat(RECEIVED.peek())
        .isEqualTo(
            "{\"responseParameters\":[{\"size\":31415},{\"size\":9},{\"size\":2653},"
                + "{\"size\":58979}],\"payload\":{}}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"generated", "generic"})
  void anErrorStatusEndsTheStream(String which) {
    try (GenericClient c = client(which.equals("generated") ? generated : generic);
        GenericStream s = c.stream("FullDuplexCall")) {
      s.send(request(1, 2));
      assertThat(s.recv()).isEqualTo(body(2));
      s.send("{\"responseStatus\": {\"code\": 9, \"message\": \"not now ✓\"}}");
      assertThatThrownBy(s::recv)
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.code()).isEqualTo(StatusCode.FAILED_PRECONDITION);
                assertThat(e.getMessage()).contains("not now ✓");
              });
    }
  }

  @Test
  void cancelEndsBothSides() throws Exception {
    try (GenericClient c = client(generic);
        GenericStream s = c.stream("FullDuplexCall")) {
      s.send(request(1, 1));
      assertThat(s.recv()).isEqualTo(body(1));
      CompletableFuture<String> blocked = new CompletableFuture<>();
      Thread.ofVirtual()
          .start(() -> {
            try {
              blocked.complete(s.recv());
            } catch (RuntimeException e) {
              blocked.completeExceptionally(e);
            }
          });
      s.cancel();
      assertThatThrownBy(() -> blocked.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.CANCELLED));
      assertThat(ENDED.poll(10, TimeUnit.SECONDS)).isEqualTo("CANCELLED");
      assertThatThrownBy(() -> s.send(request(1)))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.CANCELLED));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"generated", "generic"})
  void theDeadlineCoversTheStream(String which) throws InterruptedException {
    try (GenericClient c = client(which.equals("generated") ? generated : generic);
        GenericStream s = c.stream("FullDuplexCall", CallOptions.timeout(Duration.ofMillis(300)))) {
      s.send(request(1, 3));
      assertThat(s.recv()).isEqualTo(body(3));
      assertThatThrownBy(s::recv) // the server waits for more; the deadline ends the call
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED));
    }
    if (which.equals("generic")) {
      assertThat(ENDED.poll(10, TimeUnit.SECONDS)).isIn("DEADLINE_EXCEEDED", "CANCELLED");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"responseParameters\": 5}",
        "{\"responseParameters\":",
        "{\"nope\": 1}",
        "[]",
        "{\"payload\": {\"body\": \"not base64!\"}}"
      })
  void badJsonMidStreamCancelsAndSendsNothingOfIt(String bad) throws Exception {
    try (GenericClient c = client(generic);
        GenericStream s = c.stream("FullDuplexCall")) {
      s.send(request(1, 1));
      assertThat(s.recv()).isEqualTo(body(1));
      assertThatThrownBy(() -> s.send(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "FullDuplexCall request: the JSON does not fit grpc.testing.StreamingOutputCallRequest");
      assertThatThrownBy(s::recv)
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.CANCELLED));
      assertThat(ENDED.poll(10, TimeUnit.SECONDS)).isEqualTo("CANCELLED");
      assertThat(RECEIVED).hasSize(1);
    }
  }

  @Test
  void aBadFirstRequestOfAServerStreamStartsNoCall() {
    try (GenericClient c = client(generic)) {
      long calls = c.client().stats().calls();
      try (GenericStream s = c.stream("StreamingOutputCall")) {
        assertThatThrownBy(() -> s.send("{\"responseParameters\": [{\"size\": \"x\"}]}"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("StreamingOutputCall request:");
        assertThatThrownBy(() -> s.send(request(0, 1)))
            .isInstanceOfSatisfying(
                RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.CANCELLED));
      }
      assertThat(c.client().stats().calls()).isEqualTo(calls);
      assertThat(RECEIVED).isEmpty();
    }
  }

  @Test
  void aHandlersMessageThatDoesNotFitIsInternal() {
    try (GenericClient c = client(generic);
        GenericStream s = c.stream("StreamingOutputCall")) {
      s.send(request(0, 1, -1));
      assertThat(s.recv()).isEqualTo(body(1));
      assertThatThrownBy(s::recv)
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.code()).isEqualTo(StatusCode.INTERNAL);
                assertThat(e.getMessage())
                    .contains("StreamingOutputCall response: the JSON does not fit")
                    .contains("nope");
              });
    }
  }

  @Test
  void withoutAStreamHandlerStreamingMethodsAreUnimplemented() {
    Server bare =
        Server.newServer(
                GenericServer.proto(testProto, "TestService", TestServiceJson::unary),
                ServerOptions.withPort(0))
            .start();
    try (GenericClient c = client(bare)) {
      assertThat(c.call("EmptyCall", "")).isEqualTo("{}");
      for (String method :
          List.of(
              "StreamingOutputCall", "StreamingInputCall", "FullDuplexCall", "HalfDuplexCall")) {
        try (GenericStream s = c.stream(method)) {
          // the status comes at once: from recv, or from the server-streaming call's one send
          assertThatThrownBy(
                  () -> {
                    if (s.kind() == MethodKind.SERVER_STREAMING) {
                      s.send("{}");
                    }
                    s.recv(); // a client-streaming recv half-closes first
                  })
              .isInstanceOfSatisfying(
                  RpcException.class,
                  e -> {
                    assertThat(e.code()).isEqualTo(StatusCode.UNIMPLEMENTED);
                    assertThat(e.getMessage()).contains("grpc.testing.TestService/" + method);
                  });
        }
      }
    } finally {
      bare.stop();
    }
  }

  @Test
  void streamingAndUnaryMethodsAreNotMixedUp() {
    try (GenericClient c = client(generic)) {
      assertThat(c.kind("UnaryCall")).isEqualTo(MethodKind.UNARY);
      assertThat(c.kind("HalfDuplexCall")).isEqualTo(MethodKind.BIDI_STREAMING);
      assertThat(c.kind("StreamingInputCall")).isEqualTo(MethodKind.CLIENT_STREAMING);
      assertThatThrownBy(() -> c.call("FullDuplexCall", "{}"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "grpc.testing.TestService.FullDuplexCall is a streaming method (BIDI_STREAMING):"
                  + " open it with stream(\"FullDuplexCall\")");
      assertThatThrownBy(() -> c.stream("UnaryCall"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "grpc.testing.TestService.UnaryCall is not a streaming method: call it with"
                  + " call(...)");
      assertThatThrownBy(() -> c.stream("Nope"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("has no method Nope");
    }
  }
}
