package io.weft.examples.grpcpeer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoFileDescriptorSupplier;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.ClientCalls;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.EchoStatus;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.generic.GenericClient;
import io.weft.generic.GenericServer;
import io.weft.generic.GenericServerStream;
import io.weft.generic.GenericStream;
import io.weft.generic.ProtoDescriptors;
import io.weft.internal.wire.Json;
import io.weft.testing.TestServiceJson;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Protobuf generic client against grpc-java's server, its descriptors from grpc-java's
 * reflection service (v1, and v1alpha alone, which the client falls back to), unary and streaming
 * methods; and grpc-java's client against the Protobuf generic server: unary, streaming (the
 * interop cases, cancellation and deadline included) and a server without a stream handler.
 */
class GenericGrpcJavaTest {
  /** grpc-java's TestService with its .proto attached, so that reflection lists it. */
  static ServerServiceDefinition describedTestService() {
    ServerServiceDefinition plain = GrpcJavaTestService.service();
    ServiceDescriptor.Builder d =
        ServiceDescriptor.newBuilder(GrpcJavaTestService.SERVICE)
            .setSchemaDescriptor(
                (ProtoFileDescriptorSupplier) io.grpc.testing.integration.Test::getDescriptor);
    for (ServerMethodDefinition<?, ?> m : plain.getMethods()) {
      d.addMethod(m.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(d.build());
    for (ServerMethodDefinition<?, ?> m : plain.getMethods()) {
      b.addMethod(m);
    }
    return b.build();
  }

  static void againstGrpcJava(BindableService reflection) throws Exception {
    io.grpc.Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(describedTestService())
            .addService(reflection)
            .build()
            .start();
    try (GenericClient c =
        GenericClient.protoReflection(
            "grpc.testing.TestService",
            ClientOptions.withHostPorts("127.0.0.1:" + server.getPort()))) {
      assertThat(c.call("EmptyCall", "{}")).isEqualTo("{}");
      assertThat(c.call("UnaryCall", "{\"responseSize\": 5}"))
          .isEqualTo("{\"payload\":{\"body\":\"AAAAAAA=\"}}");
      assertThatThrownBy(() ->
              c.call("UnaryCall", "{\"responseStatus\": {\"code\": 9, \"message\": \"not now\"}}"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.code()).isEqualTo(StatusCode.FAILED_PRECONDITION);
                assertThat(e.getMessage()).contains("not now");
              });
      streams(c);
    } finally {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** A response of {@code size} zero bytes as the generic client prints it. */
  static String body(int size) {
    return "{\"payload\":{\"body\":\""
        + Base64.getEncoder().encodeToString(new byte[size])
        + "\"}}";
  }

  /** TestService's four streaming methods through the generic client. */
  static void streams(GenericClient c) {
    try (GenericStream s = c.stream("StreamingOutputCall")) {
      s.send("{\"responseParameters\": [{\"size\": 1}, {\"size\": 2}]}");
      assertThat(s.recv()).isEqualTo(body(1));
      assertThat(s.recv()).isEqualTo(body(2));
      assertThat(s.recv()).isNull();
    }
    try (GenericStream s = c.stream("StreamingInputCall")) {
      s.send("{\"payload\": {\"body\": \"AAE=\"}}");
      s.send("{\"payload\": {\"body\": \"AAEC\"}}");
      assertThat(s.recv()).isEqualTo("{\"aggregatedPayloadSize\":5}"); // recv half-closes
      assertThat(s.recv()).isNull();
    }
    try (GenericStream s =
        c.stream(
            "FullDuplexCall",
            io.weft.api.CallOptions.DEFAULT.withHeader("x-grpc-test-echo-initial", "hi there"))) {
      for (int size : new int[] {3, 31415}) {
        s.send("{\"responseParameters\": [{\"size\": " + size + "}]}");
        assertThat(s.recv()).isEqualTo(body(size));
      }
      assertThat(s.headers().get("x-grpc-test-echo-initial")).isEqualTo("hi there");
      s.closeSend();
      assertThat(s.recv()).isNull();
    }
    try (GenericStream s = c.stream("HalfDuplexCall")) {
      s.send("{\"responseParameters\": [{\"size\": 4}]}");
      s.send("{\"responseParameters\": [{\"size\": 5}, {\"size\": 6}]}");
      s.closeSend();
      assertThat(s.recv()).isEqualTo(body(4));
      assertThat(s.recv()).isEqualTo(body(5));
      assertThat(s.recv()).isEqualTo(body(6));
      assertThat(s.recv()).isNull();
    }
    try (GenericStream s = c.stream("FullDuplexCall")) {
      s.send("{\"responseStatus\": {\"code\": 7, \"message\": \"no entry\"}}");
      assertThatThrownBy(s::recv)
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.code()).isEqualTo(StatusCode.PERMISSION_DENIED);
                assertThat(e.getMessage()).contains("no entry");
              });
    }
  }

  @Test
  void genericClientThroughGrpcJavasReflectionV1() throws Exception {
    againstGrpcJava(ProtoReflectionServiceV1.newInstance());
  }

