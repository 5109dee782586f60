package io.weft.registry.etcd;

import io.weft.api.BidiStreamingClient;
import io.weft.api.RegistryInfo;
import io.weft.api.Resolver;
import io.weft.registry.etcd.internal.EtcdClient;
import io.weft.registry.etcd.internal.InstanceJson;
import io.weft.registry.etcd.internal.etcdserverpb.RangeRequest;
import io.weft.registry.etcd.internal.etcdserverpb.RangeResponse;
import io.weft.registry.etcd.internal.etcdserverpb.WatchCreateRequest;
import io.weft.registry.etcd.internal.etcdserverpb.WatchRequest;
import io.weft.registry.etcd.internal.etcdserverpb.WatchResponse;
import io.weft.registry.etcd.internal.mvccpb.Event;
import io.weft.registry.etcd.internal.mvccpb.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Resolver} that watches etcd for a service's instances, in kitex-contrib/registry-etcd's
 * layout (the keys under {@code <prefix>/<service>/}, registry-etcd's JSON values), so that Weft
 * clients find Kitex servers registered with registry-etcd as well as Weft servers registered with
 * {@link EtcdRegistry}. It reads every instance once ({@code Range}), then follows changes over
 * etcd's {@code Watch} stream from the revision after that read, and tells the clients using it at
 * once ({@link Resolver#watch}); no client polls etcd. When the watch breaks (etcd restarted or
 * unreachable) the last instances stay in use, and once etcd answers again the resolver reads
 * everything afresh and watches again. Weights are registry-etcd's: 0 or less counts as 10.
 *
 * <pre>{@code
 * EtcdResolver echo = EtcdResolver.start("echo", EtcdConfig.of("127.0.0.1:2379"));
 * EchoClient client = EchoClient.newClient("echo",
 *     ClientOptions.withResolver(echo, Duration.ofSeconds(30)), ClientOptions.withLoadBalancer(LoadBalancer.WEIGHTED_RANDOM));
 * }</pre>
 *
 * <p>Any number of clients may share one resolver; {@link #close()} it after them.
 */
public final class EtcdResolver implements Resolver, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EtcdResolver.class.getName());
  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final String service;
  private final String prefix;
  private final EtcdClient etcd;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /**
   * Guards {@link #byKey}; a lock, not a monitor: {@link #put} may log, and logging may block on
   * I/O.
   */
  private final ReentrantLock lock = new ReentrantLock();

  /** Key to instance, as etcd has them; guarded by {@link #lock}. */
  private final TreeMap<String, Instance> byKey = new TreeMap<>();

  private volatile List<Instance> instances = List.of();
  private volatile BidiStreamingClient<WatchRequest, WatchResponse> stream;
  private final Thread watcher;

  private EtcdResolver(String service, EtcdConfig config) {
    if (service.isEmpty() || service.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          "service must be non-empty and without '/': '" + service + "'");
    }
    this.service = service;
    this.prefix = config.servicePrefix(service);
    this.etcd = new EtcdClient(config.endpoints(), config.callTimeout());
    long revision;
    try {
      revision = readAll();
    } catch (RuntimeException e) {
      etcd.close();
      throw new IllegalStateException(
          "cannot read "
              + service
              + "'s instances from etcd at "
              + config.endpoints()
              + ": "
              + e.getMessage(),
          e);
    }
    this.watcher =
        Thread.ofVirtual().name("weft-etcd-watch " + prefix).start(() -> watchLoop(revision));
  }

  /**
   * Reads {@code service}'s instances from etcd and starts watching them.
   *
   * @throws IllegalStateException if etcd cannot be read now
   */
  public static EtcdResolver start(String service, EtcdConfig config) {
    return new EtcdResolver(service, config);
  }

  /** The instances now: the last etcd gave, in key order. */
  @Override
  public List<Instance> resolve() {
    return instances;
  }

  /** Remembers {@code changed}, called after every change of the instances; always true. */
  @Override
  public boolean watch(Runnable changed) {
    listeners.add(changed);
    return true;
  }

  /** Stops watching and closes the connection to etcd; the clients keep the last instances. */
  @Override
  public void close() {
    closed.countDown();
    BidiStreamingClient<WatchRequest, WatchResponse> s = stream;
    if (s != null) {
      s.cancel();
    }
    try {
      watcher.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    etcd.close();
  }

  /** Replaces every instance with what etcd has now; the revision of that read. */
  private long readAll() {
    RangeResponse r =
        etcd.kv()
            .range(
                RangeRequest.newBuilder()
                    .setKey(EtcdClient.bytes(prefix))
                    .setRangeEnd(EtcdClient.prefixEnd(prefix))
                    .build(),
                etcd.unary());
    lock.lock();
    try {
      byKey.clear();
      for (KeyValue kv : r.getKvsList()) {
        put(kv);
      }
      publish();
    } finally {
      lock.unlock();
    }
    notifyListeners();
    return r.getHeader().getRevision();
  }

  /**
   * Watches from {@code revision + 1}; on any break, reads everything again and watches from there.
   */
  private void watchLoop(long revision) {
    long backoff = 100;
    long next = revision + 1;
    while (closed.getCount() > 0) {
      try (BidiStreamingClient<WatchRequest, WatchResponse> s = etcd.watch().watch()) {
        stream = s;
        s.send(
            WatchRequest.newBuilder()
                .setCreateRequest(
                    WatchCreateRequest.newBuilder()
                        .setKey(EtcdClient.bytes(prefix))
                        .setRangeEnd(EtcdClient.prefixEnd(prefix))
                        .setStartRevision(next))
                .build());
        WatchResponse w;
        while ((w = s.recv()) != null) {
          backoff = 100;
          if (w.getCanceled()) {
            throw new IllegalStateException(
                "etcd cancelled the watch"
                    + (w.getCompactRevision() > 0 ? " (revision " + next + " is compacted)" : "")
                    + ": "
                    + w.getCancelReason());
          }
          if (w.getEventsCount() > 0) {
            apply(w.getEventsList());
          }
          next = Math.max(next, w.getHeader().getRevision() + 1);
        }
        throw new IllegalStateException("etcd ended the watch");
      } catch (RuntimeException e) {
        if (closed.getCount() == 0) {
          return;
        }
        LOG.log(
            System.Logger.Level.DEBUG,
            "watch of "
                + prefix
                + " broke, keeping "
                + instances.size()
                + " instances, again in "
                + backoff
                + " ms: "
                + e);
        try {
          if (closed.await(backoff, TimeUnit.MILLISECONDS)) {
            return;
          }
        } catch (InterruptedException ie) {
          return;
        }
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        try {
          next = readAll() + 1; // what changed while the watch was down, compacted or not
        } catch (RuntimeException again) {
          LOG.log(System.Logger.Level.DEBUG, "etcd still away: " + again);
        }
      }
    }
  }

  private void apply(List<Event> events) {
    lock.lock();
    try {
      for (Event e : events) {
        if (e.getType() == Event.EventType.DELETE) {
          byKey.remove(e.getKv().getKey().toString(StandardCharsets.UTF_8));
        } else {
          put(e.getKv());
        }
      }
      publish();
    } finally {
      lock.unlock();
    }
    notifyListeners();
  }

  /**
   * Adds or replaces the instance of {@code kv}; a value that is not registry-etcd's JSON is
   * skipped, as registry-etcd skips it.
   */
  private void put(KeyValue kv) {
    String key = kv.getKey().toString(StandardCharsets.UTF_8);
    try {
      InstanceJson j = InstanceJson.decode(kv.getValue().toString(StandardCharsets.UTF_8));
      if (!j.network().equals("tcp")) {
        LOG.log(
            System.Logger.Level.WARNING,
            "ignoring " + key + ": network " + j.network() + ", not tcp");
        byKey.remove(key);
        return;
      }
      byKey.put(
          key,
          new Instance(j.address(), j.weight() > 0 ? j.weight() : RegistryInfo.DEFAULT_WEIGHT));
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.WARNING, "ignoring " + key + ": " + e.getMessage());
      byKey.remove(key);
    }
  }

  private void publish() {
    instances = List.copyOf(byKey.values());
  }

  private void notifyListeners() {
    for (Runnable r : listeners) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING, "a listener of " + service + "'s instances failed: " + e);
      }
    }
  }
}
