package io.weft.testing;

import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Json;
import java.util.Base64;
import java.util.Map;

/**
 * grpc.testing.TestService's unary methods as a generic handler over proto3 JSON, for the tests
 * that serve the interop service without generated code: {@code EmptyCall} answers the empty
 * message, {@code UnaryCall} a payload of {@code responseSize} zero bytes, or fails with {@code
 * responseStatus} when it asks for a non-zero code (as the interop cases {@code
 * status_code_and_message} expect).
 */
public final class TestServiceJson {
  private TestServiceJson() {}

  /** The reply to {@code method} with the request {@code json}. */
  @SuppressWarnings("unchecked")
  public static String unary(String method, String json) {
    if (method.equals("EmptyCall")) {
      return "{}";
    }
    Map<String, Object> request = (Map<String, Object>) Json.parse(json);
    failIfAsked(request);
    int size = request.get("responseSize") instanceof Number n ? n.intValue() : 0;
    return Json.write(
        Map.of("payload", Map.of("body", Base64.getEncoder().encodeToString(new byte[size]))));
  }

  /** Throws the status {@code request}'s {@code responseStatus} asks for, if its code is not 0. */
  public static void failIfAsked(Map<String, Object> request) {
    if (request.get("responseStatus") instanceof Map<?, ?> s
        && s.get("code") instanceof Number code
        && code.intValue() != 0) {
      throw Status.of(StatusCode.fromValue(code.intValue()), String.valueOf(s.get("message")))
          .asException();
    }
  }
}
