package io.weft.server.internal;

import io.helidon.webserver.WebServer;
import io.weft.api.ServerConfig;
import io.weft.api.ServiceDefinition;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server behind {@link io.weft.api.Server}: a Helidon webserver listener whose only connection
 * selector is Weft's, so that Weft sees every connection first and picks its protocol.
 */
public final class RealServer {
  private static final System.Logger LOG = System.getLogger(RealServer.class.getName());

  private final ServerConfig config;
  private final Registry registry;
  private final Admission admission;
  private final Invoker invoker;
  private final OpenConnections connections;
  private final ReentrantLock lifecycle = new ReentrantLock();
  private final CountDownLatch stopped = new CountDownLatch(1);

  /** Counted down when the server starts to stop (health checks turn NOT_SERVING). */
  private final CountDownLatch stopping = new CountDownLatch(1);

  private volatile WebServer web;
  private volatile ScheduledExecutorService timer;

  /**
   * What this server registered in its registry (ServerConfig.registry), until it deregisters; null
   * when nothing is.
   */
  private io.weft.api.RegistryInfo registered;

  /**
   * Bytes all HTTP/2 senders together may hold for peers that do not read: a quarter of the heap,
   * at most 256 MiB.
   */
  private final io.weft.internal.wire.http2.SendBudget sendBudget =
      new io.weft.internal.wire.http2.SendBudget(
          Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4));

  public RealServer(ServerConfig config, List<ServiceDefinition> services) {
    this.config = config;
    this.registry = new Registry(services, builtIns(services, stopping));
    this.admission = new Admission(config.maxConcurrentRequests(), config.qpsLimit());
    this.invoker = new Invoker(config.middlewares());
    this.connections = new OpenConnections(config.maxConnections(), config.maxConnectionIdle());
  }

  /**
   * Health checking and reflection, which every server offers over gRPC besides the user's
   * services.
   */
  private static List<ServiceDefinition> builtIns(
      List<ServiceDefinition> services, CountDownLatch stopping) {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    for (ServiceDefinition s : services) {
      names.add(s.fullName());
    }
    ServiceDefinition health = HealthService.definition(java.util.Set.copyOf(names), stopping);
    List<ServiceDefinition> all = new java.util.ArrayList<>(services);
    all.add(health);
    names.add(HealthService.FULL_NAME);
    names.add("grpc.reflection.v1.ServerReflection");
    names.add("grpc.reflection.v1alpha.ServerReflection");
    List<ServiceDefinition> builtIns = new java.util.ArrayList<>();
    builtIns.add(health);
    builtIns.addAll(
        ReflectionService.definitions(all, List.copyOf(names))); // Health's descriptor too
    return builtIns;
  }

  private io.weft.internal.wire.http2.Http2Config buildHttp2Config(ScheduledExecutorService timer) {
    return io.weft.internal.wire.http2.Http2Config.builder(timer)
        .maxConcurrentStreams(config.maxConcurrentStreams())
        .maxPending(
            Math.max(config.maxFrameSize(), config.maxMessageSize()) + 5L, 32L << 20, sendBudget)
        .keepAlive(config.keepAliveTime(), config.keepAliveTimeout())
        .permitKeepAliveTime(config.permitKeepAliveTime())
        .build();
  }

  /**
   * What each connection gets of this server (built at start, with the timer): the narrow parts,
   * never the server.
   */
  private ConnectionServices connectionServices(ScheduledExecutorService timer) {
    CallServices calls =
        new CallServices(registry, admission, invoker, timer, config.maxMessageSize());
    return new ConnectionServices(
        connections,
        timer,
        config.detectionTimeout(),
        config.maxFrameSize(),
        buildHttp2Config(timer),
        calls);
  }

  public ServerConfig config() {
    return config;
  }

  /**
   * How often idle connections are looked for: a quarter of the timeout, between 50 ms and 2 min.
   */
  static java.time.Duration idleCheckPeriod(java.time.Duration timeout) {
    long ms = Math.max(50, Math.min(120_000, timeout.toMillis() / 4));
    return java.time.Duration.ofMillis(ms);
  }

  /** Calls being served right now, on every connection. */
  public long inFlight() {
    return admission.inFlight();
  }

  public void start() {
    lifecycle.lock();
    try {
      if (web != null) {
        return;
      }
      if (stopping.getCount() == 0) {
        throw new IllegalStateException("a stopped server cannot restart; build a new one");
      }
      checkPortFree();
      ScheduledThreadPoolExecutor t =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread th = new Thread(r, "weft-server-timer");
                th.setDaemon(true);
                return th;
              });
      t.setRemoveOnCancelPolicy(true);
      timer = t;
      long idleCheck = idleCheckPeriod(config.maxConnectionIdle()).toNanos();
      // runs until the timer shuts down with the server; closeIdleHttp2 throws nothing to collect
      var unused =
          t.scheduleAtFixedRate(
              connections::closeIdleHttp2, idleCheck, idleCheck, TimeUnit.NANOSECONDS);
      var builder =
          WebServer.builder()
              .host(config.host())
              .port(config.port())
              .protocolsDiscoverServices(false)
              .addConnectionSelector(new ProtocolSelector(connectionServices(t)))
              .connectionOptions(o -> o.tcpNoDelay(true))
              // plain TCP on java.net.Socket streams rather than Helidon's NioSocket, which copies
              // through 8 KiB buffers and so splits a batch of replies into one system call per 8
              // KiB;
              // but TLS on NIO: Helidon 4.5.0's java.net.Socket TLS path drops the SSL parameters,
              // client authentication included (an anonymous client got through a mutual-TLS
              // server)
              .useNio(config.tls() != null)
              .maxTcpConnections(
                  -1) // Weft counts connections itself (OpenConnections): Helidon's limit stops
              // accepting
              .shutdownGracePeriod(config.exitWaitTime())
              .idleConnectionTimeout(config.idleTimeout())
              .idleConnectionPeriod(idleCheckPeriod(config.idleTimeout()))
              .shutdownHook(false);
      if (config.tls() != null) {
        builder.tls(
            io.helidon.common.tls.Tls.builder()
                .sslContext(io.weft.internal.api.TlsContexts.create(config.tls()))
                .clientAuth(
                    switch (config.tls().clientAuth()) {
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
        throw new IllegalStateException(
            "cannot listen on "
                + config.host()
                + ":"
                + config.port()
                + " (in use, or not permitted)");
      }
      web = w;
      LOG.log(
          System.Logger.Level.INFO,
          "Weft server listening on "
              + config.host()
              + ":"
              + w.port()
              + (config.tls() != null ? " (TLS)" : ""));
      register(w.port());
    } finally {
      lifecycle.unlock();
    }
  }

  /**
   * Registers this server in the configured registry, at the address it listens on unless the
   * registry info names one. A failure stops the server again: a server nobody can find is not
   * started.
   */
  private void register(int port) {
    io.weft.api.Registry r = config.registry();
    if (r == null) {
      return;
    }
    io.weft.api.RegistryInfo info = config.registryInfo();
    if (info.hostPort() == null) {
      info = info.withHostPort(advertisedHost(config.host()) + ":" + port);
    }
    try {
      r.register(info);
    } catch (Exception e) {
      web.stop();
      web = null;
      timer.shutdownNow();
      throw new IllegalStateException(
          "cannot register "
              + info.serviceName()
              + " at "
              + info.hostPort()
              + ": "
              + e.getMessage(),
          e);
    }
    registered = info;
    LOG.log(
        System.Logger.Level.INFO, "registered " + info.serviceName() + " at " + info.hostPort());
  }

  /**
   * Withdraws the registration, if any, and keeps serving for the registry's drain time so that
   * clients hear of it before the listener closes; a failure is logged, not thrown.
   */
  private void deregister() {
    io.weft.api.RegistryInfo info = registered;
    if (info == null) {
      return;
    }
    registered = null;
    try {
      config.registry().deregister(info);
      LOG.log(
          System.Logger.Level.INFO,
          "deregistered " + info.serviceName() + " at " + info.hostPort());
    } catch (Exception e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "cannot deregister " + info.serviceName() + " at " + info.hostPort() + ": " + e);
      return;
    }
    long drain = config.registry().drainTime().toNanos();
    if (drain > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(
          drain); // serving on: this is the grace, not a wait for something
    }
  }

  /**
   * The host others reach this server at: the one it listens on, or when it listens on every
   * interface this machine's first non-loopback IPv4 address (as Kitex registers), else loopback.
   */
  static String advertisedHost(String listenHost) {
    if (!listenHost.equals("0.0.0.0") && !listenHost.equals("::") && !listenHost.equals("[::]")) {
      return listenHost.indexOf(':') >= 0 && !listenHost.startsWith("[")
          ? "[" + listenHost + "]"
          : listenHost;
    }
    try {
      for (java.net.NetworkInterface ni :
          java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp() || ni.isLoopback()) {
          continue;
        }
        for (java.net.InetAddress a : java.util.Collections.list(ni.getInetAddresses())) {
          if (a instanceof java.net.Inet4Address
              && !a.isLoopbackAddress()
              && !a.isLinkLocalAddress()) {
            return a.getHostAddress();
          }
        }
      }
    } catch (java.net.SocketException e) {
      // no interfaces to list: loopback below
    }
    return "127.0.0.1";
  }

  /**
   * Binds the configured address once and lets it go, so that a port in use (or not permitted)
   * fails {@link #start} with one clear exception rather than Helidon's SEVERE lines and stack
   * traces. Port 0 always binds. Should another process take the port in between, Helidon's own
   * failure still ends in the exception below.
   */
  private void checkPortFree() {
    if (config.port() == 0) {
      return;
    }
    try (java.nio.channels.ServerSocketChannel probe =
        java.nio.channels.ServerSocketChannel.open()) {
      probe.setOption(
          java.net.StandardSocketOptions.SO_REUSEADDR,
          true); // as Helidon binds: a port in TIME_WAIT is free
      probe.bind(new java.net.InetSocketAddress(config.host(), config.port()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
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
      stopping.countDown();
      deregister(); // first: clients stop picking this server while it still answers
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
