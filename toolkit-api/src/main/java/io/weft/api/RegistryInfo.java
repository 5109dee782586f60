package io.weft.api;

import java.util.Map;
import java.util.Objects;

/**
 * What a server registers about itself (Kitex's {@code registry.Info}).
 *
 * @param serviceName the name clients look it up by (Kitex's service name)
 * @param hostPort where clients reach it, {@code host:port}; null when given to {@link
 *     ServerOptions#withRegistry}: the server fills in the address it listens on (its host, or this
 *     machine's first non-loopback address when it listens on every interface, and its port)
 * @param weight its share of traffic relative to the other instances (positive; Kitex's default is
 *     10)
 * @param tags free-form labels, registered as they are
 */
public record RegistryInfo(
    String serviceName, String hostPort, int weight, Map<String, String> tags) {
  /** Kitex's default weight ({@code discovery.DefaultWeight}). */
  public static final int DEFAULT_WEIGHT = 10;

  public RegistryInfo {
    Objects.requireNonNull(serviceName, "serviceName");
    if (serviceName.isEmpty() || serviceName.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          "serviceName must be non-empty and without '/': '" + serviceName + "'");
    }
    if (weight < 1) {
      throw new IllegalArgumentException("weight must be positive: " + weight);
    }
    tags = Map.copyOf(tags);
  }

  /** {@code serviceName} at the server's own address, with the default weight and no tags. */
  public static RegistryInfo of(String serviceName) {
    return new RegistryInfo(serviceName, null, DEFAULT_WEIGHT, Map.of());
  }

  /** This, at {@code hostPort}. */
  public RegistryInfo withHostPort(String hostPort) {
    return new RegistryInfo(serviceName, hostPort, weight, tags);
  }

  /** This, with {@code weight}. */
  public RegistryInfo withWeight(int weight) {
    return new RegistryInfo(serviceName, hostPort, weight, tags);
  }

  /** This, with {@code tags}. */
  public RegistryInfo withTags(Map<String, String> tags) {
    return new RegistryInfo(serviceName, hostPort, weight, tags);
  }
}
