/**
 * Weft's OpenTelemetry middleware: traces, metrics and context propagation for clients and servers.
 * The OpenTelemetry API and SLF4J are automatic modules (named by their manifests).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.weft.opentelemetry {
  requires transitive io.weft.api;
  requires transitive io.opentelemetry.api;
  requires transitive io.opentelemetry.context;
  // TraceContextFormatter is a java.util.logging Formatter.
  requires transitive java.logging;
  // Trace ids in the MDC only when the application has SLF4J.
  requires static org.slf4j;

  exports io.weft.opentelemetry;
}
