package io.weft.client.internal;

import io.weft.api.ClientConfig;
import io.weft.api.LoadBalancer;
import io.weft.api.Resolver;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Picks the instance of each call: the {@link Resolver}'s list (refreshed every interval on a
 * calling thread, never holding the others up, and at once when a watching resolver says it
 * changed), the {@link LoadBalancer} policy, and ejection: an instance whose connection failed is
 * skipped for a cool-down that doubles with each further failure (from 200 ms up to 30 s), after
 * which one call re-checks it. When every instance is ejected, the one that comes back soonest is
 * tried anyway.
 */
final class Balancer {
  private static final System.Logger LOG = System.getLogger(Balancer.class.getName());
  private static final long FIRST_EJECTION_NANOS = 200_000_000L;
  private static final long MAX_EJECTION_NANOS = 30_000_000_000L;
  private static final int VIRTUAL_NODES = 100;

  private final Resolver resolver;
  private final long refreshNanos;
  private final LoadBalancer policy;
  private final ReentrantLock refreshing = new ReentrantLock();
  private final AtomicInteger next = new AtomicInteger();
  private final Map<HostPort, Health> health = new ConcurrentHashMap<>();
  private volatile View view = new View(List.of(), new int[0], 0, new TreeMap<>());
  private volatile long refreshAt;

  /**
   * One instance's failures: ejected until {@code until} (nanoTime), for {@code failures} in a row.
   */
  private static final class Health {
    volatile long until;
    volatile int failures;
  }

  /** The instances as last resolved, with what the policies need precomputed. */
  private record View(
      List<HostPort> targets,
      int[] cumulativeWeights,
      int totalWeight,
      TreeMap<Long, HostPort> ring) {}

  Balancer(ClientConfig config) {
    this.resolver =
        config.resolver() != null
            ? config.resolver()
            : Resolver.fixed(config.hostPorts().toArray(String[]::new));
    this.refreshNanos =
        config.resolver() != null
            ? Math.max(1, config.resolverRefresh().toNanos())
            : Long.MAX_VALUE;
    this.policy = config.loadBalancer();
    refresh(true);
    if (config.resolver() != null) {
      resolver.watch(() -> refresh(true));
    }
  }

  /** The instances now (for tests and for closing). */
  List<HostPort> targets() {
    return view.targets();
  }

  /**
   * The instance for the next call, avoiding {@code exclude} (instances this call already failed
   * on) when there is any other.
   */
  HostPort pick(String hashKey, Set<HostPort> exclude) {
    if (System.nanoTime() - refreshAt > refreshNanos) {
      refresh(false);
    }
    View v = view;
    List<HostPort> all = v.targets();
    if (all.isEmpty()) {
      throw new UnsentException(
          Status.of(StatusCode.UNAVAILABLE, "the resolver gives no instance to call"));
    }
    long now = System.nanoTime();
    HostPort first =
        switch (policy) {
          case ROUND_ROBIN -> all.get(Math.floorMod(next.getAndIncrement(), all.size()));
          case WEIGHTED_RANDOM -> weighted(v);
          case CONSISTENT_HASH ->
              hashKey == null
                  ? all.get(Math.floorMod(next.getAndIncrement(), all.size()))
                  : onRing(v, hashKey);
        };
    if (usable(first, exclude, now)) {
      return first;
    }
    // walk on from the policy's choice (round-robin order, or the ring's) to the first usable one
    List<HostPort> order =
        policy == LoadBalancer.CONSISTENT_HASH && hashKey != null
            ? ringOrder(v, hashKey)
            : rotate(all, first);
    for (HostPort hp : order) {
      if (usable(hp, exclude, now)) {
        return hp;
      }
    }
    for (HostPort hp : order) {
      if (!exclude.contains(hp) && !ejected(hp, now)) {
        return hp;
      }
    }
    // everything is ejected or excluded: the one back soonest, preferring those not yet tried
    HostPort best = null;
    long bestUntil = Long.MAX_VALUE;
    for (HostPort hp : order) {
      Health h = health.get(hp);
      long until = (h == null ? 0 : h.until) + (exclude.contains(hp) ? MAX_EJECTION_NANOS : 0);
      if (best == null || until - bestUntil < 0) {
        best = hp;
        bestUntil = until;
      }
    }
    return best;
  }

