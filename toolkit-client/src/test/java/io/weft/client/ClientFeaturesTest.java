package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.weft.api.BidiStreamingClient;
import io.weft.api.CallContext;
import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.Invocation;
import io.weft.api.LoadBalancer;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.Middleware;
import io.weft.api.Middlewares;
import io.weft.api.Resolver;
import io.weft.api.RetryPolicy;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOption;
import io.weft.api.ServerOptions;
import io.weft.api.ServiceDefinition;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.testing.StringStruct;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What production callers need, against real Weft servers of a hand-built service (moved here from
 * examples/interop, where it used generated stubs): load balancing, consistent hashing, failure
 * retries on another instance within a budget, backup requests, resolvers, deadlines passed on, and
 * middleware on both sides.
 */
class ClientFeaturesTest {
  /** Hold(msg) returns msg once the test ends: a call that outlasts any deadline the test gives. */
  private static final MethodDescriptor<String, String> HOLD = Methods.unary("Hold");

  /** Bidi: each message back as it comes, over gRPC with Thrift serialization. */
  private static final MethodDescriptor<String, String> BIDI =
      MethodDescriptor.<String, String>builder()
          .serviceName("EchoService")
          .fullServiceName("test.EchoService")
          .methodName("Bidi")
          .kind(MethodKind.BIDI_STREAMING)
          .requestCodec(new StringStruct(1))
          .responseCodec(new StringStruct(1))
          .build();

  private final List<Server> servers = new ArrayList<>();
  private final Map<String, Named> handlers = new HashMap<>();
  private final CountDownLatch endOfTest = new CountDownLatch(1);

  /**
   * A server's handlers: Echo("who"), Echo("key-...") and Echo("slow") answer with the server's
   * name.
   */
  final class Named {
    final String name;
    final AtomicInteger calls = new AtomicInteger();
    volatile CountDownLatch holdSlow = new CountDownLatch(0);

    Named(String name) {
      this.name = name;
    }

    String echo(String msg) throws InterruptedException {
      calls.incrementAndGet();
      if ("slow".equals(msg)) {
        holdSlow.await();
        return name;
      }
      return "who".equals(msg) || msg.startsWith("key-") ? name : msg;
    }

    ServiceDefinition definition() {
      return ServiceDefinition.builder("EchoService", "test.EchoService")
          .unary(Methods.ECHO, this::echo)
          .unary(
              HOLD,
              msg -> {
                endOfTest.await();
                return msg;
              })
          .bidiStreaming(
              BIDI,
              stream -> {
                for (String m : stream) {
                  stream.send(m);
                }
              })
          .build();
    }
  }

  /** Starts a server named {@code name}; returns its address. */
  private String start(String name, ServerOption... options) {
    Named h = new Named(name);
    handlers.put(name, h);
    return "127.0.0.1:" + start(h.definition(), options).port();
  }

  private Server start(ServiceDefinition service, ServerOption... options) {
    Server s =
        Server.builder()
            .addService(service)
            .options(options)
            .options(ServerOptions.withServiceAddr("127.0.0.1", 0))
            .build()
            .start();
    servers.add(s);
    return s;
  }

  /** A loopback address that refuses connections (a port that was just free). */
  private static String deadAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  @AfterEach
  void stop() {
    endOfTest.countDown();
    servers.forEach(Server::stop);
  }

  private static Client client(ClientOption... options) {
    return Client.newClient("EchoService", options);
  }

  private static String echo(Client client, String msg) {
    return client.unary(Methods.ECHO, msg, CallOptions.DEFAULT);
  }

  @Test
  void roundRobinSpreadsEvenly() {
    String a = start("a");
    String b = start("b");
    String c = start("c");
    try (Client cli = client(ClientOptions.withHostPorts(a, b, c))) {
      for (int i = 0; i < 300; i++) {
        echo(cli, "who");
      }
    }
    assertThat(handlers.values()).allSatisfy(h -> assertThat(h.calls.get()).isEqualTo(100));
  }

  @Test
  void roundRobinOverGrpcToo() {
    String a = start("a");
    String b = start("b");
    try (Client cli =
        client(ClientOptions.withHostPorts(a, b), ClientOptions.withTransport(Transport.GRPC))) {
      for (int i = 0; i < 20; i++) {
        echo(cli, "who");
      }
    }
    assertThat(handlers.get("a").calls.get()).isEqualTo(10);
    assertThat(handlers.get("b").calls.get()).isEqualTo(10);
  }

