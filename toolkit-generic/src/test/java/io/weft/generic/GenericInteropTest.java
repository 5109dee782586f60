package io.weft.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.CallOptions;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.examples.interop.InteropServer;
import io.weft.internal.wire.Json;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Weft's generic client against Weft's interop server (generated code) over each Thrift transport.
 */
class GenericInteropTest {
  static Server server;

  @BeforeAll
  static void start() {
    server = InteropServer.create(0).start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  static GenericClient client(Transport t) {
    return GenericClient.thrift(
        InteropIdl.IDL,
        "EchoService",
        ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
        ClientOptions.withTransport(t));
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"TTHEADER", "FRAMED", "BUFFERED"})
  void everyKindOfCall(Transport t) {
    try (GenericClient c = client(t)) {
      assertThat(c.call("Echo", "{\"req\":{\"Msg\":\"héllo\"}}")).isEqualTo("{\"Msg\":\"héllo\"}");
      String reply = c.call("RoundTrip", "{\"v\":" + InteropIdl.ALL_TYPES + "}");
      assertThat(reply)
          .contains("\"i64v\":1152921504606846977")
          .contains("\"bin\":\"AAH/fw==\"")
          .contains("\"color\":3");
      assertThat(Json.parse(reply)).isEqualTo(InteropIdl.allTypesReply());
      assertThat(c.call("Ping", "{}")).isEqualTo("null");

      String tag = "generic-" + t;
      for (int i = 0; i < 3; i++) {
        assertThat(c.call("VisitOneway", "{\"req\":{\"Msg\":\"" + tag + "\"}}")).isNull();
      }
      InteropIdl.awaitOnewayCount(c, tag, 3);

      assertThatThrownBy(() -> c.call("Fail", "{\"code\":418,\"message\":\"teapot\"}"))
          .isInstanceOfSatisfying(
              GenericException.class,
              e -> {
                assertThat(e.typeName()).isEqualTo("EchoError");
                assertThat(e.json()).isEqualTo("{\"code\":418,\"message\":\"teapot\"}");
              });
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"TTHEADER"})
  void deadlinesComeFromTheClientMachinery(Transport t) {
    try (GenericClient c = client(t)) {
      assertThatThrownBy(() ->
              c.call("Sleep", "{\"millis\":5000}", CallOptions.timeout(Duration.ofMillis(200))))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status().code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED));
      assertThat(c.call("Sleep", "{\"millis\":1}")).isEqualTo("{\"Msg\":\"slept\"}");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"TTHEADER"})
  void theMapForm(Transport t) {
    java.util.Map<String, Object> v = new java.util.LinkedHashMap<>();
    v.put("i64v", (1L << 60) + 1);
    v.put("i8", (byte) -7);
    v.put("dbl", 0.25);
    v.put("bin", new byte[] {0, 1, -1, 127});
    v.put("ints", new java.util.TreeSet<>(java.util.List.of(2, 1)));
    v.put("nested", java.util.Map.of(5, java.util.List.of(java.util.Map.of("id", 10))));
    v.put("color", "GREEN");
    v.put("req", 99);
    try (GenericClient c = client(t)) {
      Object reply = c.call("RoundTrip", java.util.Map.of("v", v));
      assertThat(reply).isInstanceOf(java.util.Map.class);
      java.util.Map<?, ?> m = (java.util.Map<?, ?>) reply;
      assertThat(m.get("i64v")).isEqualTo((1L << 60) + 1);
      assertThat(m.get("i8")).isEqualTo(-7L);
      assertThat(m.get("dbl")).isEqualTo(0.25);
      assertThat(m.get("bin")).isEqualTo("AAH/fw==");
      assertThat(m.get("ints")).isEqualTo(java.util.List.of(1L, 2L));
      assertThat(m.get("nested"))
          .isEqualTo(java.util.Map.of("5", java.util.List.of(java.util.Map.of("id", 10L))));
      assertThat(m.get("color")).isEqualTo(2L);
      assertThatThrownBy(
              () -> c.call("RoundTrip", java.util.Map.of("v", java.util.Map.of("req", "x"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("RoundTrip.v.req: want an integer, got the string \"x\"");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"TTHEADER"})
  void middlewareSeesGenericCallsAsGeneratedOnes(Transport t) {
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.weft.api.Middleware record =
        next ->
            (inv, req) -> {
              seen.add(inv.service() + "." + inv.method() + " " + inv.kind());
              return next.call(inv, req);
            };
    try (GenericClient c =
        GenericClient.thrift(
            InteropIdl.IDL,
            "EchoService",
            ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
            ClientOptions.withTransport(t),
            ClientOptions.withMiddleware(record))) {
      c.call("Echo", "{\"req\":{\"Msg\":\"m\"}}");
      c.call("VisitOneway", "{\"req\":{\"Msg\":\"m\"}}");
    }
    assertThat(seen).containsExactly("EchoService.Echo UNARY", "EchoService.VisitOneway ONEWAY");
  }

  /** The README's example, on a free port. */
  @org.junit.jupiter.api.Test
  void theReadmeExample() {
    Server mock =
        Server.newServer(
                GenericServer.thrift(
                    InteropIdl.IDL,
                    "EchoService",
                    (method, args) ->
                        switch (method) {
                          case "Echo" -> "{\"Msg\": \"mocked\"}";
                          case "Fail" ->
                              throw new GenericException(
                                  "EchoError", "{\"code\": 1, \"message\": \"no\"}");
                          default -> null;
                        }),
                io.weft.api.ServerOptions.withPort(0))
            .start();
    try (GenericClient echo =
        GenericClient.thrift(
            InteropIdl.IDL,
            "EchoService",
            ClientOptions.withHostPorts("127.0.0.1:" + mock.port()),
            ClientOptions.withTransport(Transport.FRAMED))) {
      assertThat(echo.call("Echo", "{\"req\": {\"Msg\": \"hi\"}}"))
          .isEqualTo("{\"Msg\":\"mocked\"}");
      assertThat(echo.call("Ping", "{}")).isEqualTo("null");
      assertThatThrownBy(() -> echo.call("Fail", "{\"code\": 418, \"message\": \"teapot\"}"))
          .isInstanceOfSatisfying(
              GenericException.class,
              e -> assertThat(e.json()).isEqualTo("{\"code\":1,\"message\":\"no\"}"));
    } finally {
      mock.stop();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"TTHEADER"})
  void requiredFieldsAreCheckedBeforeSending(Transport t) {
    try (GenericClient c = client(t)) {
      assertThatThrownBy(() -> c.call("RoundTrip", "{\"v\":{\"b\":true}}"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("RoundTrip.v: required field \"req\" of AllTypes is missing");
    }
  }
}
