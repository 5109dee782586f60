package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.Payload;
import io.grpc.testing.integration.Messages.ResponseParameters;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.Messages.StreamingInputCallRequest;
import io.grpc.testing.integration.Messages.StreamingInputCallResponse;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;
import io.grpc.testing.integration.TestService;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.grpc.testing.integration.testservice.TestServiceServer;
import io.weft.api.BidiStreamingServer;
import io.weft.api.CallOptions;
import io.weft.api.ClientOptions;
import io.weft.api.ClientStreamingServer;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.ServerStreamingServer;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gRPC server and client against each other, over real sockets: bad input, limits, flow
 * control, cancellation, deadlines, scale.
 */
class GrpcServerBehaviourTest {
  private static final int MAX_MESSAGE = 256 * 1024;
  private static final byte[] EMPTY_SIMPLE_REQUEST = new byte[0];

  /** TestService with hooks the tests steer: counters, latches, and what the handler saw. */
  static final class Probe implements TestService {
    final GrpcTestHandler normal = new GrpcTestHandler();
    final AtomicInteger sent = new AtomicInteger();
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch allowReading = new CountDownLatch(1);
    final CompletableFuture<Throwable> handlerFailure = new CompletableFuture<>();
    volatile Thread handlerThread;
    volatile boolean sawDeadline;

    @Override
    public Empty emptyCall(Empty request) {
      return normal.emptyCall(request);
    }

    @Override
    public SimpleResponse unaryCall(SimpleRequest request) {
      if (request.getFillUsername()) {
        throw new IllegalStateException("handler blew up");
      }
      return normal.unaryCall(request);
    }

    @Override
    public SimpleResponse cacheableUnaryCall(SimpleRequest request) {
      return normal.cacheableUnaryCall(request);
    }

    /** Sends as many responses as asked, as fast as the client lets it. */
    @Override
    public void streamingOutputCall(
        StreamingOutputCallRequest request,
        ServerStreamingServer<StreamingOutputCallResponse> stream) {
      handlerThread = Thread.currentThread();
      started.countDown();
      int size = request.getResponseParameters(0).getSize();
      int count =
          request.getResponseParametersCount() > 1 ? request.getResponseParameters(1).getSize() : 1;
      StreamingOutputCallResponse r =
          StreamingOutputCallResponse.newBuilder()
              .setPayload(Payload.newBuilder().setBody(ByteString.copyFrom(new byte[size])))
              .build();
      try {
        for (int i = 0; i < count; i++) {
          stream.send(r);
          sent.incrementAndGet();
        }
      } catch (RuntimeException e) {
        handlerFailure.complete(e);
        throw e;
      }
      handlerFailure.complete(null);
    }

    /** Reads only once the test allows it. */
    @Override
    public void streamingInputCall(
        ClientStreamingServer<StreamingInputCallRequest, StreamingInputCallResponse> stream)
        throws InterruptedException {
      sawDeadline = stream.context().deadline().isPresent();
      handlerThread = Thread.currentThread();
      started.countDown();
      allowReading.await();
      int sum = 0;
      try {
        for (StreamingInputCallRequest r : stream) {
          sum += r.getPayload().getBody().size();
        }
      } catch (RuntimeException e) {
        handlerFailure.complete(e);
        throw e;
      }
      stream.sendAndClose(
          StreamingInputCallResponse.newBuilder().setAggregatedPayloadSize(sum).build());
    }

    final java.util.Set<String> peers = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public void fullDuplexCall(
        BidiStreamingServer<StreamingOutputCallRequest, StreamingOutputCallResponse> stream)
        throws Exception {
      peers.add(stream.context().peer());
      normal.fullDuplexCall(stream);
    }

    @Override
    public void halfDuplexCall(
        BidiStreamingServer<StreamingOutputCallRequest, StreamingOutputCallResponse> stream)
        throws Exception {
      normal.halfDuplexCall(stream);
    }

    @Override
    public Empty unimplementedCall(Empty request) {
      return normal.unimplementedCall(request);
    }
  }

  private final Probe probe = new Probe();
  private Server server;
  private TestServiceClient client;