  @Test
  @SuppressWarnings("deprecation") // v1alpha alone, as older servers have it
  void genericClientFallsBackToReflectionV1alpha() throws Exception {
    againstGrpcJava(ProtoReflectionService.newInstance());
  }

  /** grpc.testing.TestService's streaming methods as a generic stream handler over JSON. */
  static void testStreams(String method, GenericServerStream stream) {
    switch (method) {
      case "StreamingOutputCall" -> respond(stream.recv(), stream);
      case "StreamingInputCall" -> {
        int sum = 0;
        for (String m : stream) {
          if (request(m).get("payload") instanceof Map<?, ?> p
              && p.get("body") instanceof String b) {
            sum += Base64.getDecoder().decode(b).length;
          }
        }
        stream.send(Json.write(Map.of("aggregatedPayloadSize", sum)));
      }
      case "FullDuplexCall" -> {
        for (String m : stream) {
          respond(m, stream);
        }
      }
      case "HalfDuplexCall" -> {
        List<String> all = new ArrayList<>();
        for (String m : stream) {
          all.add(m);
        }
        for (String m : all) {
          respond(m, stream);
        }
      }
      default -> throw new IllegalStateException("no stream method " + method);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> request(String json) {
    return (Map<String, Object>) Json.parse(json);
  }

  /** Fails the call with the request's responseStatus, or sends the responses it asks for. */
  @SuppressWarnings("unchecked")
  private static void respond(String json, GenericServerStream stream) {
    Map<String, Object> req = request(json);
    if (req.get("responseStatus") instanceof Map<?, ?> s) {
      throw Status.of(
              StatusCode.fromValue(((Number) s.get("code")).intValue()),
              String.valueOf(s.get("message")))
          .asException();
    }
    if (req.get("responseParameters") instanceof List<?> params) {
      for (Object p : params) {
        int size = ((Map<String, Object>) p).get("size") instanceof Number n ? n.intValue() : 0;
        stream.send(body(size));
      }
    }
  }

  @ParameterizedTest(name = "grpc-java client → weft generic proto stream server: {0}")
  @ValueSource(
      strings = {
        "client_streaming",
        "server_streaming",
        "ping_pong",
        "empty_stream",
        "cancel_after_begin",
        "cancel_after_first_response",
        "timeout_on_sleeping_server",
        "large_unary",
      })
  void grpcJavaClientStreamsWithTheGenericServer(String testCase) throws Exception {
    Path root = Path.of("../interop/src/main/proto");
    ProtoDescriptors d =
        ProtoDescriptors.fromProto(List.of(root.resolve("grpc/testing/test.proto")), List.of(root));
    Server weft =
        Server.newServer(
                GenericServer.proto(
                    d,
                    "grpc.testing.TestService",
                    TestServiceJson::unary,
                    GenericGrpcJavaTest::testStreams),
                ServerOptions.withPort(0))
            .start();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", weft.port())
            .usePlaintext()
            .maxInboundMessageSize(16 << 20)
            .build();
    try {
      GrpcJavaCases.run(channel, testCase);
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      weft.stop();
    }
  }

  @Test
  void grpcJavaClientAgainstTheGenericServer() throws Exception {
    Path root = Path.of("../interop/src/main/proto");
    ProtoDescriptors d =
        ProtoDescriptors.fromProto(List.of(root.resolve("grpc/testing/test.proto")), List.of(root));
    Server weft =
        Server.newServer(
                GenericServer.proto(d, "grpc.testing.TestService", TestServiceJson::unary),
                ServerOptions.withPort(0))
            .start();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", weft.port())
            .usePlaintext()
            .maxInboundMessageSize(16 << 20)
            .build();
    try {
      assertThat(
              ClientCalls.blockingUnaryCall(
                  channel,
                  GrpcJavaTestService.EMPTY_CALL,
                  io.grpc.CallOptions.DEFAULT,
                  Empty.getDefaultInstance()))
          .isEqualTo(Empty.getDefaultInstance());
      SimpleResponse r =
          ClientCalls.blockingUnaryCall(
              channel,
              GrpcJavaTestService.UNARY_CALL,
              io.grpc.CallOptions.DEFAULT,
              SimpleRequest.newBuilder().setResponseSize(314159).build());
      assertThat(r.getPayload().getBody().size()).isEqualTo(314159);
      assertThatThrownBy(() ->
              ClientCalls.blockingUnaryCall(
                  channel,
                  GrpcJavaTestService.UNARY_CALL,
                  io.grpc.CallOptions.DEFAULT,
                  SimpleRequest.newBuilder()
                      .setResponseStatus(
                          EchoStatus.newBuilder().setCode(2).setMessage("test status message"))
                      .build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNKNOWN);
                assertThat(e.getStatus().getDescription()).isEqualTo("test status message");
              });
      assertThatThrownBy(() ->
              ClientCalls.blockingServerStreamingCall(
                      channel,
                      GrpcJavaTestService.STREAMING_OUTPUT_CALL,
                      io.grpc.CallOptions.DEFAULT,
                      io.grpc.testing.integration.Messages.StreamingOutputCallRequest
                          .getDefaultInstance())
                  .hasNext())
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e ->
                  assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNIMPLEMENTED));
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      weft.stop();
    }
  }
}
