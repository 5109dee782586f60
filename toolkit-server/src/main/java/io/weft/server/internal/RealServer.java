package io.weft.server.internal;

import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.WebServer;
import io.weft.api.ServerConfig;
import io.weft.api.ServiceDefinition;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server behind {@link io.weft.server.Server}: a Helidon webserver listener whose only
 * connection selector is Weft's, so that Weft sees every connection first and picks its protocol.
 */
public final class RealServer {
  private static final System.Logger LOG = System.getLogger(RealServer.class.getName());

  private final ServerConfig config;
  private final RateLimiter qps;
  private final Registry registry;
  private final ReentrantLock lifecycle = new ReentrantLock();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch stoppingLatch = new CountDownLatch(1);
  private final AtomicLong inFlight = new AtomicLong();
  private volatile WebServer web;
  private volatile ScheduledExecutorService timer;
  private volatile boolean stopping;
  private final io.helidon.webserver.http2.Http2ConnectionSelector http2;

  public RealServer(ServerConfig config, List<ServiceDefinition> services) {
    this.config = config;
    this.qps = config.qpsLimit() > 0 ? new RateLimiter(config.qpsLimit()) : null;
    this.registry = new Registry(withBuiltIns(services));
    this.http2 = io.helidon.webserver.http2.Http2ConnectionSelector.builder()
        .http2Config(io.helidon.webserver.http2.Http2Config.builder()
            .maxConcurrentStreams(config.maxConcurrentStreams())
            .maxFrameSize(H2FrameFilter.MAX_FRAME)
            .flowControlTimeout(java.time.Duration.ofSeconds(60))
            .maxHeaderListSize(64 * 1024)
            // Helidon counts every client RST_STREAM on a sub-protocol stream as a "rapid reset",
            // because only its own response writer marks a stream as answered; 50 per 10 s would
            // end any connection whose client cancels calls normally. Keep a bound, a high one.
            .maxRapidResets(10_000)
            .build())
        .addSubProtocolSelector(new GrpcSelector(this))
        .build();
  }

  /** The user's services plus health checking and reflection, which every server offers over gRPC. */
  private List<ServiceDefinition> withBuiltIns(List<ServiceDefinition> services) {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    for (ServiceDefinition s : services) {
      names.add(s.fullName());
    }
    List<ServiceDefinition> all = new java.util.ArrayList<>(services);
    all.add(HealthService.definition(java.util.Set.copyOf(names), this));
    names.add(HealthService.FULL_NAME);
    names.add("grpc.reflection.v1.ServerReflection");
    names.add("grpc.reflection.v1alpha.ServerReflection");
    all.addAll(ReflectionService.definitions(services, List.copyOf(names)));
    return all;
  }

  /** Whether {@link #stop()} has begun. */
  boolean isStopping() {
    return stopping;
  }

  /** Counted down when the server starts to stop. */
  CountDownLatch stoppingLatch() {
    return stoppingLatch;
  }

  /** Makes the HTTP/2 connection of a socket that opened with the HTTP/2 preface. */
  io.helidon.webserver.http2.Http2ConnectionSelector http2() {
    return http2;
  }

  public ServerConfig config() {
    return config;
  }

  Registry registry() {
    return registry;
  }

  /** A daemon timer for detection timeouts; never runs user code. */
  ScheduledExecutorService timer() {
    return timer;
  }

  /**
   * Starts a call if the limits allow it (then it counts as in flight until {@link #callFinished});
   * null when it may start, else why not.
   */
  String tryStartCall() {
    int max = config.maxConcurrentRequests();
    if (max > 0) {
      long n;
      do {
        n = inFlight.get();
        if (n >= max) {
          return "the server is serving its limit of " + max + " concurrent requests";
        }
      } while (!inFlight.compareAndSet(n, n + 1));
    } else {
      inFlight.incrementAndGet();
    }
    if (qps != null && !qps.tryAcquire()) {
      inFlight.decrementAndGet();
      return "the server is at its limit of " + config.qpsLimit() + " requests per second";
    }
    return null;
  }

  void callFinished() {
    inFlight.decrementAndGet();
  }

  /**
   * Runs a unary or oneway handler and hands its response to {@code reply} (which sends it and
   * returns its size), inside the configured middleware chain when there is one.
   */
  @SuppressWarnings("unchecked")
  <Req, Resp> void invokeUnary(io.weft.api.MethodDescriptor<Req, Resp> d, io.weft.api.UnaryHandler<Req, Resp> h, Req request,
      io.weft.api.CallContext ctx, io.weft.api.Traffic traffic, long requestBytes, java.util.function.ToLongFunction<Resp> reply)
      throws Exception {
    if (config.middlewares().isEmpty()) {
      reply.applyAsLong(h.handle(request));
      return;
    }
    io.weft.api.Invocation inv = new io.weft.api.Invocation(d.serviceName(), d.methodName(), d.kind(), ctx.transport(),
        ctx.requestMetadata(), traffic != null ? traffic : new io.weft.api.Traffic());
    inv.traffic().addReceived(requestBytes);
    io.weft.api.Middleware.chain(config.middlewares(), (i, req) -> {
      Resp r = h.handle((Req) req);
      i.traffic().addSent(reply.applyAsLong(r));
      return r;
    }).call(inv, request);
  }

