package io.weft.opentelemetry;

import io.opentelemetry.api.trace.SpanContext;

/**
 * Puts {@code trace_id} and {@code span_id} into SLF4J's MDC while a handler runs, when SLF4J is on
 * the class path (it is an optional dependency), and puts back what was there after.
 */
final class LogIds {
  /** MDC keys, as OpenTelemetry's own logging instrumentation names them. */
  static final String TRACE_ID = "trace_id";

  static final String SPAN_ID = "span_id";

  private static final boolean SLF4J = slf4jPresent();

  private LogIds() {}

  /** Undoes a {@link #put}. */
  interface Restore extends AutoCloseable {
    @Override
    void close();
  }

  private static final Restore NOTHING = () -> {};

  static Restore put(SpanContext span) {
    if (!SLF4J || !span.isValid()) {
      return NOTHING;
    }
    return Slf4jMdc.put(span.getTraceId(), span.getSpanId());
  }

  private static boolean slf4jPresent() {
    try {
      Class.forName("org.slf4j.MDC", false, LogIds.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Loaded only when SLF4J is there. */
  private static final class Slf4jMdc {
    /** Undoes a put on a thread whose MDC had neither key. */
    private static final Restore REMOVE =
        () -> {
          org.slf4j.MDC.remove(TRACE_ID);
          org.slf4j.MDC.remove(SPAN_ID);
        };

    static Restore put(String traceId, String spanId) {
      String oldTrace = org.slf4j.MDC.get(TRACE_ID);
      String oldSpan = org.slf4j.MDC.get(SPAN_ID);
      org.slf4j.MDC.put(TRACE_ID, traceId);
      org.slf4j.MDC.put(SPAN_ID, spanId);
      if (oldTrace == null && oldSpan == null) {
        return REMOVE; // the usual case, a handler's fresh thread: nothing to capture
      }
      return () -> {
        restore(TRACE_ID, oldTrace);
        restore(SPAN_ID, oldSpan);
      };
    }

    private static void restore(String key, String value) {
      if (value == null) {
        org.slf4j.MDC.remove(key);
      } else {
        org.slf4j.MDC.put(key, value);
      }
    }
  }
}
