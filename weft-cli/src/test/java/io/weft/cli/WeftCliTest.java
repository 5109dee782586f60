package io.weft.cli;

import static io.weft.cli.WeftRun.IDL;
import static io.weft.cli.WeftRun.weft;
import static io.weft.cli.WeftRun.weftWithInput;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.CallContext;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.generic.GenericException;
import io.weft.generic.GenericHandler;
import io.weft.generic.GenericServer;
import io.weft.internal.wire.Json;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code weft} against Weft's generic server of interop.thrift's EchoService, over real sockets.
 */
class WeftCliTest {
  static Server server;
  static String addr;
  static final Handler handler = new Handler();

  @BeforeAll
  static void start() {
    server =
        Server.newServer(
                GenericServer.thrift(List.of(Path.of(IDL)), "EchoService", handler),
                ServerOptions.withPort(0))
            .start();
    addr = "127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    handler.release.countDown();
    if (server != null) {
      server.stop();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ttheader", "ttheader-framed", "framed", "buffered"})
  void callPrintsTheResultAsJson(String transport) {
    WeftRun r =
        weft(
            "call",
            "--idl",
            IDL,
            "--transport",
            transport,
            addr,
            "EchoService.Echo",
            "{\"req\":{\"Msg\":\"hi ✓\"}}");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("{\"Msg\":\"hi ✓\"}\n");
    assertThat(r.code()).isEqualTo(Weft.OK);
  }

  @Test
  void argumentsFromStdinWhenOmittedOrDash() {
    WeftRun omitted =
        weftWithInput("{\"req\":{\"Msg\":\"in\"}}", "call", "--idl", IDL, addr, "EchoService.Echo");
    assertThat(omitted.out()).isEqualTo("{\"Msg\":\"in\"}\n");
    assertThat(omitted.code()).isZero();
    WeftRun dash =
        weftWithInput(
            "{\"req\":{\"Msg\":\"dash\"}}", "call", "--idl=" + IDL, addr, "EchoService.Echo", "-");
    assertThat(dash.out()).isEqualTo("{\"Msg\":\"dash\"}\n");
    WeftRun roundTrip =
        weft(
            "call",
            "--idl",
            IDL,
            addr,
            "EchoService.RoundTrip",
            "{\"v\":{\"i64v\":1152921504606846977,\"bin\":\"AAH/fw==\",\"req\":1}}");
    assertThat(roundTrip.out()).contains("\"i64v\":1152921504606846977", "\"bin\":\"AAH/fw==\"");
  }

  @Test
  void voidPrintsNullAndOnewayPrintsNothing() throws InterruptedException {
    WeftRun ping = weft("call", "--idl", IDL, addr, "EchoService.Ping");
    assertThat(ping.out()).isEqualTo("null\n");
    assertThat(ping.code()).isZero();
    WeftRun oneway =
        weft("call", "--idl", IDL, addr, "EchoService.VisitOneway", "{\"req\":{\"Msg\":\"one\"}}");
    assertThat(oneway.out()).isEmpty();
    assertThat(oneway.err()).isEmpty();
    assertThat(oneway.code()).isZero();
    assertThat(handler.oneways.poll(30, TimeUnit.SECONDS)).isEqualTo("one");
  }

  @Test
  void declaredExceptionIsItsJsonOnStdoutAndExit3() {
    WeftRun r =
        weft(
            "call",
            "--idl",
            IDL,
            addr,
            "EchoService.Fail",
            "{\"code\":418,\"message\":\"teapot\"}");
    assertThat(r.code()).isEqualTo(Weft.DECLARED_EXCEPTION);
    assertThat(r.out()).isEqualTo("{\"code\":418,\"message\":\"teapot\"}\n");
    assertThat(r.err()).contains("EchoService.Fail threw EchoError");
  }

  @Test
  void headersReachTheServer() throws InterruptedException {
    handler.metadata.clear();
    WeftRun r =
        weft(
            "call",
            "--idl",
            IDL,
            "-H",
            "x-weft-test: abc",
            "--header=x-other:1:2",
            addr,
            "EchoService.Echo",
            "{\"req\":{\"Msg\":\"h\"}}");
    assertThat(r.code()).isZero();
    assertThat(handler.metadata.poll(30, TimeUnit.SECONDS))
        .containsEntry("x-weft-test", "abc")
        .containsEntry("x-other", "1:2");
    WeftRun framed =
        weft("call", "--idl", IDL, "--transport", "framed", "-H", "k:v", addr, "EchoService.Ping");
    assertThat(framed.code()).isZero();
    assertThat(framed.err())
        .isEqualTo(
            "weft: note: -H metadata is not sent over framed Thrift, which has no headers\n");
  }

  @Test
  void timeoutIsDeadlineExceededAndExit2() {
    WeftRun r =
        weft(
            "call",
            "--idl",
            IDL,
            "--timeout",
            "200ms",
            addr,
            "EchoService.Sleep",
            "{\"millis\":60000}");
    assertThat(r.code()).isEqualTo(Weft.RPC_FAILED);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("weft: EchoService.Sleep failed: DEADLINE_EXCEEDED");
  }

  @Test
  void noServerIsAnRpcFailure() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    WeftRun r = weft("call", "--idl", IDL, "127.0.0.1:" + port, "EchoService.Ping", "{}");
    assertThat(r.code()).isEqualTo(Weft.RPC_FAILED);
    assertThat(r.err()).startsWith("weft: EchoService.Ping failed: UNAVAILABLE");
  }

  @Test
  void badInputIsExit1WithAClearMessageAndNothingSent() {
    int calls = handler.calls.size();
    WeftRun unknownMethod = weft("call", "--idl", IDL, addr, "EchoService.Nope", "{}");
    assertThat(unknownMethod.code()).isEqualTo(Weft.USAGE);
    assertThat(unknownMethod.err())
        .contains("service EchoService has no method Nope (methods: Echo, VisitOneway,");
    WeftRun unknownService = weft("call", "--idl", IDL, addr, "Nope.Echo", "{}");
    assertThat(unknownService.code()).isEqualTo(Weft.USAGE);
    assertThat(unknownService.err()).contains("no service Nope in the IDL (services: EchoService)");
    WeftRun badJson = weft("call", "--idl", IDL, addr, "EchoService.Echo", "{\"req\":");
    assertThat(badJson.code()).isEqualTo(Weft.USAGE);
    assertThat(badJson.err()).contains("JSON");
    WeftRun wrongType =
        weft("call", "--idl", IDL, addr, "EchoService.Echo", "{\"req\":{\"Msg\":5}}");
    assertThat(wrongType.code()).isEqualTo(Weft.USAGE);
    assertThat(wrongType.err()).startsWith("weft: ").contains("Msg");
    WeftRun badAddress = weft("call", "--idl", IDL, "localhost", "EchoService.Echo", "{}");
    assertThat(badAddress.err()).contains("the address must be HOST:PORT, got localhost");
    WeftRun badTimeout = weft("call", "--idl", IDL, "--timeout", "soon", addr, "EchoService.Ping");
    assertThat(badTimeout.err()).contains("--timeout must be like 500ms, 2s or 1m, got soon");
    WeftRun badTransport =
        weft("call", "--idl", IDL, "--transport", "carrier-pigeon", addr, "EchoService.Ping");
    assertThat(badTransport.err()).contains("unknown --transport carrier-pigeon");
    WeftRun noIdl = weft("call", addr, "EchoService.Ping");
    // without --idl the service is looked up through reflection, which lists no Thrift service
    assertThat(noIdl.err()).contains("the server lists no service EchoService");
    WeftRun missingIdl = weft("list", "--idl", "nope.thrift");
    assertThat(missingIdl.err()).contains("no IDL file nope.thrift");
    WeftRun unknownOption = weft("list", "--idl", IDL, "--tls");
    assertThat(unknownOption.err()).contains("unknown option --tls");
    for (WeftRun r :
        List.of(badAddress, badTimeout, badTransport, noIdl, missingIdl, unknownOption)) {
      assertThat(r.code()).isEqualTo(Weft.USAGE);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).contains("--help' for usage.");
    }
    assertThat(handler.calls).hasSize(calls);
  }

