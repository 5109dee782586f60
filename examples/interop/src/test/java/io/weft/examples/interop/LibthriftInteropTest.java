package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import interop.thrift.EchoError;
import interop.thrift.Request;
import interop.thrift.echoservice.EchoServiceDescriptor;
import io.weft.api.Server;
import io.weft.api.Transport;
import java.util.UUID;
import org.apache.thrift.TApplicationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Weft and libthrift call each other: libthrift's client against Weft's server, Weft's client
 * against libthrift's TThreadPoolServer.
 */
class LibthriftInteropTest {
  private static Server weft;

  @BeforeAll
  static void startWeft() {
    weft = InteropServer.create(0).start();
  }

  @AfterAll
  static void stopWeft() {
    weft.stop();
  }

  @ParameterizedTest(name = "libthrift client, framed={0}")
  @ValueSource(booleans = {true, false})
  void libthriftClientCallsWeftServer(boolean framed) throws Exception {
    try (var c = new LibthriftPeers.Client("127.0.0.1", weft.port(), framed)) {
      var echo =
          c.call(
              "Echo",
              new EchoServiceDescriptor.EchoArgs().setReq(new Request().setMsg("hello")),
              EchoServiceDescriptor.EchoResult::new);
      assertThat(echo.getSuccess().getMsg()).isEqualTo("hello");

      String tag = "lt-" + UUID.randomUUID();
      for (int i = 0; i < 20; i++) {
        c.oneway(
            "VisitOneway",
            new EchoServiceDescriptor.VisitOnewayArgs().setReq(new Request().setMsg(tag)));
      }
      long count = 0;
      for (int attempt = 0; attempt < 10_000 && count < 20; attempt++) {
        count =
            c.call(
                    "OnewayCount",
                    new EchoServiceDescriptor.OnewayCountArgs().setTag(tag),
                    EchoServiceDescriptor.OnewayCountResult::new)
                .getSuccess();
      }
      assertThat(count).isEqualTo(20);

      var all = InteropClient.allTypes();
      var rt =
          c.call(
              "RoundTrip",
              new EchoServiceDescriptor.RoundTripArgs().setV(all),
              EchoServiceDescriptor.RoundTripResult::new);
      assertThat(rt.getSuccess()).isEqualTo(all);
      assertThat(rt.getSuccess().isSetOpt()).isFalse();

      var fail =
          c.call(
              "Fail",
              new EchoServiceDescriptor.FailArgs().setCode(418).setMessage("teapot"),
              EchoServiceDescriptor.FailResult::new);
      assertThat(fail.isSetSuccess()).isFalse();
      assertThat(fail.getErr()).isEqualTo(new EchoError().setCode(418).setMessage("teapot"));

      c.call("Ping", new EchoServiceDescriptor.PingArgs(), EchoServiceDescriptor.PingResult::new);

      assertThatThrownBy(() ->
              c.call(
                  "Nope",
                  new EchoServiceDescriptor.PingArgs(),
                  EchoServiceDescriptor.PingResult::new))
          .isInstanceOfSatisfying(
              TApplicationException.class,
              e -> {
                assertThat(e.getType()).isEqualTo(TApplicationException.UNKNOWN_METHOD);
                assertThat(e.getMessage()).contains("Nope");
              });
      // the connection is still good after the error
      assertThat(
              c.call(
                      "Echo",
                      new EchoServiceDescriptor.EchoArgs().setReq(new Request().setMsg("again")),
                      EchoServiceDescriptor.EchoResult::new)
                  .getSuccess()
                  .getMsg())
          .isEqualTo("again");
    }
  }

  @ParameterizedTest(name = "Weft client {0}/{1} against libthrift TThreadPoolServer")
  @CsvSource({
    "FRAMED, echo", "FRAMED, oneway", "FRAMED, all_types", "FRAMED, declared_exception",
        "FRAMED, void", "FRAMED, timeout",
    "BUFFERED, echo", "BUFFERED, oneway", "BUFFERED, all_types", "BUFFERED, declared_exception",
        "BUFFERED, void", "BUFFERED, timeout"
  })
  void weftClientCallsLibthriftServer(Transport transport, String testCase) throws Exception {
    try (var server =
        new LibthriftPeers.Server(new ThriftEchoHandler(), transport == Transport.FRAMED)) {
      assertThat(InteropClient.thrift("127.0.0.1", server.port(), transport, testCase)).isNull();
    }
  }
}
