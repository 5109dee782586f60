package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import interop.thrift.Request;
import interop.thrift.Response;
import interop.thrift.echoservice.EchoServiceClient;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.weft.api.CallContext;
import io.weft.api.CallOptions;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.LoadBalancer;
import io.weft.api.Middleware;
import io.weft.api.Resolver;
import io.weft.api.RetryPolicy;
import io.weft.api.RpcException;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.api.Client;
import io.weft.api.Server;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What production callers need, against real servers: load balancing, consistent hashing,
 * failure retries on another instance within a budget, backup requests, resolvers and
 * middleware on both sides.
 */
class ClientFeaturesTest {
  private final List<Server> servers = new ArrayList<>();
  private final Map<String, Named> handlers = new HashMap<>();
  private final Map<String, AtomicInteger> grpcCalls = new HashMap<>();

  /** interop.thrift's EchoService that answers Echo("who") and Echo("slow") with its own name. */
  static final class Named extends ThriftEchoHandler {
    final String name;
    final AtomicInteger calls = new AtomicInteger();
    volatile CountDownLatch holdSlow = new CountDownLatch(0);

    Named(String name) {
      this.name = name;
    }

    @Override
    public Response echo(Request req) {
      calls.incrementAndGet();
      if ("slow".equals(req.getMsg())) {
        try {
          holdSlow.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new Response().setMsg(name);
      }
      return "who".equals(req.getMsg()) || req.getMsg().startsWith("key-") ? new Response().setMsg(name) : super.echo(req);
    }
  }

  /** Starts a server named {@code name}; returns its address. */
  private String start(String name, io.weft.api.ServerOption... options) {
    Named h = new Named(name);
    handlers.put(name, h);
    List<io.weft.api.ServerOption> all = new ArrayList<>(List.of(options));
    all.add(ServerOptions.withPort(0));
    Server s = Server.builder()
        .addService(interop.thrift.echoservice.EchoServiceServer.definition(h))
        .addService(io.grpc.testing.integration.testservice.TestServiceServer.definition(new GrpcTestHandler() {
          final AtomicInteger count = grpcCalls.computeIfAbsent(name, k -> new AtomicInteger());

          @Override
          public Empty emptyCall(Empty request) {
            count.incrementAndGet();
            return super.emptyCall(request);
          }
        }))
        .options(all.toArray(io.weft.api.ServerOption[]::new))
        .build()
        .start();
    servers.add(s);
    return "127.0.0.1:" + s.port();
  }

  /** A loopback address that refuses connections (a port that was just free). */
  private static String deadAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  @AfterEach
  void stop() {
    servers.forEach(Server::stop);
  }

  private static EchoServiceClient client(ClientOption... options) {
    return EchoServiceClient.newClient("EchoService", options);
  }

  @Test
  void roundRobinSpreadsEvenly() {
    String a = start("a");
    String b = start("b");
    String c = start("c");
    try (var cli = client(ClientOptions.withHostPorts(a, b, c))) {
      for (int i = 0; i < 300; i++) {
        cli.echo(new Request().setMsg("who"));
      }
    }
    assertThat(handlers.values()).allSatisfy(h -> assertThat(h.calls.get()).isEqualTo(100));
  }

  @Test
  void roundRobinOverGrpcToo() {
    String a = start("a");
    String b = start("b");
    try (Client cli = Client.newClient("grpc.testing.TestService", ClientOptions.withHostPorts(a, b),
        ClientOptions.withTransport(Transport.GRPC))) {
      for (int i = 0; i < 20; i++) {
        TestServiceClient.of(cli).emptyCall(Empty.getDefaultInstance());
      }
    }
    assertThat(grpcCalls.get("a").get()).isEqualTo(10);
    assertThat(grpcCalls.get("b").get()).isEqualTo(10);
  }

