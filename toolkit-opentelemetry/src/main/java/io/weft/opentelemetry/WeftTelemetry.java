package io.weft.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.weft.api.CallContext;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.Endpoint;
import io.weft.api.Invocation;
import io.weft.api.MethodKind;
import io.weft.api.Middleware;
import io.weft.api.RpcException;
import io.weft.api.ServerOption;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * OpenTelemetry for Weft clients and servers: one option each turns on spans, metrics, trace
 * context propagation and trace ids in log records.
 *
 * <pre>{@code
 * WeftTelemetry telemetry = WeftTelemetry.create(openTelemetry);
 * var server = EchoService.newServer(handler, withServiceAddr("0.0.0.0", 8888), telemetry.serverOption());
 * var client = EchoService.newClient(withHostPorts("echo:8888"), telemetry.clientOption());
 * }</pre>
 *
 * <p><b>Spans</b> follow OpenTelemetry's RPC semantic conventions as of v1.37 (the experimental
 * ones that grpc-java's and Kitex's instrumentations also emit): a {@code CLIENT} span per call
 * made and a {@code SERVER} span per call served, named {@code service/method} with the service's
 * full name ({@link Invocation#fullService()}: with its proto package, {@code
 * grpc.testing.TestService/UnaryCall}, as grpc-java names its spans; a Thrift service with its Go
 * package, {@code echo.EchoService/Echo}, as kitex-contrib/obs-opentelemetry names them), with
 * {@code rpc.system} ({@code grpc} over gRPC, else {@code apache_thrift}: TTHeader, Framed and
 * unframed Thrift, and Kitex Protobuf inside TTHeader), {@code rpc.service} (the same full name, as
 * the conventions and grpc-java have it; obs-opentelemetry writes Kitex's service name there),
 * {@code rpc.method}, over gRPC {@code rpc.grpc.status_code}; on a client {@code
 * server.address}/{@code server.port}, the instance the call went to (its last attempt's), and
 * {@code network.peer.address}/{@code network.peer.port} when that instance is an IP address; on a
 * server {@code client.address}/{@code client.port} and {@code network.peer.address}/{@code
 * network.peer.port}, the connection's peer; and on failure {@code error.type} and an exception
 * event. A client span's address attributes are set when it ends, since balancing picks the
 * instance below the middleware. A client span is in error for any failure; a gRPC server span for
 * the server-side codes of the gRPC conventions (UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED,
 * INTERNAL, UNAVAILABLE, DATA_LOSS), any other server span for any exception. A server stream's
 * span covers the whole handler, so the whole stream; a client stream's span lasts from opening the
 * stream to its end: the server's clean end ({@code recv} returning null, {@code closeAndRecv}
 * returning), a failure, or {@code cancel}/{@code close} (a stream dropped without any of these
 * leaves its span open).
 *
 * <p><b>Metrics</b>: {@code rpc.client.duration} and {@code rpc.server.duration} (histograms in
 * ms), {@code rpc.{client,server}.request.size} and {@code .response.size} (bytes of the call's
 * messages: one message for unary calls, the stream's total for streams), and {@code
 * rpc.{client,server}.requests_per_rpc} and {@code .responses_per_rpc} (messages per stream; not
 * recorded for unary calls, whose counts are always 1). Attributes: {@code rpc.system}, {@code
 * rpc.service}, {@code rpc.method}, {@code rpc.grpc.status_code} over gRPC, {@code error.type} on
 * failure.
 *
 * <p><b>Propagation</b> uses the {@link OpenTelemetry}'s propagators (W3C {@code traceparent},
 * {@code tracestate} and {@code baggage} when configured so): over gRPC as lower-case metadata
 * (plus the {@code rpc-transit-} copy a Kitex gRPC server reads through its metainfo); over
 * TTHeader as kitex-contrib/obs-opentelemetry carries them, transient metainfo, so TTHeader string
 * headers {@code RPC_TRANSIT_traceparent}, {@code RPC_TRANSIT_tracestate}, {@code
 * RPC_TRANSIT_baggage}. Framed and unframed Thrift have no headers: their spans are recorded, but
 * no trace context travels. When the propagator is W3C trace context alone ({@code
 * W3CTraceContextPropagator.getInstance()}), a client writes {@code traceparent} itself, the value
 * the propagator would write, and a server reads it itself, to the span context the propagator
 * would read, which costs less; with trace state to carry, or any other propagator (composites
 * included), the propagator writes and reads the headers.
 *
 * <p><b>In the handler</b> the server span's context is current ({@code Context.current()}, and
 * {@code Span.current()}), on the handler's thread; a thread the handler starts sees it when the
 * task is wrapped ({@code Context.current().wrap(runnable)}, {@code
 * Context.taskWrapping(executor)}). A client called from the handler continues the trace. With
 * SLF4J on the class path, {@code trace_id} and {@code span_id} are in its MDC while the handler
 * runs; for {@code System.Logger} and {@code java.util.logging} see {@link TraceContextFormatter}.
 */
