package io.weft.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.internal.wire.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A generic client against a generic server over a real socket, both driven by shapes.thrift:
 * includes, typedefs, a union, defaults, enums, a base service, declared exceptions, oneway.
 */
class GenericLoopbackTest {
  static final List<Path> IDL = List.of(Path.of("src/test/resources/generic/shapes.thrift"));
  static final LinkedBlockingQueue<String> LOGGED = new LinkedBlockingQueue<>();
  static Server server;
  static GenericClient client;

  @BeforeAll
  static void start() {
    server =
        Server.newServer(
                GenericServer.thrift(IDL, "Shapes", GenericLoopbackTest::handle),
                ServerOptions.withPort(0))
            .start();
    client =
        GenericClient.thrift(
            IDL, "Shapes", ClientOptions.withHostPorts("127.0.0.1:" + server.port()));
  }

  @AfterAll
  static void stop() {
    client.close();
    server.stop();
  }

  @SuppressWarnings("unchecked")
  static String handle(String method, String jsonArgs) {
    Map<String, Object> args = (Map<String, Object>) Json.parse(jsonArgs);
    switch (method) {
      case "Hello":
        return Json.write("hello " + args.get("name"));
      case "Draw":
        return Json.write(args.get("d"));
      case "Find":
        long id = ((Number) args.get("id")).longValue();
        if (id == 1) {
          throw new GenericException("NotFound", "{\"what\":\"drawing 1\"}");
        }
        if (id == 2) {
          throw new GenericException("busy", "{\"retryAfter\":5}"); // by field name
        }
        if (id == 3) {
          return "{\"id\":\"not a number\"}";
        }
        if (id == 4) {
          throw new GenericException("Gone", "{}");
        }
        return "{\"id\":" + id + ",\"shape\":{\"label\":\"found\"}}";
      case "Clear", "Chain":
        return null;
      case "Log":
        LOGGED.add((String) args.get("line"));
        return null;
      default:
        throw new IllegalStateException(method);
    }
  }

  @Test
  void structsUnionsTypedefsIncludesAndDefaults() {
    String reply =
        client.call(
            "Draw",
            """
            {"d": {"id": 1152921504606846977, "shape": {"line": [{"x": 1, "y": 2}, {"x": -3}]},
                   "notes": {"1": "low", "HIGH": "high"}, "flags": {"-9223372036854775808": true},
                   "tags": ["a"], "ref": "123e4567-e89b-12d3-a456-426614174000"},
             "scale": 2}\
            """);
    // Defaults filled in (width 3, level HIGH = 2, y 7); enum map keys by number; i64 exact.
    assertThat(reply)
        .isEqualTo(
            "{\"id\":1152921504606846977,\"shape\":{\"line\":[{\"x\":1,\"y\":2},{\"x\":-3,\"y\":7}]},"
                + "\"width\":3,\"level\":2,\"notes\":{\"1\":\"low\",\"2\":\"high\"},\"flags\":{\"-9223372036854775808\":true},"
                + "\"tags\":[\"a\"],\"ref\":\"123e4567-e89b-12d3-a456-426614174000\"}");
  }

  @Test
  void enumValuesTheIdlDoesNotNameAreKept() {
    assertThat(client.call("Draw", "{\"d\":{\"level\":9,\"notes\":{\"-4\":\"x\"}}}"))
        .isEqualTo("{\"width\":3,\"level\":9,\"notes\":{\"-4\":\"x\"}}");
  }

  @Test
  void baseServiceMethodsAndVoid() {
    assertThat(client.call("Hello", "{\"name\":\"weft\"}")).isEqualTo("\"hello weft\"");
    assertThat(client.call("Clear", "")).isEqualTo("null");
    assertThat(client.methods()).containsExactly("Hello", "Draw", "Find", "Clear", "Log", "Chain");
  }

  @Test
  void declaredExceptionsAsJson() {
    assertThatThrownBy(() -> client.call("Find", "{\"id\":1}"))
        .isInstanceOfSatisfying(
            GenericException.class,
            e -> {
              assertThat(e.typeName()).isEqualTo("NotFound");
              assertThat(e.json()).isEqualTo("{\"what\":\"drawing 1\"}");
            });
    assertThatThrownBy(() -> client.call("Find", "{\"id\":2}"))
        .isInstanceOfSatisfying(
            GenericException.class, e -> assertThat(e.json()).isEqualTo("{\"retryAfter\":5}"));
    assertThat(client.call("Find", "{\"id\":9}"))
        .isEqualTo("{\"id\":9,\"shape\":{\"label\":\"found\"},\"width\":3,\"level\":2}");
  }

