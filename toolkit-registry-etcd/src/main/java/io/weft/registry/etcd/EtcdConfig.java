package io.weft.registry.etcd;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where etcd is and how Weft lays out its instances there; defaults as
 * kitex-contrib/registry-etcd's.
 *
 * @param endpoints etcd's client addresses, {@code host:port} (plain gRPC, no TLS); calls go to the
 *     first that answers, as the Weft client balances them
 * @param prefix the key prefix: an instance of service {@code s} at {@code h:p} is the key {@code
 *     <prefix>/s/h:p} (default {@code kitex/registry-etcd}, registry-etcd's)
 * @param leaseTtl how long a registration outlives its server when the server dies without
 *     deregistering (default 60 s, registry-etcd's; whole seconds, at least 1 s); the registry
 *     renews the lease every third of it while the server runs
 * @param callTimeout the deadline of each call to etcd but the long-lived watch and keep-alive
 *     streams (default 3 s, registry-etcd's)
 */
public record EtcdConfig(
    List<String> endpoints, String prefix, Duration leaseTtl, Duration callTimeout) {
  /** registry-etcd's key prefix. */
  public static final String DEFAULT_PREFIX = "kitex/registry-etcd";

  public EtcdConfig {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("etcd needs at least one endpoint (host:port)");
    }
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.endsWith("/")) {
      throw new IllegalArgumentException("prefix must not end with '/': '" + prefix + "'");
    }
    if (leaseTtl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("leaseTtl must be at least 1 s: " + leaseTtl);
    }
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("callTimeout must be positive: " + callTimeout);
    }
  }

  /** etcd at {@code endpoints}, with the defaults. */
  public static EtcdConfig of(String... endpoints) {
    return new EtcdConfig(
        List.of(endpoints), DEFAULT_PREFIX, Duration.ofSeconds(60), Duration.ofSeconds(3));
  }

  /** This, with the key prefix {@code prefix}. */
  public EtcdConfig withPrefix(String prefix) {
    return new EtcdConfig(endpoints, prefix, leaseTtl, callTimeout);
  }

  /** This, with leases of {@code ttl}. */
  public EtcdConfig withLeaseTtl(Duration ttl) {
    return new EtcdConfig(endpoints, prefix, ttl, callTimeout);
  }

  /** This, with calls to etcd bounded by {@code timeout}. */
  public EtcdConfig withCallTimeout(Duration timeout) {
    return new EtcdConfig(endpoints, prefix, leaseTtl, timeout);
  }

  /** The prefix of every key of {@code service}'s instances, ending in '/'. */
  String servicePrefix(String service) {
    return prefix + "/" + service + "/";
  }

  /** The key of {@code service}'s instance at {@code hostPort}. */
  String key(String service, String hostPort) {
    return servicePrefix(service) + hostPort;
  }
}
