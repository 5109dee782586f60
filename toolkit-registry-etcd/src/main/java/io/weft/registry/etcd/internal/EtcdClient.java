package io.weft.registry.etcd.internal;

import com.google.protobuf.ByteString;
import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOptions;
import io.weft.api.Transport;
import io.weft.registry.etcd.internal.etcdserverpb.kv.KVClient;
import io.weft.registry.etcd.internal.etcdserverpb.lease.LeaseClient;
import io.weft.registry.etcd.internal.etcdserverpb.watch.WatchClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * etcd's KV, Lease and Watch services over one Weft gRPC client (etcd speaks gRPC on its client
 * port). Thread-safe; close it when done.
 */
public final class EtcdClient implements AutoCloseable {
  private final Client client;
  private final KVClient kv;
  private final LeaseClient lease;
  private final WatchClient watch;
  private final CallOptions unary;

  public EtcdClient(List<String> endpoints, Duration callTimeout) {
    this.client =
        Client.newClient(
            "etcd",
            ClientOptions.withHostPorts(endpoints.toArray(String[]::new)),
            ClientOptions.withTransport(Transport.GRPC),
            ClientOptions.withConnectTimeout(callTimeout));
    this.kv = KVClient.of(client);
    this.lease = LeaseClient.of(client);
    this.watch = WatchClient.of(client);
    this.unary = CallOptions.timeout(callTimeout);
  }

  public KVClient kv() {
    return kv;
  }

  public LeaseClient lease() {
    return lease;
  }

  public WatchClient watch() {
    return watch;
  }

  /** The options of every unary call: the configured deadline. */
  public CallOptions unary() {
    return unary;
  }

  @Override
  public void close() {
    client.close();
  }

  public static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  /**
   * The end of the range of every key starting with {@code prefix} (etcd's {@code
   * clientv3.GetPrefix}): the prefix with its last byte below 0xff incremented and what follows
   * dropped.
   */
  public static ByteString prefixEnd(String prefix) {
    byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
    for (int i = b.length - 1; i >= 0; i--) {
      if ((b[i] & 0xff) < 0xff) {
        byte[] end = java.util.Arrays.copyOf(b, i + 1);
        end[i]++;
        return ByteString.copyFrom(end);
      }
    }
    return ByteString.copyFrom(new byte[] {0}); // every key
  }
}
