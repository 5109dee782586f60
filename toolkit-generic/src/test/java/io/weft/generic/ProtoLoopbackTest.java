package io.weft.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.gen.proto.Protoc;
import io.weft.internal.wire.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Protobuf generic client against a Protobuf generic server over real sockets, both driven by
 * kinds.proto (compiled by protoc at run time): every kind of field of the proto3 JSON mapping,
 * well-known types and Any included, over gRPC and Kitex Protobuf; errors before anything is sent.
 */
class ProtoLoopbackTest {
  static final Path PROTO = Path.of("src/test/resources/generic/proto/kinds.proto");
  static final AtomicInteger HANDLED = new AtomicInteger();
  static Server server;
  static ProtoDescriptors descriptors;

  /** An Item with every kind of field set, as the client sends it (some names the .proto's own). */
  static final String ITEM =
      """
      {"name": "päß ✓", "big": "1152921504606846977", "data": "AAH/fw==", "color": "BLUE",
       "nums": [1, 2, 3], "counts": {"a": "-9223372036854775808"}, "child": {"name": "kid"},
       "at": "2024-01-02T03:04:05.123Z", "took": "1.500s", "maybe": 0,
       "extra": {"k": [1.5, "x", null, true]},
       "any": {"@type": "type.googleapis.com/weft.generic.test.Item", "name": "inside"},
       "ratio": 0.25, "unsigned_big": "18446744073709551615"}\
      """;

  /** The same, as the canonical mapping prints it. */
  static final String ITEM_PRINTED =
      "{\"name\":\"päß ✓\",\"big\":\"1152921504606846977\",\"data\":\"AAH/fw==\","
          + "\"color\":\"BLUE\",\"nums\":[1,2,3],\"counts\":{\"a\":\"-9223372036854775808\"},"
          + "\"child\":{\"name\":\"kid\"},\"at\":\"2024-01-02T03:04:05.123Z\",\"took\":\"1.500s\","
          + "\"maybe\":0,\"extra\":{\"k\":[1.5,\"x\",null,true]},"
          + "\"any\":{\"@type\":\"type.googleapis.com/weft.generic.test.Item\",\"name\":\"inside\"},"
          + "\"ratio\":0.25,\"unsignedBig\":\"18446744073709551615\"}";

  @BeforeAll
  static void start() {
    descriptors = ProtoDescriptors.fromProto(List.of(PROTO), List.of());
    server =
        Server.newServer(
                GenericServer.proto(descriptors, "Kinds", ProtoLoopbackTest::handle),
                ServerOptions.withPort(0))
            .start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @SuppressWarnings("unchecked")
  static String handle(String method, String json) {
    HANDLED.incrementAndGet();
    if (method.equals("Nothing")) {
      return null;
    }
    Map<String, Object> item = (Map<String, Object>) Json.parse(json);
    return switch (String.valueOf(item.get("name"))) {
      case "missing" -> throw Status.of(StatusCode.NOT_FOUND, "no such item").asException();
      case "bad-reply" -> "{\"nope\": 1}";
      default -> json;
    };
  }

  static GenericClient client(Transport t) {
    return GenericClient.proto(
        descriptors,
        "weft.generic.test.Kinds",
        ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
        ClientOptions.withTransport(t));
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"GRPC", "TTHEADER", "TTHEADER_FRAMED", "FRAMED"})
  void everyKindOfFieldRoundTrips(Transport t) {
    try (GenericClient c = client(t)) {
      assertThat(c.call("Echo", ITEM)).isEqualTo(ITEM_PRINTED);
      assertThat(c.call("Nothing", "")).isEqualTo("{}");
      assertThat(c.call("Echo", "{}")).isEqualTo("{}");
      Object value =
          c.call("Echo", Map.of("name", "map form", "big", 1L << 60, "nums", List.of(7)));
      assertThat(Json.write(value))
          .isEqualTo("{\"name\":\"map form\",\"big\":\"1152921504606846976\",\"nums\":[7]}");
    }
  }

  @Test
  void grpcIsTheDefaultTransport() {
    try (GenericClient c =
        GenericClient.proto(
            descriptors, "Kinds", ClientOptions.withHostPorts("127.0.0.1:" + server.port()))) {
      assertThat(c.client().config().transport()).isEqualTo(Transport.GRPC);
      assertThat(c.call("Echo", "{\"name\":\"x\"}")).isEqualTo("{\"name\":\"x\"}");
      assertThat(c.methods()).containsExactly("Echo", "Nothing", "Watch");
    }
  }

  @Test
  void theServersReflectionListsTheGenericService() {
    try (GenericClient c =
        GenericClient.protoReflection(
            "Kinds", ClientOptions.withHostPorts("127.0.0.1:" + server.port()))) {
      assertThat(c.call("Echo", ITEM)).isEqualTo(ITEM_PRINTED);
    }
  }