  @BeforeEach
  void start() {
    server =
        Server.builder()
            .addService(TestServiceServer.definition(probe))
            .options(
                ServerOptions.withServiceAddr("127.0.0.1", 0),
                ServerOptions.withMaxMessageSize(MAX_MESSAGE))
            .build()
            .start();
    client =
        TestServiceClient.newClient(
            "test",
            ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
            ClientOptions.withTransport(Transport.GRPC));
  }

  @AfterEach
  void stop() {
    probe.allowReading.countDown();
    client.close();
    server.stop();
  }

  @Test
  void malformedInputResetsOnlyItsStream() throws Exception {
    try (RawH2 h2 = new RawH2(server.port())) {
      String path = "/grpc.testing.TestService/UnaryCall";
      // a length prefix far over the limit, rejected before anything is allocated
      int s1 = h2.open(path, RawH2.grpcHeaders(), false);
      h2.data(s1, RawH2.message(0, Integer.MAX_VALUE, new byte[0]), false);
      assertThat(h2.await(s1).grpcStatus()).isEqualTo("8");
      // a whole message over the limit
      int s2 = h2.open(path, RawH2.grpcHeaders(), false);
      h2.data(s2, RawH2.message(0, MAX_MESSAGE + 1, new byte[MAX_MESSAGE + 1]), true);
      assertThat(h2.await(s2).grpcStatus()).isEqualTo("8");
      // a bad grpc-timeout
      Map<String, String> badTimeout = RawH2.grpcHeaders();
      badTimeout.put("grpc-timeout", "soon");
      int s3 = h2.open(path, badTimeout, false);
      RawH2.Response r3 = h2.await(s3);
      assertThat(r3.grpcStatus()).isEqualTo("13");
      assertThat(r3.grpcMessage()).contains("grpc-timeout");
      // the compressed flag without a grpc-encoding
      int s4 = h2.open(path, RawH2.grpcHeaders(), false);
      h2.data(s4, RawH2.message(1, 0, new byte[0]), true);
      assertThat(h2.await(s4).grpcStatus()).isEqualTo("13");
      // a flag byte that is neither 0 nor 1
      int s5 = h2.open(path, RawH2.grpcHeaders(), false);
      h2.data(s5, RawH2.message(7, 0, new byte[0]), true);
      assertThat(h2.await(s5).grpcStatus()).isEqualTo("13");
      // the request ends inside a message
      int s6 = h2.open(path, RawH2.grpcHeaders(), false);
      h2.data(s6, new byte[] {0, 0, 0}, true);
      assertThat(h2.await(s6).grpcStatus()).isEqualTo("13");
      // and the same connection still serves a good call
      int ok = h2.open("/grpc.testing.TestService/EmptyCall", RawH2.grpcHeaders(), false);
      h2.data(ok, RawH2.message(0, 0, EMPTY_SIMPLE_REQUEST), true);
      RawH2.Response good = h2.await(ok);
      assertThat(good.grpcStatus()).isEqualTo("0");
      assertThat(good.headers())
          .containsEntry(":status", "200")
          .containsEntry("content-type", "application/grpc");
      assertThat(h2.goAways).isZero();
    }
    assertThat(client.emptyCall(Empty.getDefaultInstance())).isEqualTo(Empty.getDefaultInstance());
  }

  @Test
  void lateFramesForClosedStreamsAreIgnored() throws Exception {
    try (RawH2 h2 = new RawH2(server.port())) {
      int done = h2.open("/grpc.testing.TestService/EmptyCall", RawH2.grpcHeaders(), false);
      h2.data(done, RawH2.message(0, 0, EMPTY_SIMPLE_REQUEST), true);
      assertThat(h2.await(done).grpcStatus()).isEqualTo("0");
      int open = h2.open("/grpc.testing.TestService/FullDuplexCall", RawH2.grpcHeaders(), false);
      // frames for the finished stream, as a client whose cancel crossed the response sends them
      h2.rst(done, 0x8);
      h2.data(done, RawH2.message(0, 3, new byte[3]), false);
      h2.rst(done, 0x5);
      h2.data(open, RawH2.message(0, 0, new byte[0]), true);
      RawH2.Response r = h2.await(open);
      assertThat(r.grpcStatus()).isEqualTo("0");
      assertThat(h2.goAways).isZero();
    }
  }

