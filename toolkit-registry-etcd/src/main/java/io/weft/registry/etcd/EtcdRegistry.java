package io.weft.registry.etcd;

import io.weft.api.BidiStreamingClient;
import io.weft.api.Registry;
import io.weft.api.RegistryInfo;
import io.weft.registry.etcd.internal.EtcdClient;
import io.weft.registry.etcd.internal.InstanceJson;
import io.weft.registry.etcd.internal.etcdserverpb.DeleteRangeRequest;
import io.weft.registry.etcd.internal.etcdserverpb.LeaseGrantRequest;
import io.weft.registry.etcd.internal.etcdserverpb.LeaseKeepAliveRequest;
import io.weft.registry.etcd.internal.etcdserverpb.LeaseKeepAliveResponse;
import io.weft.registry.etcd.internal.etcdserverpb.LeaseRevokeRequest;
import io.weft.registry.etcd.internal.etcdserverpb.PutRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Registry} in etcd, in kitex-contrib/registry-etcd's layout, so that Kitex clients using
 * registry-etcd's resolver find Weft servers: each registered instance is the key {@code
 * <prefix>/<service>/<host:port>} whose value is registry-etcd's JSON ({@code
 * {"network":"tcp","address":...,"weight":...,"tags":{...}}}), attached to a lease of the
 * configured TTL. While the server runs, a virtual thread keeps the lease alive over etcd's {@code
 * LeaseKeepAlive} stream, renewing every third of the TTL; when etcd is away it tries again, and
 * when etcd says the lease is gone (it was away longer than the TTL) it grants a new lease and
 * writes the key again. {@link #deregister} deletes the key and revokes the lease. A server killed
 * without deregistering leaves the key until its lease expires.
 *
 * <pre>{@code
 * EtcdRegistry registry = new EtcdRegistry(EtcdConfig.of("127.0.0.1:2379"));
 * Server server = EchoServer.newServer(handler, ServerOptions.withServiceAddr("10.0.0.5", 8888),
 *     ServerOptions.withRegistry(registry, RegistryInfo.of("echo")));
 * }</pre>
 *
 * <p>One registry may serve several servers; {@link #close()} it after they have stopped.
 */
public final class EtcdRegistry implements Registry, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EtcdRegistry.class.getName());
  private static final long MAX_BACKOFF_MILLIS = 2_000;

  /**
   * A watch event crosses a network in milliseconds; this leaves room for a busy etcd or client.
   */
  private static final java.time.Duration DRAIN_TIME = java.time.Duration.ofMillis(500);

  private final EtcdConfig config;
  private final EtcdClient etcd;
  private final Map<String, Registration> registrations = new ConcurrentHashMap<>();

  /** Connects lazily to etcd at {@code config}'s endpoints. */
  public EtcdRegistry(EtcdConfig config) {
    this.config = config;
    this.etcd = new EtcdClient(config.endpoints(), config.callTimeout());
  }

  /** One instance's key and value, its lease, and the thread that keeps the lease alive. */
  private final class Registration {
    final String key;
    final String value;
    final CountDownLatch stop = new CountDownLatch(1);
    volatile long leaseId;
    volatile BidiStreamingClient<LeaseKeepAliveRequest, LeaseKeepAliveResponse> stream;
    Thread keeper;

    Registration(String key, String value) {
      this.key = key;
      this.value = value;
    }

    /** Grants a lease and writes the key under it. */
    void put() {
      long ttl = config.leaseTtl().toSeconds();
      long id =
          etcd.lease()
              .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttl).build(), etcd.unary())
              .getID();
      etcd.kv()
          .put(
              PutRequest.newBuilder()
                  .setKey(EtcdClient.bytes(key))
                  .setValue(EtcdClient.bytes(value))
                  .setLease(id)
                  .build(),
              etcd.unary());
      leaseId = id;
    }

    /** Renews the lease until stopped; re-registers when the lease is found gone. */
    void keepAlive() {
      long period = Math.max(100, config.leaseTtl().toMillis() / 3);
      long backoff = 100;
      while (stop.getCount() > 0) {
        try (BidiStreamingClient<LeaseKeepAliveRequest, LeaseKeepAliveResponse> s =
            etcd.lease().leaseKeepAlive()) {
          stream = s;
          while (stop.getCount() > 0) {
            s.send(LeaseKeepAliveRequest.newBuilder().setID(leaseId).build());
            LeaseKeepAliveResponse r = s.recv();
            if (r == null) {
              throw new IllegalStateException("etcd ended the keep-alive stream");
            }
            if (r.getTTL() <= 0) {
              LOG.log(
                  System.Logger.Level.WARNING,
                  "lease of " + key + " expired (etcd was away too long): registering again");
              put();
            }
            backoff = 100;
            if (stop.await(period, TimeUnit.MILLISECONDS)) {
              return;
            }
          }
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          if (stop.getCount() == 0) {
            return;
          }
          LOG.log(
              System.Logger.Level.DEBUG,
              "keeping " + key + " alive failed, retrying in " + backoff + " ms: " + e);
          try {
            if (stop.await(backoff, TimeUnit.MILLISECONDS)) {
              return;
            }
          } catch (InterruptedException ie) {
            return;
          }
          backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
      }
    }

    void halt() {
      stop.countDown();
      BidiStreamingClient<LeaseKeepAliveRequest, LeaseKeepAliveResponse> s = stream;
      if (s != null) {
        s.cancel();
      }
      if (keeper != null) {
        try {
          keeper.join(config.callTimeout().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * Writes {@code info} under a new lease and starts keeping the lease alive.
   *
   * @throws IllegalArgumentException if {@code info} has no address
   * @throws io.weft.api.RpcException if etcd cannot be reached or refuses
   */
  @Override
  public void register(RegistryInfo info) {
    if (info.hostPort() == null) {
      throw new IllegalArgumentException(
          "cannot register " + info.serviceName() + " without an address (host:port)");
    }
    String key = config.key(info.serviceName(), info.hostPort());
    Registration r =
        new Registration(
            key, new InstanceJson("tcp", info.hostPort(), info.weight(), info.tags()).encode());
    if (registrations.putIfAbsent(key, r) != null) {
      throw new IllegalStateException(key + " is registered already");
    }
    try {
      r.put();
    } catch (RuntimeException e) {
      registrations.remove(key, r);
      throw e;
    }
    r.keeper = Thread.ofVirtual().name("weft-etcd-keepalive " + key).start(r::keepAlive);
  }

  /**
   * Stops renewing {@code info}'s lease, deletes its key and revokes the lease (which deletes the
   * key too, should the delete have failed).
   *
   * @throws io.weft.api.RpcException if etcd took neither: the key then stays until its lease
   *     expires
   */
  @Override
  public void deregister(RegistryInfo info) {
    String key = config.key(info.serviceName(), info.hostPort());
    Registration r = registrations.remove(key);
    if (r == null) {
      return;
    }
    r.halt();
    RuntimeException deleting = null;
    try {
      etcd.kv()
          .deleteRange(
              DeleteRangeRequest.newBuilder().setKey(EtcdClient.bytes(key)).build(), etcd.unary());
    } catch (RuntimeException e) {
      deleting = e; // revoking the lease deletes the key too
    }
    try {
      etcd.lease()
          .leaseRevoke(LeaseRevokeRequest.newBuilder().setID(r.leaseId).build(), etcd.unary());
    } catch (RuntimeException e) {
      if (deleting != null) {
        e.addSuppressed(deleting);
        throw e; // the key stays until its lease expires
      }
      // the key is gone, which is what matters; the lease expires by itself
      LOG.log(System.Logger.Level.DEBUG, "revoking the lease of " + key + " failed: " + e);
    }
  }

  /**
   * Half a second: the time {@link EtcdResolver}s (and registry-etcd's Kitex resolvers, which a
   * Kitex client refreshes on its own schedule) get to drop a deregistered server before it stops
   * answering.
   */
  @Override
  public java.time.Duration drainTime() {
    return DRAIN_TIME;
  }

  /**
   * Stops keeping any registration alive (their keys then expire with their leases) and closes the
   * connection to etcd. Servers deregister themselves when they stop; close this after them.
   */
  @Override
  public void close() {
    for (Registration r : registrations.values()) {
      r.halt();
    }
    registrations.clear();
    etcd.close();
  }
}