  @Test
  void aDescriptorSetWorksAsTheProtoFile(@TempDir Path dir) throws Exception {
    Path set = dir.resolve("kinds.protoset");
    Files.write(
        set,
        Protoc.compile(Protoc.find(), List.of(PROTO), List.of(), null).descriptors().toByteArray());
    try (GenericClient c =
        GenericClient.proto(
            ProtoDescriptors.fromDescriptorSet(set),
            "Kinds",
            ClientOptions.withHostPorts("127.0.0.1:" + server.port()))) {
      assertThat(c.call("Echo", ITEM)).isEqualTo(ITEM_PRINTED);
    }
  }

  @Test
  void aSetWithoutItsImportsWorksOnlyForTheWellKnownTypes(@TempDir Path dir) throws Exception {
    Path kinds = dir.resolve("kinds.protoset");
    Files.write(kinds, onlyTheSources(List.of(PROTO), List.of()).toByteArray());
    try (GenericClient c =
        GenericClient.proto(
            ProtoDescriptors.fromDescriptorSet(kinds),
            "Kinds",
            ClientOptions.withHostPorts("127.0.0.1:" + server.port()))) {
      assertThat(c.call("Echo", ITEM)).isEqualTo(ITEM_PRINTED);
    }
    Path test = dir.resolve("test.protoset");
    Files.write(
        test,
        onlyTheSources(ProtoInteropTest.TEST_PROTO, List.of(ProtoInteropTest.PROTO_ROOT))
            .toByteArray());
    assertThatThrownBy(() -> ProtoDescriptors.fromDescriptorSet(test))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grpc/testing/test.proto imports grpc/testing/empty.proto")
        .hasMessageContaining("--include_imports");
  }

  /** The descriptor set protoc writes without --include_imports: the sources' files alone. */
  static com.google.protobuf.DescriptorProtos.FileDescriptorSet onlyTheSources(
      List<Path> sources, List<Path> includes) throws Exception {
    Protoc.Compiled c = Protoc.compile(Protoc.find(), sources, includes, null);
    var b = com.google.protobuf.DescriptorProtos.FileDescriptorSet.newBuilder();
    c.descriptors().getFileList().stream()
        .filter(f -> c.sourceNames().contains(f.getName()))
        .forEach(b::addFile);
    return b.build();
  }

  @Test
  void badInputFailsBeforeAnythingIsSent() {
    try (GenericClient c = client(Transport.GRPC)) {
      int before = HANDLED.get();
      long calls = c.client().stats().calls();
      assertThatThrownBy(() -> c.call("Nope", "{}"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("has no method Nope")
          .hasMessageContaining("[Echo, Nothing, Watch]");
      assertThatThrownBy(() -> c.call("Echo", "{\"nmae\": \"x\"}"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("weft.generic.test.Item")
          .hasMessageContaining("nmae");
      assertThatThrownBy(() -> c.call("Echo", "{\"big\": \"twelve\"}"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> c.call("Echo", "{\"color\": \"GREEN\"}"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> c.call("Echo", "[1")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> c.call("Watch", "{}"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "weft.generic.test.Kinds.Watch is a streaming method (SERVER_STREAMING): open it"
                  + " with stream(\"Watch\")");
      assertThat(c.client().stats().calls()).isEqualTo(calls);
      assertThat(HANDLED.get()).isEqualTo(before);
    }
  }

  @Test
  void handlerErrorsArriveAsTheirStatus() {
    try (GenericClient c = client(Transport.GRPC)) {
      assertThatThrownBy(() -> c.call("Echo", "{\"name\":\"missing\"}"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.code()).isEqualTo(StatusCode.NOT_FOUND);
                assertThat(e.getMessage()).contains("no such item");
              });
      assertThatThrownBy(() -> c.call("Echo", "{\"name\":\"bad-reply\"}"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.code()).isEqualTo(StatusCode.INTERNAL);
                assertThat(e.getMessage()).contains("does not fit").contains("nope");
              });
    }
  }

  @Test
  void unknownServicesAndFilesAreClearErrors(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> GenericServer.proto(descriptors, "Shapes", (m, j) -> j))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no service Shapes")
        .hasMessageContaining("weft.generic.test.Kinds");
    Path bad = dir.resolve("bad.proto");
    Files.writeString(bad, "syntax = \"proto3\";\nmessage M { strin x = 1; }\n");
    assertThatThrownBy(() -> ProtoDescriptors.fromProto(List.of(bad), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.proto:2");
    Path notASet = dir.resolve("x.protoset");
    Files.writeString(notASet, "not a descriptor set");
    assertThatThrownBy(() -> ProtoDescriptors.fromDescriptorSet(notASet))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a descriptor set");
  }
}
