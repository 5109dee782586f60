package io.weft.examples.interop;

import interop.thrift.AllTypes;
import interop.thrift.Color;
import interop.thrift.EchoError;
import interop.thrift.Inner;
import interop.thrift.Request;
import interop.thrift.echoservice.EchoServiceClient;
import io.weft.api.CallOptions;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The interop client cases of docs/interop.md. Each returns null when it passes, else why it
 * failed.
 */
public final class InteropClient {
  private InteropClient() {}

  /** Runs one case; returns null on success, else a one-line reason. */
  public static String run(String host, int port, String transport, String testCase) {
    try {
      return switch (transport) {
        case "ttheader" -> thrift(host, port, Transport.TTHEADER, testCase);
        case "framed" -> thrift(host, port, Transport.FRAMED, testCase);
        case "buffered" -> thrift(host, port, Transport.BUFFERED, testCase);
        case "grpc" -> GrpcCases.run(host, port, Transport.GRPC, testCase);
        case "kitexpb" ->
            switch (testCase) {
              case "empty_unary", "large_unary" ->
                  GrpcCases.run(host, port, Transport.TTHEADER, testCase);
              default ->
                  "case " + testCase + " is not defined for kitexpb (empty_unary, large_unary)";
            };
        case "grpc-thrift" -> StreamCases.thrift(host, port, testCase);
        case "grpc-proto-echo" -> StreamCases.proto(host, port, testCase);
        default -> "unknown transport " + transport;
      };
    } catch (RpcException e) {
      return e.code() + ": " + e.status().description().orElse("");
    } catch (Exception e) {
      return e.toString();
    }
  }

  static String thrift(String host, int port, Transport transport, String testCase)
      throws Exception {
    try (var cli =
        EchoServiceClient.newClient(
            "EchoService",
            ClientOptions.withHostPorts(host + ":" + port),
            ClientOptions.withTransport(transport))) {
      return switch (testCase) {
        case "echo" -> {
          for (String msg : List.of("hello", "", "héllo wörld ✓ 你好")) {
            String got = cli.echo(new Request().setMsg(msg)).getMsg();
            if (!msg.equals(got)) {
              yield "Echo(" + msg + ") returned " + got;
            }
          }
          yield null;
        }
        case "oneway" -> {
          String tag = "oneway-" + UUID.randomUUID();
          for (int i = 0; i < 100; i++) {
            cli.visitOneway(new Request().setMsg(tag));
          }
          long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
          long count;
          while ((count = cli.onewayCount(tag)) < 100 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
          }
          yield count == 100 ? null : "OnewayCount reached " + count + " of 100 within 5 s";
        }
        case "all_types" -> {
          AllTypes sent = allTypes();
          AllTypes got = cli.roundTrip(sent);
          if (!sent.equals(got)) {
            yield "RoundTrip changed the value: sent " + sent + ", got " + got;
          }
          yield got.isSetOpt() ? "opt came back set" : null;
        }
        case "declared_exception" -> {
          try {
            cli.fail(418, "teapot");
            yield "Fail returned normally";
          } catch (EchoError e) {
            yield e.getCode() == 418 && "teapot".equals(e.getMessage())
                ? null
                : "EchoError has wrong fields: " + e;
          }
        }
        case "void" -> {
          cli.ping();
          yield null;
        }
        case "timeout" -> {
          long start = System.nanoTime();
          try {
            cli.sleep(2000, CallOptions.timeout(Duration.ofMillis(200)));
            yield "Sleep(2000) with a 200 ms timeout returned";
          } catch (RpcException e) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (e.code() != StatusCode.DEADLINE_EXCEEDED) {
              yield "expected DEADLINE_EXCEEDED, got " + e.status();
            }
            yield ms < 1000 ? null : "the deadline error took " + ms + " ms";
          }
        }
        default -> "unknown case " + testCase;
      };
    }
  }

  /** A fully populated {@code AllTypes} with {@code opt} unset. */
  public static AllTypes allTypes() {
    Map<Integer, List<Inner>> nested = new LinkedHashMap<>();
    nested.put(
        1, new ArrayList<>(List.of(new Inner().setId(10), new Inner().setId(11).setNote("n"))));
    nested.put(-2, new ArrayList<>());
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("a", 1L);
    counts.put("b", Long.MIN_VALUE);
    return new AllTypes()
        .setB(true)
        .setI8((byte) -7)
        .setI16v((short) 30000)
        .setI32v(Integer.MIN_VALUE)
        .setI64v(Long.MAX_VALUE)
        .setDbl(3.5e-7)
        .setStr("päß ✓")
        .setBin(new byte[] {0, 1, (byte) 0xff, 0x7f})
        .setStrs(new ArrayList<>(List.of("x", "", "z")))
        .setInts(new LinkedHashSet<>(List.of(3, 1, 2)))
        .setCounts(counts)
        .setColor(Color.BLUE)
        .setInner(new Inner().setId(42).setNote("inner"))
        .setInners(new ArrayList<>(List.of(new Inner().setId(1), new Inner().setId(2))))
        .setNested(nested)
        .setReq(99);
  }

  static boolean same(Object a, Object b) {
    return Objects.equals(a, b);
  }
}
