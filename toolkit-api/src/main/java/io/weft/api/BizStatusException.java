package io.weft.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A business status error, Kitex's {@code BizStatusError}: the handler ran and answers with an
 * application-level status code, a message and optional extra key-value pairs, outside the IDL. A
 * handler throws it; the caller's client throws it back with the same fields.
 *
 * <p>On the wire (as Kitex writes it): over TTHeader, a normal reply whose string headers carry
 * {@code biz-status}, {@code biz-message} and {@code biz-extra} (a JSON object of strings); over
 * gRPC, status {@code INTERNAL} with the message as {@code grpc-message} and {@code biz-status} and
 * {@code biz-extra} in the trailers. Needs TTHeader or gRPC: plain Framed or Buffered Thrift has
 * nowhere to put it, so there the caller sees an {@code INTERNAL} error instead.
 */
public class BizStatusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The TTHeader string header and gRPC trailer with the status code. */
  public static final String STATUS_KEY = "biz-status";

  /** The TTHeader string header with the message (gRPC uses {@code grpc-message}). */
  public static final String MESSAGE_KEY = "biz-message";

  /** The TTHeader string header and gRPC trailer with the extra pairs, as a JSON object. */
  public static final String EXTRA_KEY = "biz-extra";

  private final int code;
  private final transient Map<String, String> extra;

  /** A business status error with no extra pairs; {@code code} is non-zero. */
  public BizStatusException(int code, String message) {
    this(code, message, Map.of());
  }

  /**
   * A business status error with extra pairs (sent as {@code biz-extra} JSON).
   *
   * @param code a non-zero status code (zero means "no error" on the wire)
   * @param message the error's message
   * @param extra extra key-value pairs, may be empty
   */
  public BizStatusException(int code, String message, Map<String, String> extra) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    if (code == 0) {
      throw new IllegalArgumentException("a business status code is never 0");
    }
    this.code = code;
    this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  /** The business status code. */
  public int code() {
    return code;
  }

  /** The extra pairs; empty if none. */
  public Map<String, String> extra() {
    return extra;
  }

  // getMessage() stays the business message a caller shows; toString() adds the code and extra for
  // logs
  @SuppressWarnings("OverrideThrowableToString")
  @Override
  public String toString() {
    return "BizStatusException{code="
        + code
        + ", message="
        + getMessage()
        + (extra.isEmpty() ? "" : ", extra=" + extra)
        + "}";
  }
}
