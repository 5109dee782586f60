package io.weft.examples.bench;

import echo.Echo;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.weft.api.BidiStreamingClient;
import io.weft.api.ClientOptions;
import io.weft.api.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bidi streaming throughput: {@code streams} echo.proto BidiSideStreaming streams, each with up to
 * {@link #WINDOW} messages in flight (a sender waits for a permit, each echo returns one), counting
 * the echoes that come back (a result's calls are messages; its errors, streams that failed).
 * Latency figures are not measured here (NaN).
 */
final class StreamSide implements Side {
  static final int WINDOW = 64;

  private final boolean weftClient;
  private final Echo.Request message = Echo.Request.newBuilder().setMsg("x".repeat(64)).build();
  private final echo.echoservice.EchoServiceClient weft;
  private final ManagedChannel channel;
  private final ServerProcess server;

  StreamSide(GrpcSides.Servers servers, boolean weftClient, boolean weftServer) {
    this(servers.get(weftServer), weftClient);
  }

  StreamSide(ServerProcess server, boolean weftClient) {
    this.weftClient = weftClient;
    this.server = server;
    int port = server.port();
    weft =
        weftClient
            ? echo.echoservice.EchoServiceClient.newClient(
                "echo.EchoService",
                ClientOptions.withHostPorts("127.0.0.1:" + port),
                ClientOptions.withTransport(Transport.GRPC))
            : null;
    channel = weftClient ? null : GrpcSides.channel(port);
  }

  @Override
  public String name() {
    return (weftClient ? "weft" : "grpc-java") + " → " + server.name();
  }

  @Override
  public ServerProcess server() {
    return server;
  }

  @Override
  public LoadGen.Result run(int streams, Duration duration, double rate) throws Exception {
    AtomicLong received = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long[] cpuBefore = Proc.selfCpuTicks();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < streams; s++) {
      threads.add(
          Thread.ofVirtual()
              .start(() -> {
                try {
                  if (weftClient) {
                    weftStream(end, received);
                  } else {
                    grpcJavaStream(end, received);
                  }
                } catch (Exception e) {
                  failed.incrementAndGet();
                  System.err.println("  stream failed: " + e);
                }
              }));
    }
    for (Thread t : threads) {
      t.join();
    }
    long[] cpuAfter = Proc.selfCpuTicks();
    long messages = Math.max(1, received.get());
    return new LoadGen.Result(
        received.get(),
        failed.get(),
        (System.nanoTime() - start) / 1e9,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        (cpuAfter[0] - cpuBefore[0]) * Proc.usPerTick() / messages,
        (cpuAfter[1] - cpuBefore[1]) * Proc.usPerTick() / messages);
  }

  private void weftStream(long end, AtomicLong received) throws InterruptedException {
    Semaphore window = new Semaphore(WINDOW);
    try (BidiStreamingClient<Echo.Request, Echo.Response> stream = weft.bidiSideStreaming()) {
      Thread reader =
          Thread.ofVirtual()
              .start(() -> {
                while (stream.recv() != null) {
                  received.incrementAndGet();
                  window.release();
                }
              });
      while (System.nanoTime() < end) {
        if (window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          stream.send(message);
        }
      }
      stream.closeSend();
      reader.join();
    }
  }

  private void grpcJavaStream(long end, AtomicLong received) throws InterruptedException {
    Semaphore window = new Semaphore(WINDOW);
    CountDownLatch done = new CountDownLatch(1);
    StreamObserver<Echo.Request> requests =
        ClientCalls.asyncBidiStreamingCall(
            channel.newCall(GrpcSides.BIDI, CallOptions.DEFAULT),
            new StreamObserver<>() {
              @Override
              public void onNext(Echo.Response value) {
                received.incrementAndGet();
                window.release();
              }

              @Override
              public void onError(Throwable t) {
                done.countDown();
              }

              @Override
              public void onCompleted() {
                done.countDown();
              }
            });
    while (System.nanoTime() < end) {
      if (window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        requests.onNext(message);
      }
    }
    requests.onCompleted();
    done.await(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (weft != null) {
      weft.close();
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
