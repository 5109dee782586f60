package io.weft.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import interop.thrift.Request;
import interop.thrift.echoservice.EchoServiceClient;
import interop.thrift.echoservice.EchoServiceServer;
import io.weft.api.ClientOptions;
import io.weft.api.LoadBalancer;
import io.weft.api.RegistryInfo;
import io.weft.api.Resolver;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.examples.interop.ThriftEchoHandler;
import io.weft.registry.etcd.internal.EtcdClient;
import io.weft.registry.etcd.internal.InstanceJson;
import io.weft.registry.etcd.internal.etcdserverpb.PutRequest;
import io.weft.registry.etcd.internal.etcdserverpb.RangeRequest;
import io.weft.registry.etcd.internal.mvccpb.KeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Servers registering in a real etcd and clients watching it: the key layout and values
 * kitex-contrib/registry-etcd uses, instances coming and going while calls run, a killed server's
 * lease expiring, etcd restarting under running calls, and hundreds of weighted instances.
 */
class EtcdRegistryTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static EtcdServer etcd;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  /** An echo server counting the calls it serves. */
  private static final class Echo extends ThriftEchoHandler {
    final LongAdder calls = new LongAdder();

    @Override
    public interop.thrift.Response echo(Request req) {
      calls.increment();
      return super.echo(req);
    }
  }

  private static Server server(Echo handler, EtcdRegistry registry, RegistryInfo info) {
    return EchoServiceServer.newServer(
            handler,
            ServerOptions.withServiceAddr("127.0.0.1", 0),
            ServerOptions.withExitWaitTime(Duration.ofSeconds(2)),
            ServerOptions.withRegistry(registry, info))
        .start();
  }

  private static EtcdConfig config() {
    return EtcdConfig.of(etcd.endpoint());
  }

  @Test
  void aServerRegistersInRegistryEtcdsLayoutAndDeregistersWhenItStops() throws Exception {
    try (EtcdRegistry registry = new EtcdRegistry(config());
        EtcdClient client = new EtcdClient(List.of(etcd.endpoint()), Duration.ofSeconds(3))) {
      Server s =
          server(
              new Echo(),
              registry,
              RegistryInfo.of("layout").withWeight(7).withTags(Map.of("zone", "a", "idc", "x")));
      String key = "kitex/registry-etcd/layout/127.0.0.1:" + s.port();
      List<KeyValue> kvs =
          client
              .kv()
              .range(
                  RangeRequest.newBuilder().setKey(EtcdClient.bytes(key)).build(), client.unary())
              .getKvsList();
      assertThat(kvs).hasSize(1);
      assertThat(kvs.get(0).getLease()).as("the key is attached to a lease").isNotZero();
      String json = kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
      assertThat(json)
          .isEqualTo(
              "{\"network\":\"tcp\",\"address\":\"127.0.0.1:"
                  + s.port()
                  + "\",\"weight\":7,\"tags\":{\"idc\":\"x\",\"zone\":\"a\"}}");
      s.stop();
      assertThat(
              client
                  .kv()
                  .range(
                      RangeRequest.newBuilder().setKey(EtcdClient.bytes(key)).build(),
                      client.unary())
                  .getKvsList())
          .as("deregistered on stop")
          .isEmpty();
    }
  }

  @Test
  void theResolverReadsRegistryEtcdsValuesAndSkipsBadOnes() throws Exception {
    try (EtcdClient client = new EtcdClient(List.of(etcd.endpoint()), Duration.ofSeconds(3))) {
      put(
          client,
          "kitex/registry-etcd/values/10.0.0.1:1",
          "{\"network\":\"tcp\",\"address\":\"10.0.0.1:1\",\"weight\":0,\"tags\":null}");
      put(
          client,
          "kitex/registry-etcd/values/10.0.0.2:2",
          "{\"address\":\"10.0.0.2:2\",\"weight\":3,\"extra\":[1,{\"a\":true}]}");
      put(client, "kitex/registry-etcd/values/bad", "not json");
      put(
          client,
          "kitex/registry-etcd/valuesX/10.0.0.3:3",
          "{\"network\":\"tcp\",\"address\":\"10.0.0.3:3\",\"weight\":1}");
      try (EtcdResolver r = EtcdResolver.start("values", config())) {
        assertThat(r.resolve())
            .containsExactly(
                new Resolver.Instance("10.0.0.1:1", 10), new Resolver.Instance("10.0.0.2:2", 3));
      }
    }
    assertThatThrownBy(() -> InstanceJson.decode("{\"weight\":1}"))
        .hasMessageContaining("no \"address\"");
    assertThatThrownBy(() ->
            EtcdResolver.start(
                "x", EtcdConfig.of("127.0.0.1:1").withCallTimeout(Duration.ofMillis(500))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot read x's instances from etcd at [127.0.0.1:1]");
  }

  private static void put(EtcdClient client, String key, String value) {
    client
        .kv()
        .put(
            PutRequest.newBuilder()
                .setKey(EtcdClient.bytes(key))
                .setValue(EtcdClient.bytes(value))
                .build(),
            client.unary());
  }

  /** Calls from a few threads until stopped, counting failures. */
  private static final class Load implements AutoCloseable {
    final AtomicBoolean running = new AtomicBoolean(true);
    final Semaphore ok = new Semaphore(0);
    final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<Thread> threads = new ArrayList<>();

    Load(EchoServiceClient client, int threads) {
      for (int i = 0; i < threads; i++) {
        this.threads.add(
            Thread.ofVirtual()
                .start(() -> {
                  while (running.get()) {
                    try {
                      client.echo(new Request().setMsg("hi"));
                      ok.release();
                    } catch (RuntimeException e) {
                      failures.add(e);
                    }
                  }
                }));
      }
    }

    /** Waits until {@code n} more calls succeeded. */
    void awaitMore(int n) throws InterruptedException {
      ok.drainPermits();
      assertThat(ok.tryAcquire(n, 60, TimeUnit.SECONDS))
          .as(n + " more calls succeed; failures: " + failures)
          .isTrue();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join();
      }
    }
  }

  @Test
  void instancesComeAndGoWhileCallsRunAndAGracefulRemovalFailsNoCall() throws Exception {
    try (EtcdRegistry registry = new EtcdRegistry(config());
        EtcdResolver resolver = EtcdResolver.start("churn", config())) {
      Instances seen = new Instances(resolver);
      Echo a = new Echo();
      Echo b = new Echo();
      Echo c = new Echo();
      Server sa = server(a, registry, RegistryInfo.of("churn"));
      Server sb = server(b, registry, RegistryInfo.of("churn"));
      seen.awaitHostPorts(WAIT, "127.0.0.1:" + sa.port(), "127.0.0.1:" + sb.port());
      try (EchoServiceClient client =
              EchoServiceClient.newClient(
                  "churn", ClientOptions.withResolver(resolver, Duration.ofMinutes(5)));
          Load load = new Load(client, 4)) {
        load.awaitMore(200);
        Server sc = server(c, registry, RegistryInfo.of("churn"));
        seen.awaitHostPorts(
            WAIT, "127.0.0.1:" + sa.port(), "127.0.0.1:" + sb.port(), "127.0.0.1:" + sc.port());
        long before = c.calls.sum();
        load.awaitMore(300);
        assertThat(c.calls.sum()).as("the added instance gets calls").isGreaterThan(before);

        sa.stop(); // graceful: deregisters, drains, then closes
        seen.awaitHostPorts(WAIT, "127.0.0.1:" + sb.port(), "127.0.0.1:" + sc.port());
        long aAfter = a.calls.sum();
        load.awaitMore(300);
        assertThat(a.calls.sum()).as("the removed instance gets no more calls").isEqualTo(aAfter);
        sb.stop();
        load.awaitMore(300);
        assertThat(load.failures).as("no call failed").isEmpty();
        sc.stop();
      }
    }
  }

  @Test
  void aKilledInstanceLeavesOnceItsLeaseExpires() throws Exception {
    EtcdConfig shortLease = config().withLeaseTtl(Duration.ofSeconds(2));
    try (EtcdRegistry survivor = new EtcdRegistry(shortLease);
        EtcdResolver resolver = EtcdResolver.start("killed", config())) {
      Instances seen = new Instances(resolver);
      EtcdRegistry doomed = new EtcdRegistry(shortLease);
      Server live = server(new Echo(), survivor, RegistryInfo.of("killed"));
      Server dead = server(new Echo(), doomed, RegistryInfo.of("killed"));
      seen.awaitHostPorts(WAIT, "127.0.0.1:" + live.port(), "127.0.0.1:" + dead.port());
      // as a killed process: its keep-alive stops and nothing deregisters it
      doomed.close();
      long start = System.nanoTime();
      seen.awaitHostPorts(WAIT, "127.0.0.1:" + live.port());
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("gone with its lease, not at once")
          .isGreaterThan(Duration.ofMillis(500));
      // and the survivor's lease, two seconds long, is kept alive well past its TTL
      try (EchoServiceClient client =
          EchoServiceClient.newClient(
              "killed", ClientOptions.withResolver(resolver, Duration.ofMinutes(5)))) {
        assertThat(client.echo(new Request().setMsg("x")).getMsg()).isEqualTo("x");
      }
      assertThat(resolver.resolve())
          .extracting(Resolver.Instance::hostPort)
          .containsExactly("127.0.0.1:" + live.port());
      live.stop();
      dead.stop();
    }
  }

  @Test
  void callsGoOnWhileEtcdRestartsAndTheWatchResumes() throws Exception {
    try (EtcdRegistry registry = new EtcdRegistry(config());
        EtcdResolver resolver = EtcdResolver.start("restart", config())) {
      Instances seen = new Instances(resolver);
      Server sa = server(new Echo(), registry, RegistryInfo.of("restart"));
      Server sb = server(new Echo(), registry, RegistryInfo.of("restart"));
      seen.awaitHostPorts(WAIT, "127.0.0.1:" + sa.port(), "127.0.0.1:" + sb.port());
      try (EchoServiceClient client =
              EchoServiceClient.newClient(
                  "restart", ClientOptions.withResolver(resolver, Duration.ofMinutes(5)));
          Load load = new Load(client, 4)) {
        load.awaitMore(100);
        etcd.kill();
        load.awaitMore(300);
        assertThat(resolver.resolve())
            .as("the last instances are kept while etcd is away")
            .hasSize(2);
        etcd.restart();
        // watched again: a server added after the restart is seen, and one removed goes
        Echo c = new Echo();
        Server sc = server(c, registry, RegistryInfo.of("restart"));
        seen.awaitHostPorts(
            WAIT, "127.0.0.1:" + sa.port(), "127.0.0.1:" + sb.port(), "127.0.0.1:" + sc.port());
        sa.stop();
        seen.awaitHostPorts(WAIT, "127.0.0.1:" + sb.port(), "127.0.0.1:" + sc.port());
        load.awaitMore(300);
        assertThat(c.calls.sum()).isPositive();
        assertThat(load.failures).as("no call failed").isEmpty();
        sb.stop();
        sc.stop();
      }
    }
  }

  @Test
  void twoHundredWeightedInstances() throws Exception {
    int n = 200;
    try (EtcdRegistry registry = new EtcdRegistry(config());
        EtcdResolver resolver = EtcdResolver.start("many", config())) {
      Instances seen = new Instances(resolver);
      for (int i = 0; i < n; i++) {
        registry.register(
            new RegistryInfo(
                "many",
                "10.1." + (i / 250) + "." + (i % 250) + ":9000",
                1 + i % 5,
                Map.of("i", "" + i)));
      }
      List<Resolver.Instance> all = seen.await(l -> l.size() == n, WAIT, n + " instances");
      for (int i = 0; i < n; i++) {
        assertThat(all)
            .contains(
                new Resolver.Instance("10.1." + (i / 250) + "." + (i % 250) + ":9000", 1 + i % 5));
      }
      // a resolver started now reads all of them in one Range
      try (EtcdResolver late = EtcdResolver.start("many", config())) {
        assertThat(late.resolve()).hasSize(n).containsExactlyInAnyOrderElementsOf(all);
      }
      // weights reach the balancer: a weighted client over real servers of weight 1 and 4
      Echo light = new Echo();
      Echo heavy = new Echo();
      for (int i = 0; i < n; i++) {
        registry.deregister(
            new RegistryInfo("many", "10.1." + (i / 250) + "." + (i % 250) + ":9000", 1, Map.of()));
      }
      Server sl = server(light, registry, RegistryInfo.of("many").withWeight(1));
      Server sh = server(heavy, registry, RegistryInfo.of("many").withWeight(4));
      seen.awaitHostPorts(WAIT, "127.0.0.1:" + sl.port(), "127.0.0.1:" + sh.port());
      try (EchoServiceClient client =
          EchoServiceClient.newClient(
              "many",
              ClientOptions.withResolver(resolver, Duration.ofMinutes(5)),
              ClientOptions.withLoadBalancer(LoadBalancer.WEIGHTED_RANDOM))) {
        for (int i = 0; i < 2000; i++) {
          client.echo(new Request().setMsg("w"));
        }
      }
      assertThat(heavy.calls.sum())
          .as("weight 4 against 1: heavy " + heavy.calls + ", light " + light.calls)
          .isGreaterThan(2 * light.calls.sum());
      sl.stop();
      sh.stop();
    }
  }
}