  /** Runs a streaming handler inside the middleware chain (request and response null); {@code traffic} is the call's. */
  void invokeStream(io.weft.api.MethodDescriptor<?, ?> d, io.weft.api.CallContext ctx, io.weft.api.Traffic traffic,
      java.util.concurrent.Callable<Void> handler) throws Exception {
    if (config.middlewares().isEmpty()) {
      handler.call();
      return;
    }
    io.weft.api.Invocation inv = new io.weft.api.Invocation(d.serviceName(), d.methodName(), d.kind(), ctx.transport(),
        ctx.requestMetadata(), traffic);
    io.weft.api.Middleware.chain(config.middlewares(), (i, req) -> handler.call()).call(inv, null);
  }

  /** The gRPC calls of each live HTTP/2 connection, so that a connection's end can cancel them. */
  private final ConcurrentHashMap<ConnectionContext, GrpcCalls> grpcCalls = new ConcurrentHashMap<>();

  /** One connection's calls; {@code ended} once the connection is gone. */
  private static final class GrpcCalls {
    final Set<GrpcServerCall> calls = ConcurrentHashMap.newKeySet();
    volatile boolean ended;
  }

  void grpcCallStarted(ConnectionContext connection, GrpcServerCall call) {
    GrpcCalls c = grpcCalls.computeIfAbsent(connection, k -> new GrpcCalls());
    c.calls.add(call);
    if (c.ended) {
      call.connectionLost(); // the connection ended while this call was starting
    }
  }

  void grpcCallEnded(ConnectionContext connection, GrpcServerCall call) {
    GrpcCalls c = grpcCalls.get(connection);
    if (c != null) {
      c.calls.remove(call);
    }
  }

  /**
   * Helidon 4.5.0 tells a stream's sub-protocol nothing when its connection dies (the stream's
   * thread is just interrupted), so the calls still running on it are cancelled here.
   */
  void http2ConnectionEnded(ConnectionContext connection) {
    GrpcCalls c = grpcCalls.computeIfAbsent(connection, k -> new GrpcCalls());
    c.ended = true;
    for (GrpcServerCall call : c.calls) {
      call.connectionLost();
    }
    grpcCalls.remove(connection);
  }

  /** How often idle connections are looked for: a quarter of the timeout, between 50 ms and 2 min. */
  static java.time.Duration idleCheckPeriod(java.time.Duration timeout) {
    long ms = Math.max(50, Math.min(120_000, timeout.toMillis() / 4));
    return java.time.Duration.ofMillis(ms);
  }

  /** Calls being served right now, on every connection. */
  public long inFlight() {
    return inFlight.get();
  }

  public void start() {
    lifecycle.lock();
    try {
      if (web != null) {
        return;
      }
      if (stopping) {
        throw new IllegalStateException("a stopped server cannot restart; build a new one");
      }
      ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
        Thread th = new Thread(r, "weft-server-timer");
        th.setDaemon(true);
        return th;
      });
      t.setRemoveOnCancelPolicy(true);
      timer = t;
      var builder = WebServer.builder()
          .host(config.host())
          .port(config.port())
          .protocolsDiscoverServices(false)
          .addConnectionSelector(new ProtocolSelector(this))
          .connectionOptions(o -> o.tcpNoDelay(true))
          .maxTcpConnections(config.maxConnections())
          .shutdownGracePeriod(config.exitWaitTime())
          .idleConnectionTimeout(config.idleTimeout())
          .idleConnectionPeriod(idleCheckPeriod(config.idleTimeout()))
          .shutdownHook(false);
      if (config.tls() != null) {
        builder.tls(io.helidon.common.tls.Tls.builder()
            .sslContext(io.weft.api.internal.TlsContexts.create(config.tls()))
            .clientAuth(switch (config.tls().clientAuth()) {
              case NONE -> io.helidon.common.tls.TlsClientAuth.NONE;
              case OPTIONAL -> io.helidon.common.tls.TlsClientAuth.OPTIONAL;
              case REQUIRED -> io.helidon.common.tls.TlsClientAuth.REQUIRED;
            })
            .build());
      }
      WebServer w = builder.build();
      w.start();
      if (w.port() < 0) {
        w.stop();
        t.shutdownNow();
        throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + " (in use, or not permitted)");
      }
      web = w;
      LOG.log(System.Logger.Level.INFO, "Weft server listening on " + config.host() + ":" + w.port() + (config.tls() != null ? " (TLS)" : ""));
    } finally {
      lifecycle.unlock();
    }
  }

  public void run() throws InterruptedException {
    start();
    Thread hook = new Thread(this::stop, "weft-server-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down and the hook is running
      }
    }
  }

  public void stop() {
    lifecycle.lock();
    try {
      stopping = true;
      stoppingLatch.countDown();
      WebServer w = web;
      if (w != null) {
        w.stop();
        web = null;
      }
      ScheduledExecutorService t = timer;
      if (t != null) {
        t.shutdownNow();
      }
    } finally {
      lifecycle.unlock();
      stopped.countDown();
    }
  }

  public int port() {
    WebServer w = web;
    return w == null ? -1 : w.port();
  }

  public boolean isRunning() {
    WebServer w = web;
    return w != null && w.isRunning();
  }
}
