package io.weft.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a client's calls can go (Kitex's {@code discovery.Resolver}): the instances behind the
 * destination, each an address with a weight. The client asks again every refresh interval ({@link
 * ClientOptions#withResolver}), so instances may come and go; a resolver that learns of changes
 * itself (a watch on a registry) also tells the client at once through {@link #watch}.
 */
@FunctionalInterface
public interface Resolver {
  /** The instances now. An empty list fails the calls with {@code UNAVAILABLE} until it changes. */
  List<Instance> resolve() throws Exception;

  /**
   * For a resolver that learns of changes itself (a watch on a registry, as {@code
   * toolkit-registry-etcd}'s): remembers {@code changed}, calls it, from any thread, whenever
   * {@link #resolve()} would give another answer, and returns true; each client using this resolver
   * then asks again at once instead of at its next refresh. {@code changed} calls {@link
   * #resolve()} on the calling thread, so call it holding no lock that {@code resolve()} takes.
   * Listeners are kept until the resolver is closed, so close it after the clients that use it. The
   * default remembers nothing and returns false: clients only ask every refresh interval.
   */
  default boolean watch(Runnable changed) {
    return false;
  }

  /**
   * One place a call can go: {@code host:port}, and its share of traffic relative to the others
   * (positive).
   */
  record Instance(String hostPort, int weight) {
    public Instance {
      if (weight < 1) {
        throw new IllegalArgumentException("weight must be positive: " + weight);
      }
    }

    public static Instance of(String hostPort) {
      return new Instance(hostPort, 1);
    }
  }

  /** A fixed list of addresses, weight 1 each. */
  static Resolver fixed(String... hostPorts) {
    List<Instance> list = new ArrayList<>();
    for (String hp : hostPorts) {
      list.add(Instance.of(hp));
    }
    List<Instance> fixed = List.copyOf(list);
    return () -> fixed;
  }

  /**
   * Every address DNS gives for {@code host}, each with {@code port}, looked up on every refresh.
   */
  static Resolver dns(String host, int port) {
    return () -> {
      List<Instance> out = new ArrayList<>();
      try {
        for (InetAddress a : InetAddress.getAllByName(host)) {
          String h = a.getHostAddress();
          out.add(Instance.of(h.indexOf(':') >= 0 ? "[" + h + "]:" + port : h + ":" + port));
        }
      } catch (UnknownHostException e) {
        return List.of();
      }
      return out;
    };
  }
}