  @Test
  void listMarksStreamingAndGrpcOnlyMethods(@TempDir Path dir) throws Exception {
    Path idl = dir.resolve("s.thrift");
    Files.writeString(
        idl,
        """
        struct Msg { 1: string text }
        service S {
          Msg Unary(1: Msg m)
          Msg Bidi(1: Msg m) (streaming.mode="bidirectional")
          Msg Up(1: Msg m) (streaming.mode="client")
          Msg Down(1: Msg m) (streaming.mode="server")
          Msg GrpcUnary(1: Msg m) (streaming.mode="unary")
        }
        """);
    assertThat(weft("list", "--idl", idl.toString()).out())
        .isEqualTo(
            "S\n  Unary\n  Bidi (bidirectional streaming)\n  Up (client streaming)\n"
                + "  Down (server streaming)\n  GrpcUnary (gRPC only)\n");
  }

  @Test
  void listShowsServicesAndMethods() {
    WeftRun r = weft("list", "--idl", IDL);
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .isEqualTo(
            """
            EchoService
              Echo
              VisitOneway (oneway)
              OnewayCount
              RoundTrip
              Fail
              Sleep
              Ping
            """);
  }

  @Test
  void describeShowsSignaturesAndTypes() {
    WeftRun service = weft("describe", "--idl", IDL, "EchoService");
    assertThat(service.code()).isZero();
    assertThat(service.out())
        .contains("service EchoService {\n")
        .contains("  Response Echo(1: Request req)\n")
        .contains("  oneway void VisitOneway(1: Request req)\n")
        .contains("  Response Fail(1: i32 code, 2: string message) throws (1: EchoError err)\n")
        .endsWith("}\n");
    WeftRun method = weft("describe", "--idl", IDL, "EchoService.Fail");
    assertThat(method.out())
        .endsWith(
            """
            Response Fail(1: i32 code, 2: string message) throws (1: EchoError err)

            struct Response {
              1: string Msg
            }

            exception EchoError {
              1: i32 code
              2: string message
            }
            """);
    WeftRun type = weft("describe", "--idl", IDL, "AllTypes");
    assertThat(type.out())
        .contains("struct AllTypes {\n")
        .contains("  15: map<i32,list<Inner>> nested\n")
        .contains("  16: optional string opt\n  17: required i32 req\n")
        .contains("enum Color {\n  RED = 1\n  GREEN = 2\n  BLUE = 3\n}\n")
        .contains("struct Inner {\n  1: i32 id\n  2: optional string note\n}\n");
    WeftRun unknown = weft("describe", "--idl", IDL, "Nope");
    assertThat(unknown.code()).isEqualTo(Weft.USAGE);
    assertThat(unknown.err()).contains("no service, method or type Nope in the IDL");
  }

