package io.weft.opentelemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.logging.Formatter;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * A {@code java.util.logging} formatter, so also one for {@code System.Logger} (whose default
 * backend is JUL), that writes the trace and span ids of the span current where the record is
 * formatted: inside a Weft handler, the server span. JUL's own handlers ({@code ConsoleHandler},
 * {@code FileHandler}) format on the logging thread, so the ids are the handler's.
 *
 * <p>Its format is {@link java.util.logging.SimpleFormatter}'s, with two more arguments: {@code
 * %7$s} the trace id and {@code %8$s} the span id (empty outside a span). Set it with the logging
 * property {@code io.weft.opentelemetry.TraceContextFormatter.format}; the default is {@value
 * #DEFAULT_FORMAT}. For example, in {@code logging.properties}:
 *
 * <pre>
 * java.util.logging.ConsoleHandler.formatter = io.weft.opentelemetry.TraceContextFormatter
 * io.weft.opentelemetry.TraceContextFormatter.format = %1$tT %4$s %3$s trace_id=%7$s span_id=%8$s %5$s%6$s%n
 * </pre>
 */
public class TraceContextFormatter extends Formatter {
  /** The format used when none is configured. */
  public static final String DEFAULT_FORMAT =
      "%1$tF %1$tT.%1$tL %4$s %3$s [trace_id=%7$s span_id=%8$s] %5$s%6$s%n";

  private final String format;

  /** The format from the logging property, else {@link #DEFAULT_FORMAT}. */
  public TraceContextFormatter() {
    this(configured());
  }

  /** Formats with {@code format} (see the class comment for its arguments). */
  public TraceContextFormatter(String format) {
    this.format = format;
  }

  private static String configured() {
    String f =
        LogManager.getLogManager().getProperty(TraceContextFormatter.class.getName() + ".format");
    return f == null || f.isBlank() ? DEFAULT_FORMAT : f;
  }

  @Override
  public String format(LogRecord record) {
    ZonedDateTime time = ZonedDateTime.ofInstant(record.getInstant(), ZoneId.systemDefault());
    String source =
        record.getSourceClassName() == null
            ? record.getLoggerName()
            : record.getSourceClassName()
                + (record.getSourceMethodName() == null ? "" : " " + record.getSourceMethodName());
    String thrown = "";
    if (record.getThrown() != null) {
      StringWriter sw = new StringWriter();
      try (PrintWriter pw = new PrintWriter(sw)) {
        pw.println();
        record.getThrown().printStackTrace(pw);
      }
      thrown = sw.toString();
    }
    SpanContext span = Span.current().getSpanContext();
    String traceId = span.isValid() ? span.getTraceId() : "";
    String spanId = span.isValid() ? span.getSpanId() : "";
    return String.format(
        format,
        time,
        source,
        record.getLoggerName(),
        record.getLevel().getLocalizedName(),
        formatMessage(record),
        thrown,
        traceId,
        spanId);
  }
}