  @Test
  void weightedRandomFollowsTheWeights() {
    String light = start("light");
    String heavy = start("heavy");
    Resolver weighted =
        () -> List.of(new Resolver.Instance(light, 1), new Resolver.Instance(heavy, 3));
    try (Client cli =
        client(
            ClientOptions.withResolver(weighted, Duration.ofMinutes(1)),
            ClientOptions.withLoadBalancer(LoadBalancer.WEIGHTED_RANDOM))) {
      for (int i = 0; i < 4000; i++) {
        echo(cli, "who");
      }
    }
    // 3,000 expected; the standard deviation is about 27
    assertThat(handlers.get("heavy").calls.get()).isBetween(2700, 3300);
  }

  @Test
  void consistentHashingKeepsEachKeyOnOneInstanceAndMovesOnlyTheLostOnes() {
    String a = start("a");
    String b = start("b");
    String c = start("c");
    Map<String, String> home = new HashMap<>();
    try (Client cli =
        client(
            ClientOptions.withHostPorts(a, b, c),
            ClientOptions.withLoadBalancer(LoadBalancer.CONSISTENT_HASH),
            ClientOptions.withRetry(RetryPolicy.failureRetry(2)))) {
      for (int k = 0; k < 60; k++) {
        String key = "key-" + k;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5; i++) {
          seen.add(cli.unary(Methods.ECHO, key, CallOptions.DEFAULT.withHashKey(key)));
        }
        assertThat(seen).as("instances that served " + key).hasSize(1);
        home.put(key, seen.iterator().next());
      }
      assertThat(new HashSet<>(home.values()))
          .as("keys spread over the instances")
          .hasSizeGreaterThan(1);
      servers.get(2).stop(); // c goes away
      for (var e : home.entrySet()) {
        String now =
            cli.unary(Methods.ECHO, e.getKey(), CallOptions.DEFAULT.withHashKey(e.getKey()));
        if (!e.getValue().equals("c")) {
          assertThat(now).as("key %s stays where it was", e.getKey()).isEqualTo(e.getValue());
        } else {
          assertThat(now).isIn("a", "b");
        }
      }
    }
  }

  @Test
  void aKilledInstanceIsRetriedOnAnother() throws IOException {
    String a = start("a");
    String b = start("b");
    try (Client cli =
        client(
            ClientOptions.withHostPorts(a, b, deadAddress()),
            ClientOptions.withRetry(RetryPolicy.failureRetry(2)))) {
      for (int i = 0; i < 100; i++) {
        assertThat(echo(cli, "who")).isIn("a", "b");
      }
      servers.get(1).stop(); // b is killed
      for (int i = 0; i < 100; i++) {
        assertThat(echo(cli, "who")).isEqualTo("a");
      }
      assertThat(cli.stats().retries()).isPositive();
      assertThat(cli.stats().calls()).isEqualTo(200);
    }
  }

  @Test
  void theRetryBudgetStopsARetryStorm() throws IOException {
    try (Client cli =
        client(
            ClientOptions.withHostPorts(deadAddress(), deadAddress(), deadAddress()),
            ClientOptions.withRetry(
                RetryPolicy.failureRetry(3).withBackoff(Duration.ZERO, Duration.ZERO)))) {
      for (int i = 0; i < 100; i++) {
        RpcException e = catchThrowableOfType(RpcException.class, () -> echo(cli, "who"));
        assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
      }
      // without a budget: 300 retries; with 10% and an allowance of 10: at most 20
      assertThat(cli.stats().retries()).isBetween(10L, 20L);
    }
  }

  @Test
  void aBackupRequestAnswersWhenTheFirstInstanceIsSlow() {
    String a = start("a");
    String b = start("b");
    handlers.get("a").holdSlow = new CountDownLatch(1);
    try (Client cli =
        client(
            ClientOptions.withHostPorts(a, b),
            ClientOptions.withRetry(RetryPolicy.backupRequest(Duration.ofMillis(50))))) {
      // round-robin sends the first attempt to a, which holds it; the backup goes to b
      assertThat(echo(cli, "slow")).isEqualTo("b");
      assertThat(cli.stats().backupRequests()).isEqualTo(1);
    } finally {
      handlers.get("a").holdSlow.countDown();
    }
  }

  @Test
  void dnsResolverFindsTheServer() {
    String a = start("a");
    int port = Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
    try (Client cli =
        client(
            ClientOptions.withResolver(Resolver.dns("localhost", port), Duration.ofSeconds(5)),
            ClientOptions.withRetry(RetryPolicy.failureRetry(2)))) {
      for (int i = 0; i < 10; i++) {
        assertThat(echo(cli, "who")).isEqualTo("a");
      }
    }
  }

  @Test
  void callEventsReportStatusAndTimeOnBothSides() {
    List<Middlewares.CallEvent> serverEvents = new CopyOnWriteArrayList<>();
    List<Middlewares.CallEvent> clientEvents = new CopyOnWriteArrayList<>();
    String a =
        start(
            "a",
            ServerOptions.withMiddleware(Middlewares.events(serverEvents::add)),
            ServerOptions.withMiddleware(Middlewares.accessLog()));
    try (Client cli =
        client(
            ClientOptions.withHostPorts(a),
            ClientOptions.withMiddleware(Middlewares.events(clientEvents::add)))) {
      echo(cli, "who");
      assertThatThrownBy(() -> cli.unary(HOLD, "x", CallOptions.timeout(Duration.ofMillis(20))))
          .isInstanceOf(RpcException.class);
    }
    assertThat(clientEvents)
        .extracting(Middlewares.CallEvent::method, Middlewares.CallEvent::status)
        .containsExactly(
            Tuple.tuple("Echo", StatusCode.OK), Tuple.tuple("Hold", StatusCode.DEADLINE_EXCEEDED));
    assertThat(serverEvents).extracting(Middlewares.CallEvent::method).contains("Echo");
    assertThat(clientEvents).allSatisfy(e -> assertThat(e.nanos()).isPositive());
    // the echo's frames, counted by the transports: what one side sent, the other received
    var clientEcho = clientEvents.get(0);
    var serverEcho =
        serverEvents.stream().filter(e -> e.method().equals("Echo")).findFirst().orElseThrow();
    assertThat(clientEcho.bytesSent()).isPositive().isEqualTo(serverEcho.bytesReceived());
    assertThat(clientEcho.bytesReceived()).isPositive().isEqualTo(serverEcho.bytesSent());
  }

  @Test
  void aServerMiddlewareMayAnswerInsteadOfTheHandler() {
    // as Middleware's javadoc allows: a cache, a canned answer, a fallback; the caller gets what it
    // returned
    Middleware canned =
        next -> (inv, req) -> inv.method().equals("Echo") ? "canned" : next.call(inv, req);
    String a = start("a", ServerOptions.withMiddleware(canned));
    for (Transport t : List.of(Transport.TTHEADER, Transport.FRAMED, Transport.GRPC)) {
      try (Client cli = client(ClientOptions.withHostPorts(a), ClientOptions.withTransport(t))) {
        assertThat(cli.unary(Methods.ECHO, "who", CallOptions.timeout(Duration.ofSeconds(10))))
            .as("over %s", t)
            .isEqualTo("canned");
      }
    }
    assertThat(handlers.get("a").calls.get()).as("calls that reached the handler").isZero();
  }

  @Test
  void middlewareWrapsStreamsOnBothSides() throws InterruptedException {
    List<Invocation> started = new CopyOnWriteArrayList<>();
    CountDownLatch serverDone = new CountDownLatch(1);
    List<Middlewares.CallEvent> serverEvents = new CopyOnWriteArrayList<>();
    Named h = new Named("a");
    Server s =
        start(
            h.definition(),
            ServerOptions.withMiddleware(
                Middlewares.events(
                    started::add,
                    e -> {
                      serverEvents.add(e);
                      serverDone.countDown();
                    })));
    List<Object> opened = new CopyOnWriteArrayList<>();
    Middleware seeOpen =
        next ->
            (inv, req) -> {
              Object stream = next.call(inv, req);
              opened.add(
                  inv.kind()
                      + " "
                      + inv.method()
                      + " "
                      + (stream instanceof BidiStreamingClient<?, ?>));
              return stream;
            };
    try (Client cli =
        client(
            ClientOptions.withHostPorts("127.0.0.1:" + s.port()),
            ClientOptions.withTransport(Transport.GRPC),
            ClientOptions.withMiddleware(seeOpen))) {
      BidiStreamingClient<String, String> stream =
          cli.bidiStreaming(BIDI, CallOptions.timeout(Duration.ofSeconds(20)));
      for (String m : List.of("a", "bb", "ccc")) {
        stream.send(m);
        assertThat(stream.recv()).isEqualTo(m);
      }
      stream.closeSend();
      assertThat(stream.recv()).isNull();
    }
    assertThat(opened).containsExactly("BIDI_STREAMING Bidi true");
    assertThat(serverDone.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(started).extracting(Invocation::method).containsExactly("Bidi");
    var e = serverEvents.get(0);
    assertThat(e.status()).isEqualTo(StatusCode.OK);
    // three messages each way, echoed: as many bytes out as in
    assertThat(e.bytesReceived()).isPositive().isEqualTo(e.bytesSent());
  }

  /**
   * A handler's own calls carry the remaining time of the call it serves, over TTHeader and gRPC.
   */
  @Test
  void deadlinesPassOnThroughASecondHop() {
    Server b =
        start(
            ServiceDefinition.builder("EchoService", "test.EchoService")
                .unary(
                    Methods.ECHO,
                    msg ->
                        CallContext.current()
                            .deadline()
                            .map(d -> Long.toString(d.remainingMillis()))
                            .orElse("none"))
                .build());
    String bAddress = "127.0.0.1:" + b.port();
    Server a =
        start(
            ServiceDefinition.builder("EchoService", "test.EchoService")
                .unary(
                    Methods.ECHO,
                    msg -> {
                      try (Client thrift = client(ClientOptions.withHostPorts(bAddress));
                          Client grpc =
                              client(
                                  ClientOptions.withHostPorts(bAddress),
                                  ClientOptions.withTransport(Transport.GRPC))) {
                        return echo(thrift, "deadline?") + " " + echo(grpc, "deadline?");
                      }
                    })
                .build());
    try (Client cli = client(ClientOptions.withHostPorts("127.0.0.1:" + a.port()))) {
      String[] seen =
          cli.unary(Methods.ECHO, "hop", CallOptions.timeout(Duration.ofSeconds(2))).split(" ");
      assertThat(Long.parseLong(seen[0]))
          .as("remaining ms at the second hop over TTHeader")
          .isBetween(1L, 2000L);
      assertThat(Long.parseLong(seen[1]))
          .as("remaining ms at the second hop over gRPC")
          .isBetween(1L, 2000L);
    }
  }

  @Test
  void middlewareRunsInOrderOnBothSides() {
    List<String> log = new CopyOnWriteArrayList<>();
    Middleware serverSide =
        next ->
            (inv, req) -> {
              log.add(
                  "server "
                      + inv.method()
                      + " tag="
                      + inv.metadata().get("x-tag")
                      + " caller-thread="
                      + !CallContext.current().method().isEmpty());
              return next.call(inv, req);
            };
    String a = start("a", ServerOptions.withMiddleware(serverSide));
    Middleware outer =
        next ->
            (inv, req) -> {
              log.add("outer before " + inv.method());
              inv.metadata().add("x-tag", "from-outer");
              try {
                return next.call(inv, req);
              } catch (RpcException e) {
                log.add("outer saw " + e.code());
                throw e;
              } finally {
                log.add("outer after");
              }
            };
    Middleware inner =
        next ->
            (inv, req) -> {
              log.add("inner before, request " + req);
              Object resp = next.call(inv, req);
              log.add("inner after");
              return resp;
            };
    try (Client cli =
        client(
            ClientOptions.withHostPorts(a),
            ClientOptions.withMiddleware(outer),
            ClientOptions.withMiddleware(inner))) {
      echo(cli, "hi");
      assertThat(log)
          .containsExactly(
              "outer before Echo",
              "inner before, request hi",
              "server Echo tag=from-outer caller-thread=true",
              "inner after",
              "outer after");
      log.clear();
      assertThatThrownBy(() -> cli.unary(HOLD, "x", CallOptions.timeout(Duration.ofMillis(20))))
          .isInstanceOf(RpcException.class);
      assertThat(log).contains("outer saw DEADLINE_EXCEEDED");
    }
  }
}
