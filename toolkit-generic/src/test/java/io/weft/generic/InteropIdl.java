package io.weft.generic;

import io.weft.internal.wire.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * examples/interop's interop.thrift, an AllTypes value as JSON, and its EchoService as a generic
 * handler.
 */
final class InteropIdl {
  private InteropIdl() {}

  static final List<Path> IDL =
      List.of(Path.of("../examples/interop/src/main/thrift/interop.thrift"));

  /** Every type of AllTypes; an i64 beyond 2^53 (2^60 + 1) and binary with every kind of byte. */
  static final String ALL_TYPES =
      """
      {"b": true, "i8": -7, "i16v": 30000, "i32v": -2147483648, "i64v": 1152921504606846977, "dbl": 3.5e-7,
       "str": "päß ✓ \\"q\\"", "bin": "AAH/fw==", "strs": ["x", "", "z"], "ints": [1, 2, 3],
       "counts": {"a": 1, "b": -9223372036854775808}, "color": "BLUE",
       "inner": {"id": 42, "note": "inner"}, "inners": [{"id": 1}, {"id": 2}],
       "nested": {"1": [{"id": 10}, {"id": 11, "note": "n"}]}, "req": 99}\
      """;

  /**
   * Waits until the server behind {@code c} has counted {@code n} oneway calls tagged {@code tag}
   * (oneways are not ordered against later calls), asking once a millisecond, for at most 30 s.
   */
  static void awaitOnewayCount(GenericClient c, String tag, int n) {
    String want = Integer.toString(n);
    String args = "{\"tag\":\"" + tag + "\"}";
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    String count = c.call("OnewayCount", args);
    while (!count.equals(want) && System.nanoTime() - deadline < 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      count = c.call("OnewayCount", args);
    }
    org.assertj.core.api.Assertions.assertThat(count)
        .as("OnewayCount(%s) within 30 s", tag)
        .isEqualTo(want);
  }

  /** {@link #ALL_TYPES} as it comes back: enums by number. */
  static Object allTypesReply() {
    return Json.parse(ALL_TYPES.replace("\"BLUE\"", "3"));
  }

  /** interop.thrift's EchoService, served as its comments say, through JSON. */
  static final class EchoHandler implements GenericHandler {
    private final Map<String, AtomicLong> oneways = new ConcurrentHashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public String handle(String method, String jsonArgs) throws Exception {
      Map<String, Object> args = (Map<String, Object>) Json.parse(jsonArgs);
      switch (method) {
        case "Echo":
          return Json.write(Map.of("Msg", ((Map<String, Object>) args.get("req")).get("Msg")));
        case "VisitOneway":
          oneways
              .computeIfAbsent(
                  (String) ((Map<String, Object>) args.get("req")).get("Msg"),
                  k -> new AtomicLong())
              .incrementAndGet();
          return null;
        case "OnewayCount":
          AtomicLong n = oneways.get((String) args.get("tag"));
          return String.valueOf(n == null ? 0 : n.get());
        case "RoundTrip":
          return Json.write(args.get("v"));
        case "Fail":
          throw new GenericException(
              "EchoError",
              Json.write(Map.of("code", args.get("code"), "message", args.get("message"))));
        case "Sleep":
          Thread.sleep(
              ((Number) args.get("millis"))
                  .longValue()); // the method's contract, not a wait for a condition
          return "{\"Msg\":\"slept\"}";
        case "Ping":
          return null;
        default:
          throw new IllegalStateException("no method " + method);
      }
    }
  }
}