  private boolean usable(HostPort hp, Set<HostPort> exclude, long now) {
    return !exclude.contains(hp) && !ejected(hp, now);
  }

  private boolean ejected(HostPort hp, long now) {
    Health h = health.get(hp);
    return h != null && h.until - now > 0;
  }

  /** The connection to {@code hp} failed before the call got out: eject it for a while. */
  void failed(HostPort hp) {
    Health h = health.computeIfAbsent(hp, k -> new Health());
    int n = Math.min(h.failures + 1, 30);
    h.failures = n;
    long cooldown = Math.min(MAX_EJECTION_NANOS, FIRST_EJECTION_NANOS << Math.min(n - 1, 8));
    h.until = System.nanoTime() + cooldown;
    // DEBUG: the failed call reports the failure itself (or is retried), and a flapping instance
    // would log a pair of lines per call
    if (n == 1) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "instance " + hp + " failed: ejected for " + cooldown / 1_000_000 + " ms");
    }
  }

  /** A call to {@code hp} succeeded: it is healthy again. */
  void succeeded(HostPort hp) {
    if (!health.isEmpty()) {
      Health h = health.remove(hp);
      if (h != null && h.failures > 0) {
        LOG.log(System.Logger.Level.DEBUG, "instance " + hp + " is back");
      }
    }
  }

  private HostPort weighted(View v) {
    int r = ThreadLocalRandom.current().nextInt(v.totalWeight());
    int[] cw = v.cumulativeWeights();
    int lo = 0;
    int hi = cw.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cw[mid] > r) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return v.targets().get(lo);
  }

  private static HostPort onRing(View v, String key) {
    Map.Entry<Long, HostPort> e = v.ring().ceilingEntry(hash(key));
    return (e != null ? e : v.ring().firstEntry()).getValue();
  }

  /** The distinct instances clockwise from {@code key}'s point on the ring. */
  private static List<HostPort> ringOrder(View v, String key) {
    List<HostPort> out = new ArrayList<>();
    long h = hash(key);
    for (var m : List.of(v.ring().tailMap(h, true), v.ring().headMap(h, false))) {
      for (HostPort hp : m.values()) {
        if (!out.contains(hp)) {
          out.add(hp);
        }
      }
    }
    return out;
  }

  private static List<HostPort> rotate(List<HostPort> all, HostPort first) {
    int i = Math.max(0, all.indexOf(first));
    List<HostPort> out = new ArrayList<>(all.size());
    for (int k = 0; k < all.size(); k++) {
      out.add(all.get((i + k) % all.size()));
    }
    return out;
  }

  /** 64-bit FNV-1a, then a finalizer so that close keys spread over the ring. */
  static long hash(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  /**
   * Asks the resolver again: when due (a caller's turn), or at once ({@code force}: at the start,
   * or on a watch's word).
   */
  private void refresh(boolean force) {
    if (!force && !refreshing.tryLock()) {
      return; // another caller is refreshing; use the current list meanwhile
    }
    if (force) {
      refreshing.lock();
    }
    try {
      if (!force && System.nanoTime() - refreshAt <= refreshNanos) {
        return;
      }
      List<Resolver.Instance> instances;
      try {
        instances = resolver.resolve();
      } catch (Exception e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "resolver failed, keeping " + view.targets().size() + " instances: " + e);
        refreshAt = System.nanoTime();
        return;
      }
      List<HostPort> targets = new ArrayList<>();
      int[] cw = new int[instances.size()];
      int total = 0;
      TreeMap<Long, HostPort> ring = new TreeMap<>();
      for (int i = 0; i < instances.size(); i++) {
        Resolver.Instance in = instances.get(i);
        HostPort hp = HostPort.parse(in.hostPort());
        targets.add(hp);
        total += in.weight();
        cw[i] = total;
        if (policy == LoadBalancer.CONSISTENT_HASH) {
          for (int n = 0; n < VIRTUAL_NODES * in.weight(); n++) {
            ring.put(hash(hp + "#" + n), hp);
          }
        }
      }
      view = new View(List.copyOf(targets), cw, total, ring);
      health.keySet().retainAll(targets);
      refreshAt = System.nanoTime();
    } finally {
      refreshing.unlock();
    }
  }
}