  @Test
  void unknownServiceAndMethodAreUnimplementedTrailersOnly() throws Exception {
    try (RawH2 h2 = new RawH2(server.port())) {
      int s1 = h2.open("/grpc.testing.TestService/Nope", RawH2.grpcHeaders(), true);
      RawH2.Response r1 = h2.await(s1);
      assertThat(r1.headers()).containsEntry(":status", "200").containsEntry("grpc-status", "12");
      assertThat(r1.grpcMessage()).contains("Nope");
      int s2 = h2.open("/no.Such/Thing", RawH2.grpcHeaders(), true);
      assertThat(h2.await(s2).grpcStatus()).isEqualTo("12");
    }
  }

  @Test
  void handlerExceptionIsInternalWithItsMessage() {
    assertThatThrownBy(
            () -> client.unaryCall(SimpleRequest.newBuilder().setFillUsername(true).build()))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.code()).isEqualTo(StatusCode.INTERNAL);
              assertThat(e.status().description()).hasValue("handler blew up");
            });
  }

  @Test
  void messagesOverTheLimitFailWithResourceExhaustedBothWays() {
    assertThatThrownBy(() ->
            client.unaryCall(
                SimpleRequest.newBuilder()
                    .setPayload(
                        Payload.newBuilder()
                            .setBody(ByteString.copyFrom(new byte[MAX_MESSAGE + 10])))
                    .build()))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED));
    try (TestServiceClient small =
        TestServiceClient.newClient(
            "test",
            ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
            ClientOptions.withTransport(Transport.GRPC),
            ClientOptions.withMaxMessageSize(1024))) {
      assertThatThrownBy(
              () -> small.unaryCall(SimpleRequest.newBuilder().setResponseSize(4096).build()))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED));
    }
  }

  @Test
  void gzipBothWays() {
    SimpleResponse r =
        client.unaryCall(
            SimpleRequest.newBuilder()
                .setResponseSize(100_000)
                .setResponseCompressed(
                    io.grpc.testing.integration.Messages.BoolValue.newBuilder().setValue(true))
                .setPayload(Payload.newBuilder().setBody(ByteString.copyFrom(new byte[200_000])))
                .build(),
            CallOptions.DEFAULT.withCompression("gzip"));
    assertThat(r.getPayload().getBody().size()).isEqualTo(100_000);
  }

  @Test
  void slowReaderHoldsTheServerBackAndCancelWakesIt() throws Exception {
    int size = 64 * 1024;
    int wanted = 2000; // 128 MiB if nothing held the server back
    var stream =
        client.streamingOutputCall(
            StreamingOutputCallRequest.newBuilder()
                .addResponseParameters(ResponseParameters.newBuilder().setSize(size))
                .addResponseParameters(ResponseParameters.newBuilder().setSize(wanted))
                .build());
    assertThat(stream.recv()).isNotNull();
    assertThat(Await.untilWaitingForWindow(() -> probe.handlerThread, Duration.ofSeconds(30)))
        .as("the handler waits for the client's window (sent %d)", probe.sent.get())
        .isTrue();
    // windows and buffers, not the 2000 messages, bound what the server managed to send
    assertThat(probe.sent.get()).isLessThan(200);
    stream.cancel();
    Throwable failure = probe.handlerFailure.get(30, TimeUnit.SECONDS);
    assertThat(failure)
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.CANCELLED));
    assertThat(client.emptyCall(Empty.getDefaultInstance())).isEqualTo(Empty.getDefaultInstance());
  }

  @Test
  void slowServerHoldsTheClientBack() throws Exception {
    int size = 64 * 1024;
    var stream = client.streamingInputCall();
    AtomicInteger sent = new AtomicInteger();
    AtomicReference<Thread> sender = new AtomicReference<>();
    Future<?> sending;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      sending =
          pool.submit(() -> {
            sender.set(Thread.currentThread());
            StreamingInputCallRequest r =
                StreamingInputCallRequest.newBuilder()
                    .setPayload(Payload.newBuilder().setBody(ByteString.copyFrom(new byte[size])))
                    .build();
            for (int i = 0; i < 1000; i++) {
              stream.send(r);
              sent.incrementAndGet();
            }
            return null;
          });
      probe.started.await();
      assertThat(Await.untilWaitingForWindow(sender::get, Duration.ofSeconds(30)))
          .as("the client's sender waits for the server's window (sent %d)", sent.get())
          .isTrue();
      assertThat(sent.get()).isLessThan(200);
      probe.allowReading.countDown();
      sending.get(60, TimeUnit.SECONDS);
    }
    assertThat(stream.closeAndRecv().getAggregatedPayloadSize()).isEqualTo(1000 * size);
  }

  @Test
  void deadlineReachesTheHandlerAndEndsBothSides() throws Exception {
    var stream = client.streamingInputCall(CallOptions.timeout(Duration.ofMillis(300)));
    probe.started.await();
    assertThat(probe.sawDeadline).isTrue();
    probe.allowReading.countDown();
    Throwable handlerSaw = probe.handlerFailure.get(30, TimeUnit.SECONDS);
    assertThat(handlerSaw)
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED));
    assertThatThrownBy(stream::closeAndRecv)
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED));
  }

  @Test
  void cancelsRacingWritesLeaveTheConnectionHealthy() throws Exception {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        calls.add(
            pool.submit(() -> {
              var s =
                  client.streamingOutputCall(
                      StreamingOutputCallRequest.newBuilder()
                          .addResponseParameters(ResponseParameters.newBuilder().setSize(1024))
                          .addResponseParameters(ResponseParameters.newBuilder().setSize(100_000))
                          .build());
              s.recv();
              s.cancel();
              return null;
            }));
      }
      for (Future<?> f : calls) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    for (int i = 0; i < 50; i++) {
      assertThat(client.emptyCall(Empty.getDefaultInstance()))
          .isEqualTo(Empty.getDefaultInstance());
    }
  }

  @Test
  void tenThousandBidiStreamsAreAliveAtOnce() throws Exception {
    int n = 10_000;
    CountDownLatch allAnswered = new CountDownLatch(n);
    StreamingOutputCallRequest ping =
        StreamingOutputCallRequest.newBuilder()
            .addResponseParameters(ResponseParameters.newBuilder().setSize(8))
            .build();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        results.add(
            pool.submit(() -> {
              try (var s = client.fullDuplexCall(CallOptions.timeout(Duration.ofMinutes(5)))) {
                s.send(ping);
                int got = s.recv().getPayload().getBody().size();
                allAnswered.countDown();
                allAnswered.await(); // every stream is open at this point
                s.send(ping);
                got += s.recv().getPayload().getBody().size();
                s.closeSend();
                return s.recv() == null ? got : -1;
              }
            }));
      }
      for (Future<Integer> r : results) {
        assertThat(r.get(5, TimeUnit.MINUTES)).isEqualTo(16);
      }
    }
  }

  @Test
  void clientOpensAnotherConnectionAtTheServersStreamLimit() throws Exception {
    Probe limited = new Probe();
    Server small =
        Server.builder()
            .addService(TestServiceServer.definition(limited))
            .options(
                ServerOptions.withServiceAddr("127.0.0.1", 0),
                ServerOptions.withMaxConcurrentStreams(2))
            .build()
            .start();
    StreamingOutputCallRequest ping =
        StreamingOutputCallRequest.newBuilder()
            .addResponseParameters(ResponseParameters.newBuilder().setSize(1))
            .build();
    try (TestServiceClient c =
        TestServiceClient.newClient(
            "test",
            ClientOptions.withHostPorts("127.0.0.1:" + small.port()),
            ClientOptions.withTransport(Transport.GRPC))) {
      List<io.weft.api.BidiStreamingClient<StreamingOutputCallRequest, StreamingOutputCallResponse>>
          open = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        var s = c.fullDuplexCall();
        s.send(ping);
        assertThat(s.recv()).isNotNull();
        open.add(s);
      }
      for (var s : open) {
        s.closeSend();
        assertThat(s.recv()).isNull();
      }
    } finally {
      small.stop();
    }
    // five streams at once, at most two per connection
    assertThat(limited.peers).hasSizeGreaterThanOrEqualTo(3);
  }
}
