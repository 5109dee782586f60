package io.weft.examples.bench;

import echo.Echo;
import echo.echoservice.EchoServiceClient;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.weft.api.ClientOptions;
import io.weft.api.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Open idle bidi streams: a server in a process of its own ({@link ServerProcess}, so that its
 * memory is its alone), a client here (Weft's or grpc-java's) opening {@code n} echo.proto
 * BidiSideStreaming streams, each proven open by one echo, then held. Reports the server's heap
 * after a full GC and its RSS, per stream, over the same figures before the streams but after one
 * stream has been opened and closed on the same connection (so that what the server sets up once,
 * for its first connection and call, is not counted per stream), and how many TCP connections the
 * server held (the client's memory is in this JVM and counts nowhere).
 */
final class StreamMemory {
  private StreamMemory() {}

  record Figures(
      String server, String client, int streams, long heapBytes, long rssBytes, int connections) {
    double heapPerStream() {
      return (double) heapBytes / streams;
    }

    double rssPerStream() {
      return (double) rssBytes / streams;
    }
  }

  /** The client's side of one open stream. */
  private interface Held {
    void close() throws Exception;
  }

  static Figures measure(Path logDir, boolean weftServer, boolean weftClient, int n)
      throws Exception {
    try (ServerProcess server =
        weftServer ? ServerProcess.weft(logDir) : ServerProcess.grpcJava(logDir)) {
      Echo.Request hello = Echo.Request.newBuilder().setMsg("hi").build();
      ConcurrentLinkedQueue<Held> open = new ConcurrentLinkedQueue<>();
      EchoServiceClient weft =
          weftClient
              ? EchoServiceClient.newClient(
                  "echo.EchoService",
                  ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
                  ClientOptions.withTransport(Transport.GRPC))
              : null;
      ManagedChannel channel = weftClient ? null : GrpcSides.channel(server.port());
      try {
        Callable<Held> opener =
            weftClient
                ? () -> {
                  var s = weft.bidiSideStreaming();
                  s.send(hello);
                  if (s.recv() == null) {
                    throw new IllegalStateException("a stream ended at once");
                  }
                  return () -> {
                    s.closeSend();
                    s.recv();
                    s.close();
                  };
                }
                : () -> {
                  CountDownLatch echoed = new CountDownLatch(1);
                  CountDownLatch done = new CountDownLatch(1);
                  StreamObserver<Echo.Request> requests =
                      ClientCalls.asyncBidiStreamingCall(
                          channel.newCall(GrpcSides.BIDI, CallOptions.DEFAULT),
                          new StreamObserver<>() {
                            @Override
                            public void onNext(Echo.Response value) {
                              echoed.countDown();
                            }

                            @Override
                            public void onError(Throwable t) {
                              echoed.countDown();
                              done.countDown();
                            }

                            @Override
                            public void onCompleted() {
                              done.countDown();
                            }
                          });
                  requests.onNext(hello);
                  if (!echoed.await(60, TimeUnit.SECONDS) || done.getCount() == 0) {
                    throw new IllegalStateException("no echo on a new stream");
                  }
                  return () -> {
                    requests.onCompleted();
                    done.await(60, TimeUnit.SECONDS);
                  };
                };
        opener.call().close(); // the first connection and call: not per stream
        long heap0 = heapAfterGc(server.pid());
        long rss0 = Proc.rss(server.pid());
        List<Thread> openers = new ArrayList<>();
        int per = n / 100;
        for (int t = 0; t < 100; t++) {
          openers.add(
              Thread.ofVirtual()
                  .start(() -> {
                    try {
                      for (int i = 0; i < per; i++) {
                        open.add(opener.call());
                      }
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }));
        }
        for (Thread t : openers) {
          t.join();
        }
        if (open.size() != n) {
          throw new IllegalStateException("opened " + open.size() + " streams of " + n);
        }
        long heap1 = heapAfterGc(server.pid());
        long rss1 = Proc.rss(server.pid());
        int connections = Proc.tcpConnections(server.pid());
        for (Held s : open) {
          s.close();
        }
        return new Figures(
            weftServer ? "weft (interop server)" : "grpc-java (Netty, direct executor)",
            weftClient ? "weft" : "grpc-java",
            open.size(),
            heap1 - heap0,
            rss1 - rss0,
            connections);
      } finally {
        if (weft != null) {
          weft.close();
        }
        if (channel != null) {
          channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** The process's used heap after a full GC, from {@code jcmd GC.heap_info}. */
  static long heapAfterGc(long pid) throws Exception {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
    if (!m.find()) {
      throw new IOException("no heap figure in: " + info);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }

  private static String jcmd(long pid, String command) throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid),
                command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  static String row(Figures f) {
    return String.format(
        Locale.ROOT,
        "| %,d open bidi streams | %s | %s | %,.0f B | %,.0f B | %,.0f MiB | %,.0f MiB | %d |",
        f.streams(),
        f.server(),
        f.client(),
        f.heapPerStream(),
        f.rssPerStream(),
        f.heapBytes() / 1048576.0,
        f.rssBytes() / 1048576.0,
        f.connections());
  }

  /**
   * {@code BENCH_ONLY=streams}: the idle-stream memory table and the target; returns the
   * markdown.
   */
  static String section(Path out) throws Exception {
    long streamsBegan = System.nanoTime();
    StringBuilder mem =
        new StringBuilder(
            "\n| idle streams | server | client | heap per stream | RSS per stream | heap in all | RSS in all "
                + "| server's TCP connections |\n|---|---|---|---:|---:|---:|---:|---:|\n");
    // 10,000 streams opened by either client (the server's figure should not depend on it), then
    // the 100,000 by Weft's (grpc-java's client waits instead of opening a second
    // connection
    // once Weft's server's 65,536 streams a connection are in use)
    record Case(int n, boolean weftClient) {}
    Figures weft100k = null;
    Figures grpcJava100k = null;
    for (Case c :
        List.of(new Case(10_000, true), new Case(10_000, false), new Case(100_000, true))) {
      for (boolean weftServer : new boolean[] {true, false}) {
        Figures f = measure(out, weftServer, c.weftClient(), c.n());
        String row = row(f);
        System.out.println(row);
        mem.append(row).append('\n');
        if (c.n() == 100_000) {
          if (weftServer) {
            weft100k = f;
          } else {
            grpcJava100k = f;
          }
        }
      }
    }
    System.out.printf(
        Locale.ROOT, "   (idle streams: %.0f s)%n", (System.nanoTime() - streamsBegan) / 1e9);
    double per = weft100k.heapPerStream();
    mem.append(
        String.format(
            Locale.ROOT,
            "%nIssue target, at most 3 KB of heap per idle stream at 100,000: Weft's server %,.0f B a stream "
                + "(%s), grpc-java's %,.0f B; Weft ÷ grpc-java %.2f×.%n",
            per,
            per <= 3000
                ? "met"
                : per <= 3072 ? "met if 3 KB is 3,072 B, not if 3,000 B" : "not met",
            grpcJava100k.heapPerStream(),
            per / grpcJava100k.heapPerStream()));
    return mem.toString();
  }
}
