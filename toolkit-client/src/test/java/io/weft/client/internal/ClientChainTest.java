package io.weft.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.weft.api.CallOptions;
import io.weft.api.ClientConfig;
import io.weft.api.ClientOptions;
import io.weft.api.Codec;
import io.weft.api.LoadBalancer;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.Middleware;
import io.weft.api.RetryPolicy;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.ServiceDefinition;
import io.weft.api.StatusCode;
import io.weft.testing.StringStruct;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's one chain, against a real server and a dead address: the user's middleware runs once
 * per call, outside retries and balancing, and sees what the caller sees.
 */
class ClientChainTest {
  private static final Codec<String> TEXT = new StringStruct(0);
  private static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.<String, String>builder()
          .serviceName("Echo")
          .fullServiceName("Echo")
          .methodName("echo")
          .kind(MethodKind.UNARY)
          .requestCodec(TEXT)
          .responseCodec(TEXT)
          .build();

  private Server server;
  private String dead;

  @BeforeEach
  void start() throws IOException {
    server =
        Server.newServer(
                ServiceDefinition.builder("Echo", "Echo").unary(ECHO, r -> "echo " + r).build(),
                ServerOptions.withServiceAddr("127.0.0.1", 0))
            .start();
    try (ServerSocket s = new ServerSocket(0)) { // a port nobody listens on once it closes
      dead = "127.0.0.1:" + s.getLocalPort();
    }
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void middlewareSeesEachCallOnceWhileRetriesGoToAnotherInstance() {
    AtomicInteger seen = new AtomicInteger();
    Middleware counting =
        next ->
            (inv, req) -> {
              seen.incrementAndGet();
              return next.call(inv, req);
            };
    RealClient client =
        new RealClient(
            ClientConfig.of(
                "Echo",
                ClientOptions.withHostPorts(dead, "127.0.0.1:" + server.port()),
                ClientOptions.withLoadBalancer(LoadBalancer.ROUND_ROBIN),
                ClientOptions.withRetry(
                    RetryPolicy.failureRetry(2).withBackoff(Duration.ZERO, Duration.ZERO)),
                ClientOptions.withMiddleware(counting)));
    try {
      for (int i = 0; i < 4; i++) {
        assertThat(client.unary(ECHO, "x" + i, CallOptions.timeout(Duration.ofSeconds(10))))
            .isEqualTo("echo x" + i);
      }
      long[] stats = client.stats();
      assertThat(stats[0]).as("calls").isEqualTo(4);
      assertThat(stats[1])
          .as("retries: the dead instance was picked at least once")
          .isGreaterThanOrEqualTo(1);
      assertThat(seen).as("middleware runs, once per call").hasValue(4);
    } finally {
      client.close();
    }
  }

  @Test
  void middlewareSeesThePlainFailureTheCallerSees() {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Middleware watching =
        next ->
            (inv, req) -> {
              try {
                return next.call(inv, req);
              } catch (RuntimeException e) {
                failures.add(e);
                throw e;
              }
            };
    RealClient client =
        new RealClient(
            ClientConfig.of(
                "Echo", ClientOptions.withHostPorts(dead), ClientOptions.withMiddleware(watching)));
    try {
      RpcException e =
          catchThrowableOfType(
              RpcException.class,
              () -> client.unary(ECHO, "x", CallOptions.timeout(Duration.ofSeconds(10))));
      assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
      assertThat(e.getClass())
          .as("never the internal UnsentException")
          .isEqualTo(RpcException.class);
      assertThat(failures)
          .singleElement()
          .satisfies(f -> assertThat(f.getClass()).isEqualTo(RpcException.class));
    } finally {
      client.close();
    }
  }

  @Test
  void withoutMiddlewareTheFailureIsPlainToo() {
    RealClient client = new RealClient(ClientConfig.of("Echo", ClientOptions.withHostPorts(dead)));
    try {
      RpcException e =
          catchThrowableOfType(
              RpcException.class,
              () -> client.unary(ECHO, "x", CallOptions.timeout(Duration.ofSeconds(10))));
      assertThat(e.getClass()).isEqualTo(RpcException.class);
      assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
    } finally {
      client.close();
    }
  }

  @Test
  void aMiddlewareMayCallOnSeveralTimesAtOnce() throws Exception {
    Middleware hedging =
        next ->
            (inv, req) -> {
              var other = new java.util.concurrent.CompletableFuture<Object>();
              Thread.ofVirtual()
                  .start(() -> {
                    try {
                      other.complete(next.call(inv, req + " (hedge)"));
                    } catch (Exception e) {
                      other.completeExceptionally(e);
                    }
                  });
              Object mine = next.call(inv, req);
              return mine + " / " + other.get();
            };
    RealClient client =
        new RealClient(
            ClientConfig.of(
                "Echo",
                ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
                ClientOptions.withRetry(RetryPolicy.failureRetry(1)),
                ClientOptions.withMiddleware(hedging)));
    try {
      for (int i = 0; i < 20; i++) {
        assertThat(client.unary(ECHO, "x" + i, CallOptions.timeout(Duration.ofSeconds(10))))
            .isEqualTo("echo x" + i + " / echo x" + i + " (hedge)");
      }
    } finally {
      client.close();
    }
  }
}
