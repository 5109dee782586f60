package io.weft.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.weft.api.ClientOptions;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.examples.interop.GoTools;
import io.weft.internal.wire.Json;
import io.weft.testing.TestServiceJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * grpcurl (a grpc-go client that knows the service only through reflection) against a Protobuf
 * generic server, unary and streaming ({@code -d @}: the request messages from stdin), and the
 * generic client's JSON compared with what grpcurl prints for the same call.
 */
class ProtoGrpcurlTest {
  static Path grpcurl;
  static Server server;

  /** A generic grpc.testing.TestService with a stream handler. */
  static Server streams;

  /** What one grpcurl run printed (stdout and stderr) and its exit code. */
  record Run(int exit, String output) {}

  @BeforeAll
  @Timeout(value = 20, unit = TimeUnit.MINUTES) // the first build downloads grpcurl's modules
  static void start() throws InterruptedException {
    try {
      grpcurl = GoTools.grpcurl();
    } catch (IOException e) {
      fail(e.getMessage());
    }
    ProtoDescriptors d = ProtoDescriptors.fromProto(List.of(ProtoLoopbackTest.PROTO), List.of());
    server =
        Server.newServer(
                GenericServer.proto(d, "weft.generic.test.Kinds", (method, json) -> json),
                ServerOptions.withPort(0))
            .start();
    ProtoDescriptors test =
        ProtoDescriptors.fromProto(
            ProtoInteropTest.TEST_PROTO, List.of(ProtoInteropTest.PROTO_ROOT));
    streams =
        Server.newServer(
                GenericServer.proto(
                    test, "TestService", TestServiceJson::unary, ProtoTestService::streams),
                ServerOptions.withPort(0))
            .start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
    if (streams != null) {
      streams.stop();
    }
  }

  static Run grpcurl(String... args) throws IOException, InterruptedException {
    return grpcurlWithInput("", args);
  }

  /** Runs grpcurl with {@code stdin} as its standard input ({@code -d @} reads it). */
  static Run grpcurlWithInput(String stdin, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(grpcurl.toString(), "-plaintext", "-max-time", "20"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out); // ends when grpcurl exits (-max-time bounds it)
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish in 60 s");
    }
    return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void grpcurlListsDescribesAndCallsTheGenericServer() throws Exception {
    String addr = "127.0.0.1:" + server.port();
    Run list = grpcurl(addr, "list");
    assertThat(list.exit()).as(list.output()).isZero();
    assertThat(list.output().lines().toList()).contains("weft.generic.test.Kinds");
    Run describe = grpcurl(addr, "describe", "weft.generic.test.Kinds");
    assertThat(describe.output())
        .contains("rpc Echo ( .weft.generic.test.Item ) returns ( .weft.generic.test.Item );");
    Run unimplemented = grpcurl("-d", "{}", addr, "weft.generic.test.Kinds/Watch");
    assertThat(unimplemented.exit()).isNotZero();
    assertThat(unimplemented.output()).contains("Unimplemented");
  }

  @Test
  void theGenericClientPrintsWhatGrpcurlPrints() throws Exception {
    String addr = "127.0.0.1:" + server.port();
    Run r = grpcurl("-d", ProtoLoopbackTest.ITEM, addr, "weft.generic.test.Kinds/Echo");
    assertThat(r.exit()).as(r.output()).isZero();
    try (GenericClient c =
        GenericClient.protoReflection("Kinds", ClientOptions.withHostPorts(addr))) {
      String ours = c.call("Echo", ProtoLoopbackTest.ITEM);
      assertThat(Json.parse(ours)).isEqualTo(Json.parse(r.output()));
      assertThat(ours).isEqualTo(ProtoLoopbackTest.ITEM_PRINTED);
    }
  }

  /** grpcurl's output as its messages: pretty-printed JSON objects one after another. */
  static List<Object> messages(String output) {
    List<Object> all = new ArrayList<>();
    for (String m : output.split("(?m)^}$")) {
      if (!m.isBlank()) {
        all.add(Json.parse(m + "}"));
      }
    }
    return all;
  }

  @Test
  void grpcurlStreamsWithTheGenericStreamServer() throws Exception {
    String addr = "127.0.0.1:" + streams.port();
    Run bidi =
        grpcurlWithInput(
            ProtoTestService.request(1, 3) + "\n" + ProtoTestService.request(2, 1, 2) + "\n",
            "-d",
            "@",
            addr,
            "grpc.testing.TestService/FullDuplexCall");
    assertThat(bidi.exit()).as(bidi.output()).isZero();
    assertThat(messages(bidi.output()))
        .containsExactly(
            Json.parse(ProtoTestService.body(3)),
            Json.parse(ProtoTestService.body(1)),
            Json.parse(ProtoTestService.body(2)));
    Run up =
        grpcurlWithInput(
            ProtoTestService.request(5) + ProtoTestService.request(7), // one message after another
            "-d",
            "@",
            addr,
            "grpc.testing.TestService/StreamingInputCall");
    assertThat(up.exit()).as(up.output()).isZero();
    assertThat(messages(up.output())).containsExactly(Json.parse("{\"aggregatedPayloadSize\":12}"));
    Run down =
        grpcurl(
            "-d",
            ProtoTestService.request(0, 4, 5),
            addr,
            "grpc.testing.TestService/StreamingOutputCall");
    assertThat(down.exit()).as(down.output()).isZero();
    assertThat(messages(down.output()))
        .containsExactly(
            Json.parse(ProtoTestService.body(4)), Json.parse(ProtoTestService.body(5)));
    Run failed =
        grpcurlWithInput(
            "{\"responseStatus\": {\"code\": 9, \"message\": \"not now\"}}",
            "-d",
            "@",
            addr,
            "grpc.testing.TestService/HalfDuplexCall");
    assertThat(failed.exit()).isNotZero();
    assertThat(failed.output()).contains("FailedPrecondition").contains("not now");
  }
}