public final class WeftTelemetry {
  /** The instrumentation scope's name. */
  public static final String INSTRUMENTATION_NAME = "io.weft";

  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<Long> RPC_GRPC_STATUS_CODE =
      AttributeKey.longKey("rpc.grpc.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> NETWORK_PEER_ADDRESS =
      AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> NETWORK_PEER_PORT = AttributeKey.longKey("network.peer.port");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
  static final AttributeKey<Long> CLIENT_PORT = AttributeKey.longKey("client.port");

  /** The W3C trace context headers. */
  private static final String TRACEPARENT = "traceparent";

  private static final String TRACESTATE = "tracestate";

  /** The status code attribute's value of a call that succeeded. */
  private static final Long OK_CODE = (long) StatusCode.OK.value();

  /** One more than the largest status code value: the size of a method's failed attributes. */
  private static final int CODES =
      Arrays.stream(StatusCode.values()).mapToInt(StatusCode::value).max().orElse(0) + 1;

  /** The size of {@link #recent}, a power of two. */
  private static final int RECENT_SLOTS = 64;

  private final Tracer tracer;

  /** Connection peers and server instances, parsed for their span attributes. */
  private final Addresses addresses = new Addresses();

  private final TextMapPropagator propagator;
  private final Carriers carriers;

  /**
   * The {@code traceparent} keys when the propagator is exactly W3C trace context (then a client
   * writes that header itself), else null.
   */
  private final Carriers.Keys w3cTraceparent;

  /**
   * The names {@code traceparent} and {@code tracestate} travel under when {@link #w3cTraceparent}
   * is set (then a server reads them itself), else null.
   */
  private final Carriers.PairNames w3cHeaders;

  private final RpcMetrics clientMetrics;
  private final RpcMetrics serverMetrics;

  /**
   * Per service (full name), method and transport what every call of it repeats, made at its first
   * call: so that a call builds no span name and no attributes. Read through {@link #recent} first.
   */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, EnumMap<Transport, Method>>>
      methods = new ConcurrentHashMap<>();

  /**
   * The methods called lately, by a hash of their names and transport: a call finds its {@link
   * Method} here with one array read and string comparisons that end at the first reference check
   * (the strings an {@link Invocation} carries are its method descriptor's own, whose hash codes
   * are cached), and goes to {@link #methods} only on a miss. Slots are written without locks: a
   * {@link Method} is immutable, so a thread sees either null, an older one or the new one, and
   * checks it.
   */
  private final Method[] recent = new Method[RECENT_SLOTS];

  /**
   * What calls of one method over one transport share: the span name, the span attributes' values
   * and the metric attributes of a call that succeeded, and of one that failed with an {@link
   * RpcException}, by its status code's value (made at the first such failure).
   */
  private record Method(
      String spanName,
      String system,
      String service,
      String method,
      Transport transport,
      boolean grpc,
      Attributes ok,
      AtomicReferenceArray<Attributes> failed) {
    /** Whether this is the method {@code inv} calls. */
    boolean serves(Invocation inv) {
      // String.equals compares references first: the descriptor's own strings match at once
      return transport == inv.transport()
          && method.equals(inv.method())
          && service.equals(inv.fullService());
    }
  }

  private WeftTelemetry(OpenTelemetry openTelemetry) {
    tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
    propagator = openTelemetry.getPropagators().getTextMapPropagator();
    carriers = new Carriers(propagator.fields());
    boolean w3c = propagator == W3CTraceContextPropagator.getInstance();
    w3cTraceparent = w3c ? carriers.keys(TRACEPARENT) : null;
    w3cHeaders =
        w3c
            ? new Carriers.PairNames(
                w3cTraceparent, TRACEPARENT, carriers.keys(TRACESTATE), TRACESTATE)
            : null;
    clientMetrics = new RpcMetrics(openTelemetry.getMeter(INSTRUMENTATION_NAME), "rpc.client");
    serverMetrics = new RpcMetrics(openTelemetry.getMeter(INSTRUMENTATION_NAME), "rpc.server");
  }

  /**
   * Instrumentation that reports to {@code openTelemetry} (the application's SDK, or {@code
   * GlobalOpenTelemetry.get()}).
   */
  public static WeftTelemetry create(OpenTelemetry openTelemetry) {
    return new WeftTelemetry(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /** The client option that instruments every call: {@code withMiddleware(clientMiddleware())}. */
  public ClientOption clientOption() {
    return ClientOptions.withMiddleware(clientMiddleware());
  }

  /**
   * The server option that instruments every call served: {@code
   * withMiddleware(serverMiddleware())}.
   */
  public ServerOption serverOption() {
    return ServerOptions.withMiddleware(serverMiddleware());
  }

  /**
   * The client middleware. Add it first (outermost) to time the whole call, retries included; the
   * trace context is written into the call's metadata.
   */
  public Middleware clientMiddleware() {
    return next -> (inv, req) -> clientCall(next, inv, req);
  }

  /**
   * The server middleware. Add it first (outermost) so that the other middlewares and the handler
   * run in the server span's context.
   */
  public Middleware serverMiddleware() {
    return next -> (inv, req) -> serverCall(next, inv, req);
  }

  private Object clientCall(Endpoint next, Invocation inv, Object req) throws Exception {
    Method m = method(inv);
    Context parent = Context.current();
    Span span = startSpan(m, SpanKind.CLIENT, parent);
    Context context = parent.with(span);
    inject(span, context, inv);
    long start = System.nanoTime();
    boolean stream = isStream(inv.kind());
    Throwable error = null;
    try (Scope ignored = context.makeCurrent()) {
      Object response = next.call(inv, req);
      // a stream's span lasts until the stream ends, which comes after the middleware returns
      return stream
          ? new TracedClientStream<>(
              response, failure -> end(span, m, inv, parent, start, failure, false))
          : response;
    } catch (Exception | Error e) {
      error = e;
      throw e;
    } finally {
      if (!stream || error != null) {
        end(span, m, inv, parent, start, error, false);
      }
    }
  }

  private Object serverCall(Endpoint next, Invocation inv, Object req) throws Exception {
    Method m = method(inv);
    Context outer = Context.current(); // what is current again after the call, for the metrics
    // A call served starts from what the caller sent, not from whatever this thread had.
    Context parent = remoteParent(inv);
    Span span = startSpan(m, SpanKind.SERVER, parent);
    if (span.isRecording()) {
      Addresses.Peer peer = addresses.peer(CallContext.current().peer());
      if (!peer.address().isEmpty()) {
        span.setAttribute(CLIENT_ADDRESS, peer.address());
        span.setAttribute(NETWORK_PEER_ADDRESS, peer.address());
        if (peer.port() != null) {
          span.setAttribute(CLIENT_PORT, peer.port());
          span.setAttribute(NETWORK_PEER_PORT, peer.port());
        }
      }
    }
    Context context = parent.with(span);
    long start = System.nanoTime();
    Throwable error = null;
    try (Scope ignored = context.makeCurrent();
        LogIds.Restore logIds = LogIds.put(span.getSpanContext())) {
      return next.call(inv, req);
    } catch (Exception | Error e) {
      error = e;
      throw e;
    } finally {
      end(span, m, inv, outer, start, error, true);
    }
  }

  /**
   * Writes the trace context into a call's metadata. With the W3C propagator alone and no trace
   * state, {@code traceparent} is written here, straight from the span context, to the same keys
   * and with the same value as the propagator writes (version 00, trace id, span id, flags),
   * without its setter's indirection and thread-local buffer; anything else goes through the
   * propagator.
   */
  private void inject(Span span, Context context, Invocation inv) {
    if (w3cTraceparent != null) {
      SpanContext sc = span.getSpanContext();
      if (sc.isValid() && sc.getTraceState().isEmpty()) {
        if (Carriers.carries(inv.transport())) {
          Carriers.set(inv, TRACEPARENT, w3cTraceparent, Traceparent.format(sc));
        }
        return;
      }
    }
    propagator.inject(context, inv, carriers.setter);
  }

  /**
   * The context a call served continues: what the caller sent, in a context of its own (not
   * whatever this thread had). With the W3C propagator alone, {@code traceparent} and {@code
   * tracestate} are found in one pass over the metadata and {@code traceparent} is parsed here, to
   * the span context the propagator would extract; with a trace state to decode, or any other
   * propagator, the propagator extracts.
   */
  Context remoteParent(Invocation inv) {
    if (w3cTraceparent == null) {
      return propagator.extract(Context.root(), inv, carriers.getter);
    }
    if (inv.metadata().isEmpty()) { // a call that carries nothing
      return Context.root();
    }
    Carriers.Pair found = Carriers.find(inv, w3cHeaders);
    String traceparent = found.value(0);
    if (traceparent == null) {
      return Context.root();
    }
    String tracestate = found.value(1);
    if (tracestate != null && !tracestate.isEmpty()) {
      return propagator.extract(Context.root(), inv, carriers.getter);
    }
    SpanContext sc = Traceparent.parse(traceparent);
    return sc.isValid() ? Context.root().with(Span.wrap(sc)) : Context.root();
  }

  /**
   * Starts a span and, when it records, gives it the method's attributes. They are set after the
   * sampler decided, as grpc-java's and obs-opentelemetry's instrumentations set theirs (neither
   * hands the sampler any): a span the sampler drops then costs no attribute map.
   */
  private Span startSpan(Method m, SpanKind kind, Context parent) {
    Span span = tracer.spanBuilder(m.spanName()).setSpanKind(kind).setParent(parent).startSpan();
    if (span.isRecording()) {
      span.setAttribute(RPC_SYSTEM, m.system());
      span.setAttribute(RPC_SERVICE, m.service());
      span.setAttribute(RPC_METHOD, m.method());
    }
    return span;
  }

  /**
   * Ends the span and records the call's metrics, in {@code outer}: the context that is current
   * again once the call's scope closed (handed to the SDK so that it looks up no current context
   * per measurement).
   */
  private void end(
      Span span,
      Method m,
      Invocation inv,
      Context outer,
      long start,
      Throwable error,
      boolean server) {
    double millis = (System.nanoTime() - start) / 1e6;
    boolean recording = span.isRecording();
    if (recording && !server) {
      setServer(span, inv);
    }
    Attributes attributes;
    if (error == null) {
      if (m.grpc() && recording) {
        span.setAttribute(RPC_GRPC_STATUS_CODE, OK_CODE);
      }
      attributes = m.ok();
    } else {
      StatusCode code = error instanceof RpcException r ? r.code() : StatusCode.UNKNOWN;
      if (m.grpc()) {
        span.setAttribute(RPC_GRPC_STATUS_CODE, code.value());
      }
      String type = error instanceof RpcException ? code.name() : error.getClass().getName();
      span.setAttribute(ERROR_TYPE, type);
      span.recordException(error);
      if (isError(code, inv.transport(), server)) {
        span.setStatus(
            io.opentelemetry.api.trace.StatusCode.ERROR, String.valueOf(error.getMessage()));
      }
      attributes = failedAttributes(m, code, type, error instanceof RpcException);
    }
    span.end();
    RpcMetrics metrics = server ? serverMetrics : clientMetrics;
    var traffic = inv.traffic();
    // requests are what a client sends and a server receives
    metrics.record(
        attributes,
        outer,
        millis,
        server ? traffic.bytesReceived() : traffic.bytesSent(),
        server ? traffic.bytesSent() : traffic.bytesReceived());
    // a unary call's counts are 1 and 1 (0 for oneway's response): not worth recording each time
    if (isStream(inv.kind())) {
      metrics.recordMessages(
          attributes,
          outer,
          server ? traffic.messagesReceived() : traffic.messagesSent(),
          server ? traffic.messagesSent() : traffic.messagesReceived());
    }
  }

  /**
   * A client span's {@code server.*} attributes: the instance balancing picked, known once the call
   * went out (none when it failed before).
   */
  private void setServer(Span span, Invocation inv) {
    InetSocketAddress to = inv.traffic().remoteAddress().orElse(null);
    if (to == null) {
      return;
    }
    Addresses.Server server = addresses.server(to.getHostString(), to.getPort());
    span.setAttribute(SERVER_ADDRESS, server.host());
    span.setAttribute(SERVER_PORT, server.boxedPort());
    if (server.ip()) {
      span.setAttribute(NETWORK_PEER_ADDRESS, server.host());
      span.setAttribute(NETWORK_PEER_PORT, server.boxedPort());
    }
  }

  private Method method(Invocation inv) {
    int slot = slot(inv);
    Method m = recent[slot];
    if (m != null && m.serves(inv)) {
      return m;
    }
    m = knownMethod(inv);
    recent[slot] = m;
    return m;
  }

  private static int slot(Invocation inv) {
    int h = inv.method().hashCode() * 31 + inv.fullService().hashCode();
    h = h * 31 + inv.transport().hashCode();
    return (h ^ (h >>> 16)) & (RECENT_SLOTS - 1);
  }

  private Method knownMethod(Invocation inv) {
    ConcurrentHashMap<String, EnumMap<Transport, Method>> byMethod = methods.get(inv.fullService());
    if (byMethod != null) {
      EnumMap<Transport, Method> byTransport = byMethod.get(inv.method());
      if (byTransport != null) {
        Method m = byTransport.get(inv.transport());
        if (m != null) {
          return m;
        }
      }
    }
    return newMethod(inv);
  }

  /**
   * Makes and keeps a method's {@link Method}. Two calls racing here make equal ones, and either
   * serves.
   */
  private Method newMethod(Invocation inv) {
    Transport transport = inv.transport();
    boolean grpc = transport == Transport.GRPC;
    String service = inv.fullService();
    String system = rpcSystem(transport);
    AttributesBuilder ok =
        Attributes.builder()
            .put(RPC_SYSTEM, system)
            .put(RPC_SERVICE, service)
            .put(RPC_METHOD, inv.method());
    if (grpc) {
      ok.put(RPC_GRPC_STATUS_CODE, OK_CODE);
    }
    Method m =
        new Method(
            service + "/" + inv.method(),
            system,
            service,
            inv.method(),
            transport,
            grpc,
            ok.build(),
            new AtomicReferenceArray<>(CODES));
    // copied on write: a map once published is only read
    methods
        .computeIfAbsent(service, k -> new ConcurrentHashMap<>())
        .compute(
            inv.method(),
            (k, known) -> {
              EnumMap<Transport, Method> updated =
                  known == null ? new EnumMap<>(Transport.class) : new EnumMap<>(known);
              updated.putIfAbsent(transport, m);
              return updated;
            });
    return m;
  }

  /**
   * The metric attributes of a call of {@code m} that failed with {@code code}, {@code type} its
   * {@code error.type}: for an {@link RpcException} (whose type is its code's name) made once per
   * method and code; for any other exception (whose type is its class's name) made each time.
   */
  private static Attributes failedAttributes(
      Method m, StatusCode code, String type, boolean rpcException) {
    if (!rpcException) {
      return metricAttributes(m, code).put(ERROR_TYPE, type).build();
    }
    Attributes known = m.failed().get(code.value());
    if (known == null) { // two failures racing here make equal ones, and either serves
      known = metricAttributes(m, code).put(ERROR_TYPE, type).build();
      m.failed().set(code.value(), known);
    }
    return known;
  }

  private static AttributesBuilder metricAttributes(Method m, StatusCode code) {
    AttributesBuilder b =
        Attributes.builder()
            .put(RPC_SYSTEM, m.system())
            .put(RPC_SERVICE, m.service())
            .put(RPC_METHOD, m.method());
    if (m.grpc()) {
      b.put(RPC_GRPC_STATUS_CODE, code.value());
    }
    return b;
  }

  /**
   * Whether a call that ended with {@code code} marks its span in error (the gRPC conventions' rule
   * on a gRPC server).
   */
  private static boolean isError(StatusCode code, Transport transport, boolean server) {
    if (!server || transport != Transport.GRPC) {
      return true;
    }
    return switch (code) {
      case UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS -> true;
      default -> false;
    };
  }

  static String rpcSystem(Transport transport) {
    return transport == Transport.GRPC ? "grpc" : "apache_thrift";
  }

  private static boolean isStream(MethodKind kind) {
    return kind == MethodKind.CLIENT_STREAMING
        || kind == MethodKind.SERVER_STREAMING
        || kind == MethodKind.BIDI_STREAMING;
  }
}
