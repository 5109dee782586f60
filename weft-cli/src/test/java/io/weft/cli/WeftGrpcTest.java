package io.weft.cli;

import static io.weft.cli.WeftRun.weft;
import static io.weft.cli.WeftRun.weftWithInput;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.CallContext;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.TlsConfig;
import io.weft.examples.interop.InteropServer;
import io.weft.gen.proto.Protoc;
import io.weft.generic.GenericServer;
import io.weft.generic.ProtoDescriptors;
import io.weft.testing.TestCertificates;
import io.weft.testing.TestServiceJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code weft} against gRPC services: a Weft server of grpc.testing.TestService (a generic one,
 * which counts its calls; Weft's generated one for the streaming methods), found through its
 * reflection, from the .proto files and from a descriptor set; over gRPC and Kitex Protobuf;
 * streaming methods with JSON lines in and out.
 */
class WeftGrpcTest {
  static final Path ROOT = Path.of("../examples/interop/src/main/proto");
  static final String PROTO = ROOT.resolve("grpc/testing/test.proto").toString();
  static final AtomicInteger CALLS = new AtomicInteger();
  static final BlockingQueue<String> HEADERS = new LinkedBlockingQueue<>();
  static Server server;
  static String addr;

  /** Weft's generated grpc.testing.TestService (examples/interop), for the streaming methods. */
  static Server generated;

  static String streams;

  @BeforeAll
  static void start() {
    ProtoDescriptors d = ProtoDescriptors.fromProto(List.of(Path.of(PROTO)), List.of(ROOT));
    server =
        Server.newServer(
                GenericServer.proto(d, "grpc.testing.TestService", WeftGrpcTest::handle),
                ServerOptions.withPort(0))
            .start();
    addr = "127.0.0.1:" + server.port();
    generated = InteropServer.create(0).start();
    streams = "127.0.0.1:" + generated.port();
  }

  @AfterAll
  static void stop() {
    server.stop();
    if (generated != null) {
      generated.stop();
    }
  }

  @SuppressWarnings("unchecked")
  static String handle(String method, String json) {
    CALLS.incrementAndGet();
    String header = CallContext.current().requestMetadata().get("x-weft-test");
    if (header != null) {
      HEADERS.add(header);
    }
    return TestServiceJson.unary(method, json);
  }

  @Test
  void callThroughReflection() {
    WeftRun r = weft("call", addr, "grpc.testing.TestService/UnaryCall", "{\"responseSize\": 3}");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isEqualTo(Weft.OK);
    assertThat(r.out()).isEqualTo("{\"payload\":{\"body\":\"AAAA\"}}\n");
    WeftRun dotted = weft("call", addr, "TestService.EmptyCall");
    assertThat(dotted.out()).isEqualTo("{}\n");
    WeftRun stdin =
        weftWithInput(
            "{\"response_size\": 1}", "call", addr, "grpc.testing.TestService/UnaryCall", "-");
    assertThat(stdin.out()).isEqualTo("{\"payload\":{\"body\":\"AA==\"}}\n");
  }

  @Test
  void callFromProtoFilesAndADescriptorSet(@TempDir Path dir) throws Exception {
    WeftRun proto =
        weft(
            "call",
            "--proto",
            PROTO,
            "-I",
            ROOT.toString(),
            addr,
            "grpc.testing.TestService/UnaryCall",
            "{\"responseSize\": 2}");
    assertThat(proto.err()).isEmpty();
    assertThat(proto.out()).isEqualTo("{\"payload\":{\"body\":\"AAA=\"}}\n");
    Path set = dir.resolve("test.protoset");
    Files.write(
        set,
        Protoc.compile(Protoc.find(), List.of(Path.of(PROTO)), List.of(ROOT), null)
            .descriptors()
            .toByteArray());
    for (String transport : List.of("grpc", "kitex-protobuf")) {
      WeftRun r =
          weft(
              "call",
              "--protoset",
              set.toString(),
              "--transport",
              transport,
              addr,
              "grpc.testing.TestService.UnaryCall",
              "{\"responseSize\": 2}");
      assertThat(r.err()).isEmpty();
      assertThat(r.out()).isEqualTo("{\"payload\":{\"body\":\"AAA=\"}}\n");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "kitex-protobuf"})
  void headersReachTheServer(String transport) throws Exception {
    WeftRun r =
        weft(
            "call",
            "--proto",
            PROTO,
            "-I",
            ROOT.toString(),
            "--transport",
            transport,
            "-H",
            "x-weft-test: " + transport,
            "--timeout",
            "20s",
            addr,
            "grpc.testing.TestService/EmptyCall");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("{}\n");
    assertThat(HEADERS.poll(30, TimeUnit.SECONDS)).isEqualTo(transport);
  }

  @Test
  void aFailedCallExitsWithTwoAndItsStatus() {
    WeftRun r =
        weft(
            "call",
            addr,
            "grpc.testing.TestService/UnaryCall",
            "{\"responseStatus\": {\"code\": 5, \"message\": \"gone\"}}");
    assertThat(r.code()).isEqualTo(Weft.RPC_FAILED);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo("weft: grpc.testing.TestService/UnaryCall failed: NOT_FOUND: gone\n");
    WeftRun noServer =
        weft(
            "call",
            "--proto",
            PROTO,
            "-I",
            ROOT.toString(),
            "127.0.0.1:1",
            "grpc.testing.TestService/EmptyCall");
    assertThat(noServer.code()).isEqualTo(Weft.RPC_FAILED);
    assertThat(noServer.err()).contains("UNAVAILABLE");
  }

  @Test
  void badInputExitsWithOneAndSendsNothing() {
    int before = CALLS.get();
    WeftRun badJson =
        weft("call", addr, "grpc.testing.TestService/UnaryCall", "{\"responseSize\": \"big\"}");
    WeftRun unknownField =
        weft(
            "call",
            "--proto",
            PROTO,
            "-I",
            ROOT.toString(),
            addr,
            "grpc.testing.TestService/UnaryCall",
            "{\"nope\": 1}");
    WeftRun noMethod = weft("call", addr, "grpc.testing.TestService/Nope", "{}");
    WeftRun noService = weft("call", addr, "grpc.testing.Nope/UnaryCall", "{}");
    WeftRun badLine =
        weftWithInput(
            "{}\n{\"responseParameters\": 5}\n", "call", streams, "TestService/StreamingInputCall");
    WeftRun badTransport =
        weft("call", "--transport", "framed", addr, "grpc.testing.TestService/EmptyCall");
    WeftRun both =
        weft(
            "call",
            "--proto",
            PROTO,
            "--idl",
            WeftRun.IDL,
            addr,
            "grpc.testing.TestService/EmptyCall");
    for (WeftRun r :
        List.of(badJson, unknownField, noMethod, noService, badLine, badTransport, both)) {
      assertThat(r.code()).isEqualTo(Weft.USAGE);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).startsWith("weft: ").contains("--help' for usage.");
    }
    assertThat(badJson.err()).contains("grpc.testing.SimpleRequest");
    assertThat(unknownField.err()).contains("nope");
    assertThat(noMethod.err()).contains("has no method Nope").contains("UnaryCall");
    assertThat(noService.err()).contains("grpc.testing.Nope");
    assertThat(badLine.err())
        .contains(
            "line 2: StreamingInputCall request: the JSON does not fit"
                + " grpc.testing.StreamingInputCallRequest")
        .contains("(the call was cancelled)");
    assertThat(badTransport.err()).contains("grpc, kitex-protobuf");
    assertThat(CALLS.get()).isEqualTo(before);
  }

  @Test
  void listAndDescribeThroughReflection() {
    WeftRun list = weft("list", addr);
    assertThat(list.code()).isEqualTo(Weft.OK);
    assertThat(list.out().lines().toList())
        .contains("grpc.testing.TestService", "grpc.reflection.v1.ServerReflection");
    WeftRun methods = weft("list", addr, "grpc.testing.TestService");
    assertThat(methods.out())
        .isEqualTo(
            "grpc.testing.TestService.EmptyCall\n"
                + "grpc.testing.TestService.UnaryCall\n"
                + "grpc.testing.TestService.CacheableUnaryCall\n"
                + "grpc.testing.TestService.StreamingOutputCall (server streaming)\n"
                + "grpc.testing.TestService.StreamingInputCall (client streaming)\n"
                + "grpc.testing.TestService.FullDuplexCall (bidirectional streaming)\n"
                + "grpc.testing.TestService.HalfDuplexCall (bidirectional streaming)\n"
                + "grpc.testing.TestService.UnimplementedCall\n");
    WeftRun method = weft("describe", addr, "grpc.testing.TestService.UnaryCall");
    assertThat(method.out())
        .isEqualTo(
            "grpc.testing.TestService.UnaryCall is a method:\n"
                + "rpc UnaryCall ( .grpc.testing.SimpleRequest ) returns ("
                + " .grpc.testing.SimpleResponse );\n");
    WeftRun message = weft("describe", addr, "grpc.testing.EchoStatus");
    assertThat(message.out())
        .isEqualTo(
            "grpc.testing.EchoStatus is a message:\n"
                + "message EchoStatus {\n"
                + "  int32 code = 1;\n"
                + "  string message = 2;\n"
                + "}\n");
    WeftRun missing = weft("describe", addr, "grpc.testing.Nope");
    assertThat(missing.code()).isEqualTo(Weft.USAGE);
    assertThat(missing.err()).contains("no symbol grpc.testing.Nope");
  }

  @Test
  void reflectionAndCallsOverTls(@TempDir Path dir) throws Exception {
    TestCertificates.Key key = TestCertificates.create(dir, "weft-cli-grpc");
    Server tls =
        Server.newServer(
                GenericServer.proto(
                    ProtoDescriptors.fromProto(List.of(Path.of(PROTO)), List.of(ROOT)),
                    "grpc.testing.TestService",
                    WeftGrpcTest::handle),
                ServerOptions.withPort(0),
                ServerOptions.withTls(
                    TlsConfig.builder().keyPem(key.certificatePem(), key.privateKeyPem()).build()))
            .start();
    try {
      String at = "localhost:" + tls.port();
      WeftRun call =
          weft(
              "call",
              "--cacert",
              key.certificatePem().toString(),
              at,
              "grpc.testing.TestService/UnaryCall",
              "{\"responseSize\": 1}");
      assertThat(call.err()).isEmpty();
      assertThat(call.out()).isEqualTo("{\"payload\":{\"body\":\"AA==\"}}\n");
      WeftRun list = weft("list", "--insecure", at);
      assertThat(list.out().lines().toList()).contains("grpc.testing.TestService");
      WeftRun untrusted = weft("list", "--tls", at);
      assertThat(untrusted.code()).isEqualTo(Weft.RPC_FAILED);
      assertThat(untrusted.err()).contains("UNAVAILABLE");
    } finally {
      tls.stop();
    }
  }

  @Test
  void listAndDescribeFromTheProtoFiles() {
    WeftRun list = weft("list", "--proto", PROTO, "-I", ROOT.toString());
    assertThat(list.out())
        .isEqualTo("grpc.testing.TestService\ngrpc.testing.UnimplementedService\n");
    WeftRun service =
        weft(
            "describe",
            "--proto",
            PROTO,
            "-I",
            ROOT.toString(),
            "grpc.testing.UnimplementedService");
    assertThat(service.out())
        .isEqualTo(
            "grpc.testing.UnimplementedService is a service:\n"
                + "service UnimplementedService {\n"
                + "  rpc UnimplementedCall ( .grpc.testing.Empty ) returns ( .grpc.testing.Empty );\n"
                + "}\n");
    WeftRun none = weft("list");
    assertThat(none.code()).isEqualTo(Weft.USAGE);
    assertThat(none.err()).contains("HOST:PORT");
  }

  /** A response of {@code size} zero bytes as weft prints it. */
  static String body(int size) {
    return "{\"payload\":{\"body\":\""
        + Base64.getEncoder().encodeToString(new byte[size])
        + "\"}}";
  }

  @Test
  void bidiStreamingReadsJsonLinesAndPrintsOneResponseALine() {
    WeftRun r =
        weftWithInput(
            "{\"responseParameters\": [{\"size\": 1}]}\n\n  \n"
                + "{\"response_parameters\": [{\"size\": 2}, {\"size\": 3}]}\n{}\n",
            "call",
            streams,
            "grpc.testing.TestService/FullDuplexCall");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo(body(1) + "\n" + body(2) + "\n" + body(3) + "\n");
    assertThat(r.code()).isEqualTo(Weft.OK);
    WeftRun half =
        weftWithInput(
            "{\"responseParameters\": [{\"size\": 4}]}\n{\"responseParameters\": [{\"size\": 5}]}",
            "call",
            "--proto",
            PROTO,
            "-I",
            ROOT.toString(),
            streams,
            "TestService.HalfDuplexCall",
            "-");
    assertThat(half.err()).isEmpty();
    assertThat(half.out()).isEqualTo(body(4) + "\n" + body(5) + "\n");
    WeftRun one =
        weft(
            "call",
            streams,
            "grpc.testing.TestService/FullDuplexCall",
            "{\"responseParameters\": [{\"size\": 6}]}");
    assertThat(one.out()).isEqualTo(body(6) + "\n");
    assertThat(one.code()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "kitex-protobuf"})
  void clientStreamingSendsEveryLineThenPrintsTheOneResponse(String transport) {
    WeftRun r =
        weftWithInput(
            "{\"payload\": {\"body\": \"AAE=\"}}\n{\"payload\": {\"body\": \"AAEC\"}}\n{}\n",
            "call",
            "--proto",
            PROTO,
            "-I",
            ROOT.toString(),
            "--transport",
            transport, // streaming calls go over gRPC whatever the transport
            streams,
            "grpc.testing.TestService/StreamingInputCall");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("{\"aggregatedPayloadSize\":5}\n");
    assertThat(r.code()).isZero();
    WeftRun none = weft("call", streams, "grpc.testing.TestService/StreamingInputCall");
    assertThat(none.out()).isEqualTo("{}\n"); // no requests: a zero sum, printed as {}
    assertThat(none.code()).isZero();
  }

  @Test
  void serverStreamingTakesOneRequestFromTheArgumentOrStdin() {
    String want = body(1) + "\n" + body(2) + "\n" + body(3) + "\n";
    WeftRun arg =
        weft(
            "call",
            streams,
            "grpc.testing.TestService/StreamingOutputCall",
            "{\"responseParameters\": [{\"size\": 1}, {\"size\": 2}, {\"size\": 3}]}");
    assertThat(arg.err()).isEmpty();
    assertThat(arg.out()).isEqualTo(want);
    assertThat(arg.code()).isZero();
    WeftRun stdin =
        weftWithInput(
            "{\n  \"responseParameters\": [\n    {\"size\": 1},\n    {\"size\": 2},\n"
                + "    {\"size\": 3}\n  ]\n}\n",
            "call",
            streams,
            "TestService/StreamingOutputCall");
    assertThat(stdin.out()).isEqualTo(want);
    assertThat(stdin.code()).isZero();
  }

  @Test
  void streamingFailuresAndBadLines() {
    WeftRun failed =
        weftWithInput(
            "{\"responseParameters\": [{\"size\": 1}]}\n"
                + "{\"responseStatus\": {\"code\": 9, \"message\": \"not now\"}}\n",
            "call",
            streams,
            "grpc.testing.TestService/FullDuplexCall");
    assertThat(failed.code()).isEqualTo(Weft.RPC_FAILED);
    assertThat(failed.out()).isEqualTo(body(1) + "\n"); // what came before the failure
    assertThat(failed.err())
        .isEqualTo(
            "weft: grpc.testing.TestService/FullDuplexCall failed: FAILED_PRECONDITION: not"
                + " now\n");
    WeftRun bidi =
        weftWithInput(
            "{\"responseParameters\": [{\"size\": 1}]}\nnot json\n",
            "call",
            streams,
            "grpc.testing.TestService/FullDuplexCall");
    assertThat(bidi.code()).isEqualTo(Weft.USAGE);
    assertThat(bidi.err()).contains("line 2: FullDuplexCall request: the JSON does not fit");
    WeftRun server =
        weft("call", streams, "grpc.testing.TestService/StreamingOutputCall", "{\"nope\": 1}");
    assertThat(server.code()).isEqualTo(Weft.USAGE);
    assertThat(server.out()).isEmpty();
    assertThat(server.err()).contains("StreamingOutputCall request:").contains("nope");
    WeftRun late =
        weft(
            "call",
            "--timeout",
            "300ms",
            streams,
            "grpc.testing.TestService/StreamingOutputCall",
            "{\"responseParameters\": [{\"size\": 1}, {\"size\": 1, \"intervalUs\": 2000000}]}");
    assertThat(late.code()).isEqualTo(Weft.RPC_FAILED);
    assertThat(late.out()).isEqualTo(body(1) + "\n");
    assertThat(late.err())
        .contains("grpc.testing.TestService/StreamingOutputCall failed: DEADLINE_EXCEEDED");
  }
}
