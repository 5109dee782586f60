package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.weft.api.Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * grpcurl 1.9.4 ({@link GoTools#grpcurl()}), a real grpc-go client that knows nothing of the
 * services but what server reflection tells it, against the one-port interop server in plaintext
 * HTTP/2: it lists the services, describes one, checks health and makes a unary call from JSON.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GrpcurlTest {
  private static Path grpcurl;
  private static Server server;

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
    server = InteropServer.create(0).start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
  }

  /** Runs {@code grpcurl -plaintext <flags> 127.0.0.1:<port> <rest>}. */
  private static Run grpcurl(List<String> flags, String... rest)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(grpcurl.toString(), "-plaintext", "-max-time", "20"));
    command.addAll(flags);
    command.add("127.0.0.1:" + server.port());
    command.addAll(List.of(rest));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader =
        Thread.ofPlatform()
            .daemon()
            .start(() -> {
              try {
                p.getInputStream().transferTo(out);
              } catch (IOException e) {
                // the process ended
              }
            });
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      reader.join();
      fail(
          String.join(" ", command)
              + " did not finish in 60 s; it printed:\n"
              + out.toString(StandardCharsets.UTF_8));
    }
    reader.join();
    return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void listNamesTheServicesWithHealthAndReflection() throws Exception {
    Run r = grpcurl(List.of(), "list");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output().lines().map(String::strip).toList())
        .contains("grpc.testing.TestService", "grpc.health.v1.Health")
        .anyMatch(l -> l.startsWith("grpc.reflection.") && l.endsWith(".ServerReflection"));
  }

  @Test
  void describeShowsTestServiceMethods() throws Exception {
    Run r = grpcurl(List.of(), "describe", "grpc.testing.TestService");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("grpc.testing.TestService is a service")
        .contains(
            "rpc UnaryCall ( .grpc.testing.SimpleRequest ) returns ( .grpc.testing.SimpleResponse );")
        .contains(
            "rpc FullDuplexCall ( stream .grpc.testing.StreamingOutputCallRequest )"
                + " returns ( stream .grpc.testing.StreamingOutputCallResponse );");
  }

  /**
   * {@code describe} with no symbol describes every service {@code list} names: each must resolve
   * (Health and reflection describe themselves; the server's Thrift services, which have no
   * Protobuf descriptors, are not listed).
   */
  @Test
  void describeResolvesEveryListedService() throws Exception {
    Run list = grpcurl(List.of(), "list");
    assertThat(list.exit()).as(list.output()).isZero();
    List<String> services =
        list.output().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    assertThat(services)
        .contains(
            "grpc.testing.TestService",
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
            "echo.EchoService")
        .doesNotContain(
            "interop.EchoService",
            "interop.StreamService"); // Thrift IDL: nothing to describe them with
    Run all = grpcurl(List.of(), "describe");
    assertThat(all.exit()).as(all.output()).isZero();
    for (String s : services) {
      assertThat(all.output()).as(all.output()).contains(s + " is a service:");
    }
    assertThat(all.output())
        .contains(
            "rpc Check ( .grpc.health.v1.HealthCheckRequest ) returns ( .grpc.health.v1.HealthCheckResponse );")
        .contains(
            "rpc ServerReflectionInfo ( stream .grpc.reflection.v1.ServerReflectionRequest )"
                + " returns ( stream .grpc.reflection.v1.ServerReflectionResponse );");
    Run message =
        grpcurl(List.of(), "describe", "grpc.reflection.v1alpha.ServerReflectionResponse");
    assertThat(message.exit()).as(message.output()).isZero();
    assertThat(message.output()).contains("oneof message_response {");
  }

  /**
   * grpcurl learns Health's messages from server reflection, as for any service the server lists.
   */
  @Test
  void healthCheckThroughReflectionAnswersServing() throws Exception {
    Run r = grpcurl(List.of("-d", "{}"), "grpc.health.v1.Health/Check");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output().replaceAll("\\s+", "")).contains("\"status\":\"SERVING\"");
  }

  /** The same with grpc/health/v1/health.proto given to grpcurl, which then needs no reflection. */
  @Test
  void healthCheckWithItsProtoAnswersServing(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("health.proto"),
        """
        syntax = "proto3";
        package grpc.health.v1;
        message HealthCheckRequest { string service = 1; }
        message HealthCheckResponse {
          enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
          ServingStatus status = 1;
        }
        service Health {
          rpc Check(HealthCheckRequest) returns (HealthCheckResponse);
          rpc Watch(HealthCheckRequest) returns (stream HealthCheckResponse);
        }
        """);
    Run r =
        grpcurl(
            List.of(
                "-import-path",
                dir.toString(),
                "-proto",
                "health.proto",
                "-d",
                "{\"service\": \"grpc.testing.TestService\"}"),
            "grpc.health.v1.Health/Check");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output().replaceAll("\\s+", "")).contains("\"status\":\"SERVING\"");
  }

  @Test
  void unaryCallFromJsonAnswers() throws Exception {
    Run r =
        grpcurl(
            List.of("-d", "{\"responseSize\": 4, \"payload\": {\"body\": \"aGVsbG8=\"}}"),
            "grpc.testing.TestService/UnaryCall");
    assertThat(r.exit()).as(r.output()).isZero();
    // four zero bytes, base64
    assertThat(r.output().replaceAll("\\s+", "")).contains("\"payload\":{\"body\":\"AAAAAA==\"}");
  }
}
