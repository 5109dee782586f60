package io.weft.internal.wire;

import io.weft.api.BizStatusException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * {@link BizStatusException} to and from Kitex's headers: {@code biz-status} (decimal int32),
 * {@code biz-message}, and {@code biz-extra}, a flat JSON object of strings.
 */
public final class BizStatus {
  /** The longest {@code biz-extra} read; longer ones are refused before parsing. */
  public static final int MAX_EXTRA_CHARS = 64 * 1024;

  private BizStatus() {}

  /**
   * Writes {@code e}'s code, extra and (when {@code withMessage}) message through {@code put}. gRPC
   * carries the message in {@code grpc-message} instead.
   */
  public static void write(
      BizStatusException e, boolean withMessage, BiConsumer<String, String> put) {
    put.accept(BizStatusException.STATUS_KEY, Integer.toString(e.code()));
    if (withMessage) {
      put.accept(BizStatusException.MESSAGE_KEY, e.getMessage());
    }
    if (!e.extra().isEmpty()) {
      put.accept(BizStatusException.EXTRA_KEY, toJson(e.extra()));
    }
  }

  /**
   * The business error the headers carry, or null when they carry none (no {@code biz-status}, or
   * 0). {@code message} is used when the headers have no {@code biz-message}.
   *
   * @throws WireException if {@code biz-status} or {@code biz-extra} is malformed
   */
  public static BizStatusException read(UnaryOperator<String> get, String message)
      throws WireException {
    String status = get.apply(BizStatusException.STATUS_KEY);
    if (status == null) {
      return null;
    }
    int code;
    try {
      code = Integer.parseInt(status.trim());
    } catch (NumberFormatException e) {
      throw new WireException("malformed biz-status " + status);
    }
    if (code == 0) {
      return null;
    }
    String msg = get.apply(BizStatusException.MESSAGE_KEY);
    String extra = get.apply(BizStatusException.EXTRA_KEY);
    return new BizStatusException(
        code,
        msg != null ? msg : message == null ? "" : message,
        extra == null || extra.isEmpty() ? Map.of() : fromJson(extra));
  }

  /** A JSON object of the pairs, in order. */
  public static String toJson(Map<String, String> m) {
    return Json.write(m);
  }

  /**
   * Parses a flat JSON object whose values are strings (what Kitex writes). Numbers, booleans and
   * null as values are kept as text ({@code 1.5}, {@code true}, {@code null}); nested values are
   * refused.
   */
  public static Map<String, String> fromJson(String json) throws WireException {
    if (json.length() > MAX_EXTRA_CHARS) {
      throw new WireException(
          "biz-extra of " + json.length() + " characters exceeds " + MAX_EXTRA_CHARS);
    }
    Object v;
    try {
      v = Json.parse(json);
    } catch (IllegalArgumentException e) {
      throw new WireException("malformed biz-extra: " + e.getMessage());
    }
    if (!(v instanceof Map<?, ?> object)) {
      throw new WireException("malformed biz-extra: not a JSON object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : object.entrySet()) {
      Object value = e.getValue();
      if (value instanceof Map<?, ?> || value instanceof java.util.List<?>) {
        throw new WireException(
            "malformed biz-extra: the value of " + e.getKey() + " is not a string or scalar");
      }
      out.put(
          (String) e.getKey(),
          value instanceof java.math.BigDecimal d ? d.toPlainString() : String.valueOf(value));
    }
    return out;
  }
}