  @Test
  void weightedRandomFollowsTheWeights() {
    String light = start("light");
    String heavy = start("heavy");
    Resolver weighted = () -> List.of(new Resolver.Instance(light, 1), new Resolver.Instance(heavy, 3));
    try (var cli = client(ClientOptions.withResolver(weighted, Duration.ofMinutes(1)),
        ClientOptions.withLoadBalancer(LoadBalancer.WEIGHTED_RANDOM))) {
      for (int i = 0; i < 4000; i++) {
        cli.echo(new Request().setMsg("who"));
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
    try (var cli = client(ClientOptions.withHostPorts(a, b, c), ClientOptions.withLoadBalancer(LoadBalancer.CONSISTENT_HASH),
        ClientOptions.withRetry(RetryPolicy.failureRetry(2)))) {
      for (int k = 0; k < 60; k++) {
        String key = "key-" + k;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5; i++) {
          seen.add(cli.echo(new Request().setMsg(key), CallOptions.DEFAULT.withHashKey(key)).getMsg());
        }
        assertThat(seen).as("instances that served " + key).hasSize(1);
        home.put(key, seen.iterator().next());
      }
      assertThat(new HashSet<>(home.values())).as("keys spread over the instances").hasSizeGreaterThan(1);
      servers.get(2).stop(); // c goes away
      for (var e : home.entrySet()) {
        String now = cli.echo(new Request().setMsg(e.getKey()), CallOptions.DEFAULT.withHashKey(e.getKey())).getMsg();
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
    try (Client raw = Client.newClient("EchoService", ClientOptions.withHostPorts(a, b, deadAddress()),
        ClientOptions.withRetry(RetryPolicy.failureRetry(2)))) {
      var cli = EchoServiceClient.of(raw);
      for (int i = 0; i < 100; i++) {
        assertThat(cli.echo(new Request().setMsg("who")).getMsg()).isIn("a", "b");
      }
      servers.get(1).stop(); // b is killed
      for (int i = 0; i < 100; i++) {
        assertThat(cli.echo(new Request().setMsg("who")).getMsg()).isEqualTo("a");
      }
      assertThat(raw.stats().retries()).isPositive();
      assertThat(raw.stats().calls()).isEqualTo(200);
    }
  }

  @Test
  void theRetryBudgetStopsARetryStorm() throws IOException {
    try (Client raw = Client.newClient("EchoService", ClientOptions.withHostPorts(deadAddress(), deadAddress(), deadAddress()),
        ClientOptions.withRetry(RetryPolicy.failureRetry(3).withBackoff(Duration.ZERO, Duration.ZERO)))) {
      var cli = EchoServiceClient.of(raw);
      for (int i = 0; i < 100; i++) {
        RpcException e = catchThrowableOfType(RpcException.class, () -> cli.echo(new Request().setMsg("who")));
        assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
      }
      // without a budget: 300 retries; with 10% and an allowance of 10: at most 20
      assertThat(raw.stats().retries()).isBetween(10L, 20L);
    }
  }

  @Test
  void aBackupRequestAnswersWhenTheFirstInstanceIsSlow() {
    String a = start("a");
    String b = start("b");
    handlers.get("a").holdSlow = new CountDownLatch(1);
    try (Client raw = Client.newClient("EchoService", ClientOptions.withHostPorts(a, b),
        ClientOptions.withRetry(RetryPolicy.backupRequest(Duration.ofMillis(50))))) {
      var cli = EchoServiceClient.of(raw);
      // round-robin sends the first attempt to a, which holds it; the backup goes to b
      assertThat(cli.echo(new Request().setMsg("slow")).getMsg()).isEqualTo("b");
      assertThat(raw.stats().backupRequests()).isEqualTo(1);
    } finally {
      handlers.get("a").holdSlow.countDown();
    }
  }

  @Test
  void dnsResolverFindsTheServer() {
    String a = start("a");
    int port = Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
    try (var cli = client(ClientOptions.withResolver(Resolver.dns("localhost", port), Duration.ofSeconds(5)),
        ClientOptions.withRetry(RetryPolicy.failureRetry(2)))) {
      for (int i = 0; i < 10; i++) {
        assertThat(cli.echo(new Request().setMsg("who")).getMsg()).isEqualTo("a");
      }
    }
  }

  @Test
  void callEventsReportStatusAndTimeOnBothSides() {
    List<io.weft.api.Middlewares.CallEvent> serverEvents = new CopyOnWriteArrayList<>();
    List<io.weft.api.Middlewares.CallEvent> clientEvents = new CopyOnWriteArrayList<>();
    String a = start("a", ServerOptions.withMiddleware(io.weft.api.Middlewares.events(serverEvents::add)),
        ServerOptions.withMiddleware(io.weft.api.Middlewares.accessLog()));
    try (var cli = client(ClientOptions.withHostPorts(a), ClientOptions.withMiddleware(io.weft.api.Middlewares.events(clientEvents::add)))) {
      cli.echo(new Request().setMsg("who"));
      assertThatThrownBy(() -> cli.sleep(5_000, CallOptions.timeout(Duration.ofMillis(20)))).isInstanceOf(RpcException.class);
    }
    assertThat(clientEvents).extracting(io.weft.api.Middlewares.CallEvent::method, io.weft.api.Middlewares.CallEvent::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Echo", StatusCode.OK), org.assertj.core.groups.Tuple.tuple("Sleep", StatusCode.DEADLINE_EXCEEDED));
    assertThat(serverEvents).extracting(io.weft.api.Middlewares.CallEvent::method).contains("Echo");
    assertThat(clientEvents).allSatisfy(e -> assertThat(e.nanos()).isPositive());
    // the echo's frames, counted by the transports: what one side sent, the other received
    var clientEcho = clientEvents.get(0);
    var serverEcho = serverEvents.stream().filter(e -> e.method().equals("Echo")).findFirst().orElseThrow();
    assertThat(clientEcho.bytesSent()).isPositive().isEqualTo(serverEcho.bytesReceived());
    assertThat(clientEcho.bytesReceived()).isPositive().isEqualTo(serverEcho.bytesSent());
  }

  @Test
  void aServerMiddlewareMayAnswerInsteadOfTheHandler() {
    // as Middleware's javadoc allows: a cache, a canned answer, a fallback; the caller gets what it returned
    Middleware canned = next -> (inv, req) -> inv.method().equals("Echo")
        ? new interop.thrift.echoservice.EchoServiceDescriptor.EchoResult().setSuccess(new Response().setMsg("canned"))
        : next.call(inv, req);
    String a = start("a", ServerOptions.withMiddleware(canned));
    for (Transport t : List.of(Transport.TTHEADER, Transport.FRAMED, Transport.GRPC)) {
      try (var cli = client(ClientOptions.withHostPorts(a), ClientOptions.withTransport(t))) {
        assertThat(cli.echo(new Request().setMsg("who"), CallOptions.timeout(Duration.ofSeconds(10))).getMsg())
            .as("over %s", t).isEqualTo("canned");
      }
    }
    assertThat(handlers.get("a").calls.get()).as("calls that reached the handler").isZero();
  }

  @Test
  void middlewareWrapsStreamsOnBothSides() {
    List<io.weft.api.Invocation> started = new CopyOnWriteArrayList<>();
    CountDownLatch serverDone = new CountDownLatch(1);
    List<io.weft.api.Middlewares.CallEvent> serverEvents = new CopyOnWriteArrayList<>();
    Server s = Server.builder()
        .addService(echo.echoservice.EchoServiceServer.definition(new ProtoEchoHandler()))
        .options(ServerOptions.withPort(0), ServerOptions.withMiddleware(io.weft.api.Middlewares.events(started::add, e -> {
          serverEvents.add(e);
          serverDone.countDown();
        })))
        .build()
        .start();
    servers.add(s);
    List<Object> opened = new CopyOnWriteArrayList<>();
    Middleware seeOpen = next -> (inv, req) -> {
      Object stream = next.call(inv, req);
      opened.add(inv.kind() + " " + inv.method() + " " + (stream instanceof io.weft.api.BidiStreamingClient<?, ?>));
      return stream;
    };
    try (var cli = echo.echoservice.EchoServiceClient.newClient("echo.EchoService", ClientOptions.withHostPorts("127.0.0.1:" + s.port()),
        ClientOptions.withTransport(Transport.GRPC), ClientOptions.withMiddleware(seeOpen));
        var stream = cli.bidiSideStreaming()) {
      for (String m : List.of("a", "bb", "ccc")) {
        stream.send(echo.Echo.Request.newBuilder().setMsg(m).build());
        assertThat(stream.recv().getMsg()).isEqualTo(m);
      }
      stream.closeSend();
      assertThat(stream.recv()).isNull();
    }
    assertThat(opened).containsExactly("BIDI_STREAMING BidiSideStreaming true");
    try {
      assertThat(serverDone.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertThat(started).extracting(io.weft.api.Invocation::method).containsExactly("BidiSideStreaming");
    var e = serverEvents.get(0);
    assertThat(e.status()).isEqualTo(StatusCode.OK);
    // three messages each way, echoed: as many bytes out as in
    assertThat(e.bytesReceived()).isPositive().isEqualTo(e.bytesSent());
  }

  /** A handler's own calls carry the remaining time of the call it serves, over TTHeader and gRPC. */
  @Test
  void deadlinesPassOnThroughASecondHop() {
    java.util.concurrent.atomic.AtomicLong grpcRemaining = new java.util.concurrent.atomic.AtomicLong(-1);
    Server b = Server.builder()
        .addService(interop.thrift.echoservice.EchoServiceServer.definition(new ThriftEchoHandler() {
          @Override
          public Response echo(Request req) {
            return new Response().setMsg(CallContext.current().deadline().map(d -> Long.toString(d.remainingMillis())).orElse("none"));
          }
        }))
        .addService(io.grpc.testing.integration.testservice.TestServiceServer.definition(new GrpcTestHandler() {
          @Override
          public Empty emptyCall(Empty request) {
            grpcRemaining.set(CallContext.current().deadline().map(io.weft.api.Deadline::remainingMillis).orElse(-2L));
            return super.emptyCall(request);
          }
        }))
        .options(ServerOptions.withPort(0))
        .build()
        .start();
    servers.add(b);
    String bAddress = "127.0.0.1:" + b.port();
    Server a = Server.builder()
        .addService(interop.thrift.echoservice.EchoServiceServer.definition(new ThriftEchoHandler() {
          @Override
          public Response echo(Request req) {
            try (var thrift = client(ClientOptions.withHostPorts(bAddress));
                Client grpc = Client.newClient("grpc.testing.TestService", ClientOptions.withHostPorts(bAddress),
                    ClientOptions.withTransport(Transport.GRPC))) {
              TestServiceClient.of(grpc).emptyCall(Empty.getDefaultInstance());
              return thrift.echo(new Request().setMsg("deadline?"));
            }
          }
        }))
        .options(ServerOptions.withPort(0))
        .build()
        .start();
    servers.add(a);
    try (var cli = client(ClientOptions.withHostPorts("127.0.0.1:" + a.port()))) {
      String seen = cli.echo(new Request().setMsg("hop"), CallOptions.timeout(Duration.ofSeconds(2))).getMsg();
      assertThat(Long.parseLong(seen)).as("remaining ms at the second hop over TTHeader").isBetween(1L, 2000L);
    }
    assertThat(grpcRemaining.get()).as("remaining ms at the second hop over gRPC").isBetween(1L, 2000L);
  }

  @Test
  void middlewareRunsInOrderOnBothSides() {
    List<String> log = new CopyOnWriteArrayList<>();
    Middleware serverSide = next -> (inv, req) -> {
      log.add("server " + inv.method() + " tag=" + inv.metadata().get("x-tag") + " caller-thread=" + !CallContext.current().method().isEmpty());
      return next.call(inv, req);
    };
    String a = start("a", ServerOptions.withMiddleware(serverSide));
    Middleware outer = next -> (inv, req) -> {
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
    Middleware inner = next -> (inv, req) -> {
      // as in Kitex, a Thrift method's request and response are its generated args and result structs
      log.add("inner before, request " + (req instanceof interop.thrift.echoservice.EchoServiceDescriptor.EchoArgs args ? args.getReq().getMsg() : req));
      Object resp = next.call(inv, req);
      log.add("inner after");
      return resp;
    };
    try (var cli = client(ClientOptions.withHostPorts(a), ClientOptions.withMiddleware(outer), ClientOptions.withMiddleware(inner))) {
      cli.echo(new Request().setMsg("hi"));
      assertThat(log).containsExactly(
          "outer before Echo", "inner before, request hi", "server Echo tag=from-outer caller-thread=true", "inner after", "outer after");
      log.clear();
      assertThatThrownBy(() -> cli.sleep(5_000, CallOptions.timeout(Duration.ofMillis(20)))).isInstanceOf(RpcException.class);
      assertThat(log).contains("outer saw DEADLINE_EXCEEDED");
    }
  }
}
