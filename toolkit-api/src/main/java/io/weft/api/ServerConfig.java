package io.weft.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A server's configuration, built from {@link ServerOption}s. Immutable; every field has a default
 * given here.
 *
 * @param host the address to listen on (default {@code 0.0.0.0}, every interface)
 * @param port the port to listen on (default 8888, as Kitex; 0 picks a free one)
 * @param maxFrameSize the largest request frame or message accepted, in bytes (default 16 MiB); a
 *     larger one closes its connection (TTHeader) or resets its stream (gRPC)
 * @param maxConnections how many connections may be open at once (default 10,000); more wait in the
 *     listen backlog
 * @param exitWaitTime how long {@code stop()} lets in-flight calls finish (default 5 s, as Kitex)
 * @param detectionTimeout how long a new connection may take to send the bytes that identify its
 *     protocol before it is closed (default 5 s)
 * @param maxMessageSize the largest gRPC message accepted, in bytes (default 4 MiB, as grpc-java);
 *     a larger one fails its call with {@code RESOURCE_EXHAUSTED}
 * @param maxConcurrentStreams how many gRPC calls one HTTP/2 connection may carry at once (default
 *     65,536; sent to clients as {@code SETTINGS_MAX_CONCURRENT_STREAMS})
 * @param tls TLS for every connection (gRPC then negotiates {@code h2} by ALPN), or null for plain
 *     TCP
 * @param middlewares run around every unary and oneway handler call, the first outermost
 * @param maxConcurrentRequests calls served at once, over all connections (default 0: no limit);
 *     past it a call is refused with {@code RESOURCE_EXHAUSTED} before its handler runs
 * @param qpsLimit calls started per second (default 0: no limit; bursts up to one second's worth);
 *     past it a call is refused with {@code RESOURCE_EXHAUSTED}
 * @param idleTimeout how long a connection may go without a whole request while no call runs on it,
 *     or with a reply the peer does not read (default 5 min): idle, half-open, trickling
 *     (slowloris) and non-reading connections are closed after it
 * @param maxConnectionIdle how long an HTTP/2 connection may carry no stream before the server
 *     closes it with GOAWAY (grpc-java's {@code maxConnectionIdle}; default 30 s); at the
 *     connection limit, the connection idle the longest is closed at once to make room
 * @param keepAliveTime how long an HTTP/2 connection may read nothing before the server pings it
 *     (grpc-java's {@code keepAliveTime}; default 2 h)
 * @param keepAliveTimeout how long that ping may go unanswered before the connection is closed as
 *     dead (default 20 s)
 * @param permitKeepAliveTime how often a client may ping while it has calls open (grpc-java's
 *     {@code permitKeepAliveTime}; default 5 min, and 2 h with no call open): a client that pings
 *     more often three times gets GOAWAY ENHANCE_YOUR_CALM "too_many_pings"
 * @param registry where the server registers itself while it runs, or null (the default) for
 *     nowhere
 * @param registryInfo what it registers there (null without a registry)
 */
public record ServerConfig(
    String host,
    int port,
    int maxFrameSize,
    int maxConnections,
    Duration exitWaitTime,
    Duration detectionTimeout,
    int maxMessageSize,
    int maxConcurrentStreams,
    TlsConfig tls,
    List<Middleware> middlewares,
    int maxConcurrentRequests,
    int qpsLimit,
    Duration idleTimeout,
    Duration maxConnectionIdle,
    Duration keepAliveTime,
    Duration keepAliveTimeout,
    Duration permitKeepAliveTime,
    Registry registry,
    RegistryInfo registryInfo) {

  public static final int DEFAULT_PORT = 8888;
  public static final int DEFAULT_MAX_FRAME_SIZE = 16 << 20;
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 4 << 20;

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    middlewares = List.copyOf(middlewares);
    if ((registry == null) != (registryInfo == null)) {
      throw new IllegalArgumentException(
          "a registry needs its registry info and the other way round");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (maxFrameSize < 1024) {
      throw new IllegalArgumentException("maxFrameSize below 1 KiB: " + maxFrameSize);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
    }
    if (exitWaitTime == null || exitWaitTime.isNegative()) {
      throw new IllegalArgumentException("exitWaitTime must be zero or positive: " + exitWaitTime);
    }
    if (detectionTimeout == null || detectionTimeout.isNegative() || detectionTimeout.isZero()) {
      throw new IllegalArgumentException("detectionTimeout must be positive: " + detectionTimeout);
    }
    if (maxMessageSize < 1) {
      throw new IllegalArgumentException("maxMessageSize must be positive: " + maxMessageSize);
    }
    if (tls != null && !tls.hasKey()) {
      throw new IllegalArgumentException(
          "a TLS server needs a key: TlsConfig.builder().keyPem(...) or .keyStore(...)");
    }
    if (maxConcurrentRequests < 0 || qpsLimit < 0) {
      throw new IllegalArgumentException("request limits cannot be negative");
    }
    if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
    }
    for (Duration d :
        new Duration[] {maxConnectionIdle, keepAliveTime, keepAliveTimeout, permitKeepAliveTime}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("HTTP/2 connection timings must be positive: " + d);
      }
    }
    if (maxConcurrentStreams < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentStreams must be positive: " + maxConcurrentStreams);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Applies {@code options} in order over the defaults. */
  public static ServerConfig of(ServerOption... options) {
    Builder b = builder();
    for (ServerOption o : options) {
      o.applyTo(b);
    }
    return b.build();
  }

  /** Collects a {@link ServerConfig}; {@link ServerOption}s write into it. */
  public static final class Builder {
    private final java.util.ArrayList<Middleware> middlewares = new java.util.ArrayList<>();
    private String host = "0.0.0.0";
    private int port = DEFAULT_PORT;
    private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
    private int maxConnections = 10_000;
    private Duration exitWaitTime = Duration.ofSeconds(5);
    private Duration detectionTimeout = Duration.ofSeconds(5);
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private int maxConcurrentStreams = 65_536;
    private TlsConfig tls;
    private int maxConcurrentRequests;
    private int qpsLimit;
    private Duration idleTimeout = Duration.ofMinutes(5);
    private Duration maxConnectionIdle = Duration.ofSeconds(30);
    private Duration keepAliveTime = Duration.ofHours(2);
    private Duration keepAliveTimeout = Duration.ofSeconds(20);
    private Duration permitKeepAliveTime = Duration.ofMinutes(5);
    private Registry registry;
    private RegistryInfo registryInfo;

    private Builder() {}

    public Builder maxConcurrentRequests(int n) {
      this.maxConcurrentRequests = n;
      return this;
    }

    public Builder qpsLimit(int qps) {
      this.qpsLimit = qps;
      return this;
    }

    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
      return this;
    }

    public Builder maxConnectionIdle(Duration grace) {
      this.maxConnectionIdle = grace;
      return this;
    }

    public Builder keepAlive(Duration time, Duration timeout) {
      this.keepAliveTime = time;
      this.keepAliveTimeout = timeout;
      return this;
    }

    public Builder permitKeepAliveTime(Duration time) {
      this.permitKeepAliveTime = time;
      return this;
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder maxFrameSize(int maxFrameSize) {
      this.maxFrameSize = maxFrameSize;
      return this;
    }

    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    public Builder exitWaitTime(Duration exitWaitTime) {
      this.exitWaitTime = exitWaitTime;
      return this;
    }

    public Builder detectionTimeout(Duration detectionTimeout) {
      this.detectionTimeout = detectionTimeout;
      return this;
    }

    public Builder maxMessageSize(int maxMessageSize) {
      this.maxMessageSize = maxMessageSize;
      return this;
    }

    public Builder maxConcurrentStreams(int maxConcurrentStreams) {
      this.maxConcurrentStreams = maxConcurrentStreams;
      return this;
    }

    public Builder tls(TlsConfig tls) {
      this.tls = tls;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(
          host,
          port,
          maxFrameSize,
          maxConnections,
          exitWaitTime,
          detectionTimeout,
          maxMessageSize,
          maxConcurrentStreams,
          tls,
          middlewares,
          maxConcurrentRequests,
          qpsLimit,
          idleTimeout,
          maxConnectionIdle,
          keepAliveTime,
          keepAliveTimeout,
          permitKeepAliveTime,
          registry,
          registryInfo);
    }

    public Builder registry(Registry registry, RegistryInfo info) {
      this.registry = registry;
      this.registryInfo = info;
      return this;
    }

    public Builder middleware(Middleware m) {
      middlewares.add(Objects.requireNonNull(m));
      return this;
    }
  }
}