  @Test
  void aHandlerReplyThatDoesNotFitTheIdlFailsTheCallClearly() {
    assertThatThrownBy(() -> client.call("Find", "{\"id\":3}"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e ->
                assertThat(e.getMessage())
                    .contains("does not fit the IDL")
                    .contains("Find.success.id"));
    assertThatThrownBy(() -> client.call("Find", "{\"id\":4}"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.getMessage()).contains("Find declares no exception Gone"));
    assertThat(client.call("Hello", "{\"name\":\"after\"}")).isEqualTo("\"hello after\"");
  }

  @Test
  void oneway() throws InterruptedException {
    assertThat(client.call("Log", "{\"line\":\"one\"}")).isNull();
    assertThat(LOGGED.poll(10, TimeUnit.SECONDS)).isEqualTo("one");
  }

  @Test
  void badInputFailsBeforeAnythingIsSent() {
    assertThatThrownBy(() -> client.call("Nope", "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no method Nope")
        .hasMessageContaining("Draw");
    assertThatThrownBy(() -> client.call("Hello", "{\"name\":"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad JSON at offset");
    assertThatThrownBy(() -> client.call("Hello", "{\"nam\":\"x\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no field \"nam\"");
    assertThatThrownBy(() -> client.call("Draw", "{\"d\":{\"shape\":{\"dot\":{\"y\":1}}}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Draw.d.shape.dot: required field \"x\" of Point is missing");
    assertThatThrownBy(
            () -> client.call("Draw", "{\"d\":{\"shape\":{\"dot\":{\"x\":1},\"label\":\"two\"}}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("union Shape needs exactly one field set, got 2");
    assertThatThrownBy(() -> client.call("Draw", "{\"d\":{\"id\":9223372036854775808}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Draw.d.id: 9223372036854775808 is out of range for i64");
    assertThatThrownBy(() -> client.call("Draw", "{\"d\":{\"level\":\"MEDIUM\"}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Level has no value MEDIUM");
    assertThatThrownBy(() -> client.call("Draw", "{\"scale\":1.5}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scale: 1.5 is not an integer (i32)");
    assertThatThrownBy(() -> GenericClient.thrift(IDL, "Nothing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no service Nothing")
        .hasMessageContaining("Shapes");
    assertThat(client.call("Hello", "{\"name\":\"still fine\"}")).isEqualTo("\"hello still fine\"");
  }

  @Test
  void aSelfNestingStructIsBoundedOnDecode() {
    int depth = 100_000;
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < depth; i++) {
      b.writeBytes(new byte[] {12, 0, 1}); // field 1, a struct: n, then next, next, ...
    }
    for (int i = 0; i < depth + 1; i++) {
      b.write(0); // stops
    }
    byte[] bytes = b.toByteArray();
    var codec = ThriftService.load(IDL, List.of(), "Shapes").descriptor("Chain").requestCodec();
    assertThatThrownBy(() -> codec.decode(bytes, 0, bytes.length))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.getMessage()).contains("cannot decode Chain_args").contains("depth"));
    assertThat(client.call("Chain", "{\"n\":{\"next\":{\"next\":{}}}}")).isEqualTo("null");
  }

  @Test
  void framedAndUnframed() {
    for (Transport t : List.of(Transport.FRAMED, Transport.BUFFERED)) {
      try (GenericClient c =
          GenericClient.thrift(
              IDL,
              "Shapes",
              ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
              ClientOptions.withTransport(t))) {
        assertThat(c.call("Hello", "{\"name\":\"" + t + "\"}")).isEqualTo("\"hello " + t + "\"");
      }
    }
  }

  @Test
  void anUnloadableIdlIsAClearError() {
    assertThatThrownBy(() -> GenericClient.thrift(List.of(Path.of("no/such.thrift")), "X"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot load");
    assertThat(StatusCode.INTERNAL).isNotNull();
  }
}