  @Test
  void describeFollowsIncludesTypedefsAndDefaults(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("shared.thrift"),
        """
        typedef i64 Id
        enum Level { LOW = 1, HIGH = 2 }
        """);
    Path idl = dir.resolve("main.thrift");
    Files.writeString(
        idl,
        """
        include "shared.thrift"
        struct Req {
          1: shared.Id id
          2: shared.Level level = shared.Level.HIGH
          3: list<string> tags = ["a"]
        }
        service Base { void Hello() }
        service Main extends Base { Req Get(1: Req r) }
        """);
    WeftRun r = weft("describe", "--idl", idl.toString(), "Main.Get");
    assertThat(r.out())
        .isEqualTo(
            """
            Req Get(1: Req r)

            struct Req {
              1: shared.Id id
              2: shared.Level level = shared.Level.HIGH
              3: list<string> tags = ["a"]
            }

            typedef i64 Id

            enum Level {
              LOW = 1
              HIGH = 2
            }
            """);
    assertThat(weft("list", "--idl", idl.toString()).out())
        .isEqualTo("Base\n  Hello\nMain\n  Hello\n  Get\n");
  }

  @Test
  void helpAndUnknownCommands() {
    WeftRun help = weft("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out())
        .contains("weft call --idl FILE")
        .contains("Exit codes: 0 ok, 1 bad usage");
    WeftRun callHelp = weft("call", "--help");
    assertThat(callHelp.code()).isZero();
    assertThat(callHelp.out()).contains("--transport T").contains("-H, --header KEY:VALUE");
    assertThat(weft("list", "--help").out()).startsWith("Usage: weft list");
    assertThat(weft("describe", "-h").out()).startsWith("Usage: weft describe");
    WeftRun none = weft();
    assertThat(none.code()).isEqualTo(Weft.USAGE);
    assertThat(none.err()).contains("Usage:");
    WeftRun unknown = weft("cal");
    assertThat(unknown.code()).isEqualTo(Weft.USAGE);
    assertThat(unknown.err())
        .isEqualTo(
            "weft: unknown command cal (commands: call, list, describe)\n"
                + "Run 'weft --help' for usage.\n");
  }

  /** interop.thrift's EchoService as its comments say, recording what reaches it. */
  static final class Handler implements GenericHandler {
    final BlockingQueue<String> calls = new LinkedBlockingQueue<>();
    final BlockingQueue<String> oneways = new LinkedBlockingQueue<>();
    final BlockingQueue<Map<String, String>> metadata = new LinkedBlockingQueue<>();
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    @SuppressWarnings("unchecked")
    public String handle(String method, String jsonArgs) throws Exception {
      calls.add(method);
      Map<String, String> md = new java.util.HashMap<>();
      CallContext.current().requestMetadata().forEach(md::put);
      metadata.add(md);
      Map<String, Object> args = (Map<String, Object>) Json.parse(jsonArgs);
      switch (method) {
        case "Echo":
          return Json.write(Map.of("Msg", ((Map<String, Object>) args.get("req")).get("Msg")));
        case "VisitOneway":
          oneways.add((String) ((Map<String, Object>) args.get("req")).get("Msg"));
          return null;
        case "RoundTrip":
          return Json.write(args.get("v"));
        case "Fail":
          throw new GenericException(
              "EchoError",
              Json.write(Map.of("code", args.get("code"), "message", args.get("message"))));
        case "Sleep":
          // Stands for a slow method: held until the test class ends, or millis.
          release.await(((Number) args.get("millis")).longValue(), TimeUnit.MILLISECONDS);
          return "{\"Msg\":\"slept\"}";
        case "Ping":
          return null;
        default:
          throw new IllegalStateException("no method " + method);
      }
    }
  }
}
