package io.weft.opentelemetry;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;

/**
 * The W3C {@code traceparent} header, written and read as OpenTelemetry's {@code
 * W3CTraceContextPropagator} writes and reads it, for when that propagator is the only one: then
 * Weft handles the header itself, without the propagator's getter and setter round trips.
 */
final class Traceparent {
  /** {@code 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>}. */
  private static final int LENGTH = 55;

  private static final int TRACE_ID = 3;
  private static final int SPAN_ID = 36;
  private static final int FLAGS = 53;

  private Traceparent() {}

  /** The header's value for {@code sc}, as the propagator writes it (version 00). */
  static String format(SpanContext sc) {
    return "00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-" + sc.getTraceFlags().asHex();
  }

  /**
   * The remote span context {@code value} carries, or the invalid one when it is malformed, by the
   * propagator's rules: a version of two lower-case hex digits other than {@code ff}, the three
   * dashes in place, exactly 55 characters for version 00 (more, after a dash, for a later
   * version), hex flags, and trace and span ids that {@link SpanContext#createFromRemoteParent}
   * accepts (lower case hex, not all zeros). No trace state: a caller that has one uses the
   * propagator.
   */
  static SpanContext parse(String value) {
    int n = value.length();
    boolean shaped =
        (n == LENGTH || (n > LENGTH && value.charAt(LENGTH) == '-'))
            && value.charAt(TRACE_ID - 1) == '-'
            && value.charAt(SPAN_ID - 1) == '-'
            && value.charAt(FLAGS - 1) == '-';
    if (!shaped) {
      return SpanContext.getInvalid();
    }
    char v0 = value.charAt(0);
    char v1 = value.charAt(1);
    boolean version00 = v0 == '0' && v1 == '0';
    if (!isHex(v0) || !isHex(v1) || (v0 == 'f' && v1 == 'f') || (version00 && n > LENGTH)) {
      return SpanContext.getInvalid();
    }
    char f0 = value.charAt(FLAGS);
    char f1 = value.charAt(FLAGS + 1);
    if (!isHex(f0) || !isHex(f1)) {
      return SpanContext.getInvalid();
    }
    byte flags = (byte) (hexValue(f0) << 4 | hexValue(f1));
    return SpanContext.createFromRemoteParent(
        value.substring(TRACE_ID, TRACE_ID + 32),
        value.substring(SPAN_ID, SPAN_ID + 16),
        TraceFlags.fromByte(flags),
        TraceState.getDefault());
  }

  /** The value of {@code c}, a lower-case hex digit. */
  private static int hexValue(char c) {
    return c <= '9' ? c - '0' : c - 'a' + 10;
  }

  /** Whether {@code c} is a lower-case hex digit, the only kind the propagator accepts. */
  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }
}
