package io.weft.api;

import java.time.Duration;

/**
 * The server's options, named as Kitex names them ({@code server.WithServiceAddr} becomes {@link
 * #withServiceAddr}). Pass any number to a generated {@code newServer}.
 */
public final class ServerOptions {
  private ServerOptions() {}

  /**
   * Listen on {@code host:port}; a port of 0 picks a free one (read it back with {@code port()}).
   */
  public static ServerOption withServiceAddr(String host, int port) {
    return b -> b.host(host).port(port);
  }

  /** Listen on every interface at {@code port}. */
  public static ServerOption withPort(int port) {
    return b -> b.port(port);
  }

  /** The largest request accepted, in bytes. */
  public static ServerOption withMaxFrameSize(int bytes) {
    return b -> b.maxFrameSize(bytes);
  }

  /** How many connections may be open at once. */
  public static ServerOption withMaxConnections(int connections) {
    return b -> b.maxConnections(connections);
  }

  /** How long {@code stop()} waits for in-flight calls. */
  public static ServerOption withExitWaitTime(Duration wait) {
    return b -> b.exitWaitTime(wait);
  }

  /** The largest gRPC message accepted, in bytes. */
  public static ServerOption withMaxMessageSize(int bytes) {
    return b -> b.maxMessageSize(bytes);
  }

  /** How many gRPC calls one HTTP/2 connection may carry at once. */
  public static ServerOption withMaxConcurrentStreams(int streams) {
    return b -> b.maxConcurrentStreams(streams);
  }

  /** Serves every connection over TLS; gRPC clients negotiate HTTP/2 by ALPN {@code h2}. */
  public static ServerOption withTls(TlsConfig tls) {
    return b -> b.tls(tls);
  }

  /** How long a new connection may take to identify its protocol. */
  public static ServerOption withDetectionTimeout(Duration timeout) {
    return b -> b.detectionTimeout(timeout);
  }

  /**
   * Adds {@code middleware} around every handler call (see {@link Middleware}); the first added is
   * outermost.
   */
  public static ServerOption withMiddleware(Middleware middleware) {
    return b -> b.middleware(middleware);
  }

  /**
   * Registers the server in {@code registry} once it listens and deregisters it when it stops,
   * before its listener closes (Kitex's {@code server.WithRegistry} with {@code
   * server.WithRegistryInfo}). Leave {@code info}'s address null to register the address the server
   * listens on.
   */
  public static ServerOption withRegistry(Registry registry, RegistryInfo info) {
    java.util.Objects.requireNonNull(registry, "registry");
    java.util.Objects.requireNonNull(info, "info");
    return b -> b.registry(registry, info);
  }

  /**
   * At most {@code n} calls served at once; more are refused with {@code RESOURCE_EXHAUSTED}
   * (Kitex's concurrency limit).
   */
  public static ServerOption withMaxConcurrentRequests(int n) {
    return b -> b.maxConcurrentRequests(n);
  }

  /**
   * At most {@code qps} calls started per second; more are refused with {@code RESOURCE_EXHAUSTED}
   * (Kitex's QPS limit).
   */
  public static ServerOption withQpsLimit(int qps) {
    return b -> b.qpsLimit(qps);
  }

  /**
   * Closes connections that carry no whole request and no running call for {@code timeout} (default
   * 5 min).
   */
  public static ServerOption withIdleTimeout(Duration timeout) {
    return b -> b.idleTimeout(timeout);
  }

  /**
   * Closes HTTP/2 connections that carry no stream for {@code grace} (default 30 s; grpc-java's
   * {@code maxConnectionIdle}).
   */
  public static ServerOption withMaxConnectionIdle(Duration grace) {
    return b -> b.maxConnectionIdle(grace);
  }

  /**
   * Pings an HTTP/2 connection that has sent nothing for {@code time} (default 2 h) and closes it
   * if the ping is not answered within {@code timeout} (default 20 s): grpc-java's {@code
   * keepAliveTime} and {@code keepAliveTimeout}.
   */
  public static ServerOption withKeepAlive(Duration time, Duration timeout) {
    return b -> b.keepAlive(time, timeout);
  }

  /**
   * How often a client with calls open may ping (default 5 min; grpc-java's {@code
   * permitKeepAliveTime}).
   */
  public static ServerOption withPermitKeepAliveTime(Duration time) {
    return b -> b.permitKeepAliveTime(time);
  }
}
