package io.weft.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a client's calls can go (Kitex's {@code discovery.Resolver}): the instances behind the
 * destination, each an address with a weight. The client asks again every refresh interval
 * ({@link ClientOptions#withResolver}), so instances may come and go.
 */
@FunctionalInterface
public interface Resolver {
  /** The instances now. An empty list fails the calls with {@code UNAVAILABLE} until it changes. */
  List<Instance> resolve() throws Exception;

  /** One place a call can go: {@code host:port}, and its share of traffic relative to the others (positive). */
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

  /** Every address DNS gives for {@code host}, each with {@code port}, looked up on every refresh. */
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
