package io.weft.generic;

import io.weft.api.RpcException;
import io.weft.internal.wire.Json;
import io.weft.testing.TestServiceJson;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * grpc.testing.TestService written as generic handlers over JSON, as the gRPC interop-test
 * descriptions say a test server behaves (response intervals aside): the unary methods and the four
 * streaming ones. What the stream handler received and how its calls ended are kept for the tests.
 */
final class ProtoTestService {
  private ProtoTestService() {}

  /** Every request message the stream handler read, as JSON. */
  static final LinkedBlockingQueue<String> RECEIVED = new LinkedBlockingQueue<>();

  /** How each streaming call ended on the server: {@code OK} or its status code. */
  static final LinkedBlockingQueue<String> ENDED = new LinkedBlockingQueue<>();

  /** A response of {@code size} zero bytes as JSON, as the canonical mapping prints it. */
  static String body(int size) {
    return "{\"payload\":{\"body\":\""
        + Base64.getEncoder().encodeToString(new byte[size])
        + "\"}}";
  }

  /**
   * A request of {@code size} zero bytes asking for responses of {@code sizes} bytes; with no
   * sizes, a request that fits StreamingInputCall too.
   */
  static String request(int size, int... sizes) {
    Map<String, Object> request = new LinkedHashMap<>();
    if (sizes.length > 0) {
      List<Map<String, Object>> params = new ArrayList<>();
      for (int s : sizes) {
        params.add(Map.of("size", s));
      }
      request.put("responseParameters", params);
    }
    request.put("payload", Map.of("body", Base64.getEncoder().encodeToString(new byte[size])));
    return Json.write(request);
  }

  /**
   * The streaming methods: StreamingOutputCall, StreamingInputCall, FullDuplexCall and
   * HalfDuplexCall. A response size below zero makes the handler send a message that does not fit
   * the response type.
   */
  static void streams(String method, GenericServerStream stream) {
    try {
      switch (method) {
        case "StreamingOutputCall" -> respond(receive(stream.recv()), stream);
        case "StreamingInputCall" -> {
          int sum = 0;
          for (String m : stream) {
            sum += bodySize(receive(m));
          }
          stream.send(Json.write(Map.of("aggregatedPayloadSize", sum)));
        }
        case "FullDuplexCall" -> {
          for (String m : stream) {
            respond(receive(m), stream);
          }
        }
        case "HalfDuplexCall" -> {
          List<Map<String, Object>> all = new ArrayList<>();
          for (String m : stream) {
            all.add(receive(m));
          }
          for (Map<String, Object> r : all) {
            respond(r, stream);
          }
        }
        default -> throw new IllegalStateException("no stream method " + method);
      }
      ENDED.add("OK");
    } catch (RpcException e) {
      ENDED.add(e.status().code().name());
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> receive(String json) {
    RECEIVED.add(json);
    return (Map<String, Object>) Json.parse(json);
  }

  private static int bodySize(Map<String, Object> request) {
    if (request.get("payload") instanceof Map<?, ?> p && p.get("body") instanceof String b) {
      return Base64.getDecoder().decode(b).length;
    }
    return 0;
  }

  @SuppressWarnings("unchecked")
  private static void respond(Map<String, Object> request, GenericServerStream stream) {
    TestServiceJson.failIfAsked(request);
    if (!(request.get("responseParameters") instanceof List<?> params)) {
      return;
    }
    for (Object p : params) {
      Object size = ((Map<String, Object>) p).get("size");
      int n = size instanceof Number x ? x.intValue() : 0;
      stream.send(n < 0 ? "{\"payload\":{\"nope\":1}}" : body(n));
    }
  }
}
