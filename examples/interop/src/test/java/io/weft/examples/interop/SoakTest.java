package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;

import interop.thrift.Request;
import interop.thrift.Response;
import interop.thrift.echoservice.EchoServiceClient;
import io.weft.api.Client;
import io.weft.api.ClientOptions;
import io.weft.api.RetryPolicy;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.testing.Await;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * 100,000 calls from 100 callers spread over two healthy servers, one whose handler fails every
 * tenth call and one address where nothing listens: every caller finishes, every oneway call that
 * returned was served, and the heap ends where it began.
 */
class SoakTest {
  static final int CALLERS = 100;
  static final int CALLS_EACH = 1_000;

  /** Fails every tenth Echo with an unchecked exception (INTERNAL for the caller). */
  static final class Flaky extends ThriftEchoHandler {
    final AtomicLong n = new AtomicLong();

    @Override
    public Response echo(Request req) {
      if (n.incrementAndGet() % 10 == 0) {
        throw new IllegalStateException("flaky by design");
      }
      return super.echo(req);
    }
  }

  @Test
  void hundredThousandCallsOverFailingAndHealthyServers() throws Exception {
    List<ThriftEchoHandler> handlers =
        List.of(new ThriftEchoHandler(), new ThriftEchoHandler(), new Flaky());
    List<Server> servers = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (ThriftEchoHandler h : handlers) {
      Server s =
          Server.builder()
              .addService(interop.thrift.echoservice.EchoServiceServer.definition(h))
              .options(ServerOptions.withPort(0))
              .build()
              .start();
      servers.add(s);
      addresses.add("127.0.0.1:" + s.port());
    }
    try (ServerSocket probe = new ServerSocket(0)) {
      addresses.add("127.0.0.1:" + probe.getLocalPort()); // closed below: nothing listens there
    }
    long heapBefore = usedHeapAfterGc();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong onewaysSent = new AtomicLong();
    String tag = "soak-" + System.nanoTime();
    try (Client raw =
            Client.newClient(
                "EchoService",
                ClientOptions.withHostPorts(addresses.toArray(String[]::new)),
                ClientOptions.withRPCTimeout(Duration.ofSeconds(10)),
                ClientOptions.withRetry(RetryPolicy.failureRetry(2)));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      var cli = EchoServiceClient.of(raw);
      List<Future<?>> callers = new ArrayList<>();
      for (int c = 0; c < CALLERS; c++) {
        callers.add(
            pool.submit(() -> {
              for (int i = 0; i < CALLS_EACH; i++) {
                try {
                  if (i % 10 == 0) {
                    cli.visitOneway(new Request().setMsg(tag));
                    onewaysSent.incrementAndGet();
                  } else if ("x".equals(cli.echo(new Request().setMsg("x")).getMsg())) {
                    ok.incrementAndGet();
                  }
                } catch (RpcException e) {
                  failed.incrementAndGet();
                }
              }
              return null;
            }));
      }
      for (Future<?> f : callers) {
        f.get(5, TimeUnit.MINUTES); // a hung caller fails the test here
      }
      assertThat(ok.get() + failed.get() + onewaysSent.get())
          .isLessThanOrEqualTo((long) CALLERS * CALLS_EACH);
      assertThat(ok.get()).isGreaterThan(70_000);
      // every oneway whose call returned reached a server: wait (bounded) for them to be counted
      Await.until(() -> served(handlers, tag) >= onewaysSent.get(), Duration.ofSeconds(30));
      assertThat(served(handlers, tag)).isEqualTo(onewaysSent.get());
    } finally {
      servers.forEach(Server::stop);
    }
    assertThat(usedHeapAfterGc() - heapBefore)
        .as("heap growth after 100,000 calls")
        .isLessThan(64L << 20);
  }

  private static long served(List<ThriftEchoHandler> handlers, String tag) {
    return handlers.stream().mapToLong(h -> h.onewayCount(tag)).sum();
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
