package io.weft.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A client's configuration, built from {@link ClientOption}s. Immutable; every field has a default
 * given here.
 *
 * @param destService the callee's service name, sent as TTHeader {@code ToService}
 * @param hostPorts the callee's addresses as {@code host:port}; at least one is required
 * @param rpcTimeout how long a call may take when the caller sets no deadline; zero means no limit
 *     (default zero, as in Kitex)
 * @param connectTimeout how long dialing may take (default 1 s)
 * @param transport how calls are framed (default {@link Transport#TTHEADER})
 * @param muxConnections if positive, that many connections per address, each carrying many calls at
 *     once matched by sequence id (Kitex {@code WithMuxConnection}); if zero (the default), a pool
 *     of connections that carry one call at a time
 * @param maxIdlePerAddress how many idle pooled connections are kept per address (default 1024)
 * @param idleTimeout how long a pooled connection may stay idle before it is closed (default 60 s)
 * @param maxFrameSize the largest reply frame accepted, in bytes (default 16 MiB)
 * @param callerService this client's own service name, sent as TTHeader {@code FromService}
 *     (default empty)
 * @param maxMessageSize the largest gRPC response message accepted, in bytes (default 4 MiB)
 * @param tls TLS for every connection, or null for plain TCP (the default)
 * @param keepAliveTime how long a gRPC connection with calls open may read nothing before the
 *     client pings the server (grpc-java's {@code keepAliveTime}; zero, the default, for never)
 * @param keepAliveTimeout how long that ping may go unanswered before the connection is closed as
 *     dead and its calls fail with {@code UNAVAILABLE} (default 20 s)
 */
public record ClientConfig(
    String destService,
    List<String> hostPorts,
    Duration rpcTimeout,
    Duration connectTimeout,
    Transport transport,
    int muxConnections,
    int maxIdlePerAddress,
    Duration idleTimeout,
    int maxFrameSize,
    String callerService,
    int maxMessageSize,
    TlsConfig tls,
    List<Middleware> middlewares,
    Resolver resolver,
    Duration resolverRefresh,
    LoadBalancer loadBalancer,
    RetryPolicy retry,
    Duration keepAliveTime,
    Duration keepAliveTimeout) {

  public static final int DEFAULT_MAX_FRAME_SIZE = 16 << 20;

  public ClientConfig {
    Objects.requireNonNull(destService, "destService");
    hostPorts = List.copyOf(hostPorts);
    if (hostPorts.isEmpty() && resolver == null) {
      throw new IllegalArgumentException(
          "a client needs at least one address: use ClientOptions.withHostPorts or withResolver");
    }
    middlewares = List.copyOf(middlewares);
    requireNonNegative(resolverRefresh, "resolverRefresh");
    Objects.requireNonNull(loadBalancer, "loadBalancer");
    requireNonNegative(rpcTimeout, "rpcTimeout");
    requireNonNegative(connectTimeout, "connectTimeout");
    requireNonNegative(idleTimeout, "idleTimeout");
    requireNonNegative(keepAliveTime, "keepAliveTime");
    requireNonNegative(keepAliveTimeout, "keepAliveTimeout");
    Objects.requireNonNull(transport, "transport");
    if (muxConnections < 0 || maxIdlePerAddress < 0) {
      throw new IllegalArgumentException("connection counts cannot be negative");
    }
    if (maxFrameSize < 1024) {
      throw new IllegalArgumentException("maxFrameSize below 1 KiB: " + maxFrameSize);
    }
    Objects.requireNonNull(callerService, "callerService");
    if (maxMessageSize < 1) {
      throw new IllegalArgumentException("maxMessageSize must be positive: " + maxMessageSize);
    }
  }

  /** A builder with every default, for {@code destService}. */
  public static Builder builder(String destService) {
    return new Builder(destService);
  }

  /** Applies {@code options} in order over the defaults. */
  public static ClientConfig of(String destService, ClientOption... options) {
    Builder b = builder(destService);
    for (ClientOption o : options) {
      o.applyTo(b);
    }
    return b.build();
  }

  private static void requireNonNegative(Duration d, String name) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be zero or positive: " + d);
    }
  }

  /** Collects a {@link ClientConfig}; {@link ClientOption}s write into it. */
  public static final class Builder {
    private final String destService;
    private List<String> hostPorts = List.of();
    private final java.util.ArrayList<Middleware> middlewares = new java.util.ArrayList<>();
    private Resolver resolver;
    private Duration resolverRefresh = Duration.ofSeconds(5);
    private LoadBalancer loadBalancer = LoadBalancer.ROUND_ROBIN;
    private RetryPolicy retry;
    private Duration rpcTimeout = Duration.ZERO;
    private Duration connectTimeout = Duration.ofSeconds(1);
    private Transport transport = Transport.TTHEADER;
    private int muxConnections;
    private int maxIdlePerAddress = 1024;
    private Duration idleTimeout = Duration.ofSeconds(60);
    private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
    private String callerService = "";
    private int maxMessageSize = 4 << 20;
    private TlsConfig tls;
    private Duration keepAliveTime = Duration.ZERO;
    private Duration keepAliveTimeout = Duration.ofSeconds(20);

    private Builder(String destService) {
      this.destService = destService;
    }

    public Builder hostPorts(List<String> hostPorts) {
      this.hostPorts = hostPorts;
      return this;
    }

    public Builder rpcTimeout(Duration rpcTimeout) {
      this.rpcTimeout = rpcTimeout;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder transport(Transport transport) {
      this.transport = transport;
      return this;
    }

    public Builder muxConnections(int muxConnections) {
      this.muxConnections = muxConnections;
      return this;
    }

    public Builder maxIdlePerAddress(int maxIdlePerAddress) {
      this.maxIdlePerAddress = maxIdlePerAddress;
      return this;
    }

    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
      return this;
    }

    public Builder maxFrameSize(int maxFrameSize) {
      this.maxFrameSize = maxFrameSize;
      return this;
    }

    public Builder callerService(String callerService) {
      this.callerService = callerService;
      return this;
    }

    public Builder maxMessageSize(int maxMessageSize) {
      this.maxMessageSize = maxMessageSize;
      return this;
    }

    public Builder tls(TlsConfig tls) {
      this.tls = tls;
      return this;
    }

    public Builder middleware(Middleware m) {
      this.middlewares.add(Objects.requireNonNull(m));
      return this;
    }

    public Builder resolver(Resolver resolver, Duration refresh) {
      this.resolver = resolver;
      this.resolverRefresh = refresh;
      return this;
    }

    public Builder loadBalancer(LoadBalancer loadBalancer) {
      this.loadBalancer = loadBalancer;
      return this;
    }

    public Builder keepAlive(Duration time, Duration timeout) {
      this.keepAliveTime = time;
      this.keepAliveTimeout = timeout;
      return this;
    }

    public Builder retry(RetryPolicy retry) {
      this.retry = retry;
      return this;
    }

    public ClientConfig build() {
      return new ClientConfig(
          destService,
          hostPorts,
          rpcTimeout,
          connectTimeout,
          transport,
          muxConnections,
          maxIdlePerAddress,
          idleTimeout,
          maxFrameSize,
          callerService,
          maxMessageSize,
          tls,
          middlewares,
          resolver,
          resolverRefresh,
          loadBalancer,
          retry,
          keepAliveTime,
          keepAliveTimeout);
    }
  }
}
