package io.weft.cli;

import static io.weft.cli.WeftRun.IDL;
import static io.weft.cli.WeftRun.weft;
import static io.weft.cli.WeftRun.weftWithInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.weft.examples.interop.PeerProcesses;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code weft call} against the real Kitex (interop/kitex, built with Go): the Kitex peer's
 * EchoService (over every transport, gRPC included), which toolkit-generic's GenericKitexTest calls
 * too, and its StreamService (streaming methods as JSON lines).
 */
class WeftKitexTest {
  static PeerProcesses.KitexServers kitex;
  static String addr;

  @BeforeAll
  static void start() throws Exception {
    try {
      PeerProcesses.kitexPeer();
      kitex = new PeerProcesses.KitexServers();
    } catch (IOException e) {
      fail("the Kitex peer did not start: " + e.getMessage());
    }
    addr = "127.0.0.1:" + kitex.port("thrift");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (kitex != null) {
      kitex.close();
    }
  }

  @Test
  void streamsWithKitex() {
    String stream = "127.0.0.1:" + kitex.port("stream");
    String idl = WeftStreamTest.STREAM_IDL;
    WeftRun bidi =
        weftWithInput(
            "{\"Msg\":\"a\"}\n{\"Msg\":\"wörld\"}\n",
            "call",
            "--idl",
            idl,
            stream,
            "StreamService.EchoBidi");
    assertThat(bidi.err()).isEmpty();
    assertThat(bidi.out()).isEqualTo("{\"Msg\":\"a\"}\n{\"Msg\":\"wörld\"}\n");
    assertThat(bidi.code()).isEqualTo(Weft.OK);
    WeftRun client =
        weftWithInput(
            "{\"Msg\":\"a\"}\n{\"Msg\":\"b\"}\n",
            "call",
            "--idl",
            idl,
            stream,
            "StreamService.EchoClient");
    assertThat(client.out()).isEqualTo("{\"Msg\":\"a,b\"}\n");
    WeftRun server =
        weft("call", "--idl", idl, stream, "StreamService.EchoServer", "{\"Msg\":\"k\"}");
    assertThat(server.out()).startsWith("{\"Msg\":\"k-0\"}\n").endsWith("{\"Msg\":\"k-9\"}\n");
    assertThat(server.out().lines()).hasSize(10);
    assertThat(server.code()).isEqualTo(Weft.OK);
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "kitex-protobuf"})
  void callKitexProtobufService(String transport) {
    WeftRun r =
        weft(
            "call",
            "--proto",
            WeftGrpcTest.PROTO,
            "-I",
            WeftGrpcTest.ROOT.toString(),
            "--transport",
            transport,
            "127.0.0.1:" + kitex.port("testservice"),
            "grpc.testing.TestService/UnaryCall",
            "{\"responseSize\": 2}");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("{\"payload\":{\"body\":\"AAA=\"}}\n");
    assertThat(r.code()).isEqualTo(Weft.OK);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ttheader", "framed", "buffered", "grpc"})
  void callKitex(String transport) {
    WeftRun echo =
        weft(
            "call",
            "--idl",
            IDL,
            "--transport",
            transport,
            addr,
            "EchoService.Echo",
            "{\"req\":{\"Msg\":\"to kitex ✓\"}}");
    assertThat(echo.err()).isEmpty();
    assertThat(echo.out()).isEqualTo("{\"Msg\":\"to kitex ✓\"}\n");
    assertThat(echo.code()).isEqualTo(Weft.OK);
    WeftRun roundTrip =
        weftWithInput(
            "{\"v\":{\"i64v\":1152921504606846977,\"bin\":\"AAH/fw==\",\"color\":\"BLUE\",\"req\":7}}",
            "call",
            "--idl",
            IDL,
            "--transport",
            transport,
            addr,
            "EchoService.RoundTrip");
    assertThat(roundTrip.out())
        .contains("\"i64v\":1152921504606846977", "\"bin\":\"AAH/fw==\"", "\"color\":3");
    WeftRun fail =
        weft(
            "call",
            "--idl",
            IDL,
            "--transport",
            transport,
            addr,
            "EchoService.Fail",
            "{\"code\":418,\"message\":\"teapot\"}");
    assertThat(fail.code()).isEqualTo(Weft.DECLARED_EXCEPTION);
    assertThat(fail.out()).isEqualTo("{\"code\":418,\"message\":\"teapot\"}\n");
  }

  @Test
  void timeoutAgainstKitex() {
    WeftRun r =
        weft(
            "call",
            "--idl",
            IDL,
            "--timeout",
            "100ms",
            addr,
            "EchoService.Sleep",
            "{\"millis\":5000}");
    assertThat(r.code()).isEqualTo(Weft.RPC_FAILED);
    assertThat(r.err()).startsWith("weft: EchoService.Sleep failed: DEADLINE_EXCEEDED");
  }
}
