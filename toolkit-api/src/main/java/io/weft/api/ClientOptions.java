package io.weft.api;

import java.time.Duration;
import java.util.List;

/**
 * The client's options, named as Kitex names them ({@code client.WithHostPorts} becomes {@link
 * #withHostPorts}). Pass any number to a generated {@code newClient}.
 */
public final class ClientOptions {
  private ClientOptions() {}

  /** The callee's addresses, {@code host:port} each; calls are spread over them round-robin. */
  public static ClientOption withHostPorts(String... hostPorts) {
    List<String> list = List.of(hostPorts);
    return b -> b.hostPorts(list);
  }

  /**
   * The time limit of a call when the caller sets no deadline of its own ({@link
   * CallOptions#timeout}). There is no default, as in Kitex and grpc-java: without this option or a
   * per-call deadline a call waits for its reply as long as the connection lives, so a server that
   * accepts a call and never answers holds its caller forever. Set one, for example {@code
   * withRPCTimeout(Duration.ofSeconds(3))}. The deadline travels with the call (TTHeader {@code
   * RPCTimeout}, gRPC {@code grpc-timeout}); {@code Duration.ZERO} means no limit.
   */
  public static ClientOption withRPCTimeout(Duration timeout) {
    return b -> b.rpcTimeout(timeout);
  }

  /** The time limit for opening a connection. */
  public static ClientOption withConnectTimeout(Duration timeout) {
    return b -> b.connectTimeout(timeout);
  }

  /** How calls are framed: TTHeader (the default), Framed or unframed Thrift, or gRPC. */
  public static ClientOption withTransport(Transport transport) {
    return b -> b.transport(transport);
  }

  /** Multiplexes calls over {@code connectionsPerAddress} long-lived connections per address. */
  public static ClientOption withMuxConnection(int connectionsPerAddress) {
    if (connectionsPerAddress < 1) {
      throw new IllegalArgumentException("connectionsPerAddress must be positive");
    }
    return b -> b.muxConnections(connectionsPerAddress);
  }

  /**
   * Pools connections, one call at a time each, keeping up to {@code maxIdlePerAddress} idle ones
   * for {@code idleTimeout}.
   */
  public static ClientOption withLongConnection(int maxIdlePerAddress, Duration idleTimeout) {
    return b -> b.muxConnections(0).maxIdlePerAddress(maxIdlePerAddress).idleTimeout(idleTimeout);
  }

  /** The largest reply accepted, in bytes. */
  public static ClientOption withMaxFrameSize(int bytes) {
    return b -> b.maxFrameSize(bytes);
  }

  /** Connects over TLS (gRPC negotiates HTTP/2 by ALPN {@code h2}). */
  public static ClientOption withTls(TlsConfig tls) {
    return b -> b.tls(tls);
  }

  /** The largest gRPC response message accepted, in bytes. */
  public static ClientOption withMaxMessageSize(int bytes) {
    return b -> b.maxMessageSize(bytes);
  }

  /** This client's own service name, which the callee sees as the caller ({@code FromService}). */
  public static ClientOption withCallerName(String serviceName) {
    return b -> b.callerService(serviceName);
  }

  /**
   * Adds {@code middleware} around every call (see {@link Middleware}); the first added is
   * outermost.
   */
  public static ClientOption withMiddleware(Middleware middleware) {
    return b -> b.middleware(middleware);
  }

  /**
   * Takes the instances from {@code resolver}, asking again every {@code refresh}, instead of
   * {@link #withHostPorts}.
   */
  public static ClientOption withResolver(Resolver resolver, Duration refresh) {
    return b -> b.resolver(resolver, refresh);
  }

  /** How each call picks its instance (default round-robin). */
  public static ClientOption withLoadBalancer(LoadBalancer loadBalancer) {
    return b -> b.loadBalancer(loadBalancer);
  }

  /** Failure retries and backup requests for unary calls (default none). */
  public static ClientOption withRetry(RetryPolicy policy) {
    return b -> b.retry(policy);
  }

  /**
   * Pings the server when a gRPC connection with calls open has read nothing for {@code time}, and
   * closes it (its calls fail with {@code UNAVAILABLE}) if the ping is not answered within {@code
   * timeout}: grpc-java's {@code keepAliveTime} and {@code keepAliveTimeout}. Off by default. A
   * server may refuse pings more often than every 5 minutes (grpc-java's and Weft's default).
   */
  public static ClientOption withKeepAlive(Duration time, Duration timeout) {
    return b -> b.keepAlive(time, timeout);
  }
}
