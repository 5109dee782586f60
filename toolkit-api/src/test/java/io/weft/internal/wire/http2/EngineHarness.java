package io.weft.internal.wire.http2;

import io.weft.api.Deadline;
import io.weft.testing.ScriptedPeer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * Runs the engine without Helidon over real loopback sockets: {@link Server} accepts a {@link
 * ScriptedPeer#client} and serves it with {@link Http2Connection#server}; {@link Client} opens
 * {@link Http2Connection#client} against a {@link ScriptedPeer#server}. Test code only.
 */
final class EngineHarness {
  private EngineHarness() {}

  static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

  /** A {@link Http2Connection.Transport} over a socket's streams. */
  static Http2Connection.Transport transport(Socket s) throws IOException {
    s.setTcpNoDelay(true);
    return new SocketTransport(s);
  }

  static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "h2-test-timer");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /** A gRPC-shaped request's header fields for {@code path}. */
  static Fields request(String path) {
    return ScriptedPeer.fields(
        ":method",
        "POST",
        ":scheme",
        "http",
        ":path",
        path,
        ":authority",
        "localhost",
        "content-type",
        "application/grpc",
        "te",
        "trailers");
  }

  static Fields responseHeaders() {
    return ScriptedPeer.fields(":status", "200", "content-type", "application/grpc");
  }

  static Fields okTrailers() {
    return ScriptedPeer.fields("grpc-status", "0");
  }

  /** The bytes the thread with this id has allocated so far (platform threads only). */
  static long allocatedBytes(long threadId) {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(threadId);
  }

  static long currentThreadAllocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  // ---- the engine as a server ----

  /** One server-side engine connection for one scripted client. */
  static final class Server implements AutoCloseable {
    final ScheduledThreadPoolExecutor timer = timer();
    final ServerSocket listener;
    final Http2Config config;
    final Acceptor acceptor;
    final List<ScriptedPeer> peers = new CopyOnWriteArrayList<>();
    volatile Http2Connection conn;
    volatile Thread serveThread;

    /** Completes with the bytes the serving thread allocated in {@code serve()} when it returns. */
    final CompletableFuture<Long> served = new CompletableFuture<>();

    Server(UnaryOperator<Http2Config.Builder> config, Acceptor acceptor) throws IOException {
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      this.config = config.apply(Http2Config.builder(timer)).build();
      this.acceptor = acceptor;
    }

    Server(UnaryOperator<Http2Config.Builder> config) throws IOException {
      this(config, new Acceptor(true, true));
    }

    /**
     * Connects a scripted client and serves it on a platform thread (so that its allocations can be
     * measured); the engine writes its SETTINGS at once.
     */
    ScriptedPeer connect() throws IOException {
      ScriptedPeer peer = ScriptedPeer.client(listener.getLocalPort());
      peers.add(peer);
      listener.setSoTimeout(10_000);
      Socket s = listener.accept();
      Http2Connection c = Http2Connection.server(transport(s), "scripted-client", config, acceptor);
      conn = c;
      CompletableFuture<Void> started = new CompletableFuture<>();
      serveThread =
          Thread.ofPlatform()
              .daemon()
              .name("h2-test-serve")
              .start(() -> {
                long before = currentThreadAllocatedBytes();
                started.complete(null);
                try {
                  c.serve();
                } finally {
                  served.complete(currentThreadAllocatedBytes() - before);
                }
              });
      started.join();
      return peer;
    }

    /** Bytes the serving thread has allocated so far (while it runs). */
    long allocated() {
      return allocatedBytes(serveThread.threadId());
    }

    /** Waits until {@code serve()} has returned. */
    boolean awaitServed(Duration timeout) throws Exception {
      try {
        served.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return true;
      } catch (TimeoutException e) {
        return false;
      }
    }

    @Override
    public void close() throws Exception {
      try {
        for (ScriptedPeer p : peers) {
          p.assertOnlyKnownErrorCodes();
        }
      } finally {
        for (ScriptedPeer p : peers) {
          p.close();
        }
        Http2Connection c = conn;
        if (c != null) {
          c.close(ErrorCode.NO_ERROR, "test over");
          served.get(10, TimeUnit.SECONDS);
        }
        listener.close();
        timer.shutdownNow();
      }
    }
  }

  /**
   * The test's acceptor: records every stream as a {@link Call} and sets it as the listener; with
   * {@code echo}, once the request has ended, a virtual thread answers with 200, the request body
   * and grpc-status 0; with {@code autoConsume}, DATA is returned to flow control as it arrives
   * (else the test calls {@link Call#consumeAll}).
   */
  static final class Acceptor implements Http2Connection.Acceptor {
    final boolean echo;
    final boolean autoConsume;
    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    final CompletableFuture<Http2Connection> closed = new CompletableFuture<>();

    Acceptor(boolean echo, boolean autoConsume) {
      this.echo = echo;
      this.autoConsume = autoConsume;
    }

    @Override
    public void accept(Http2Stream stream, Fields headers, boolean endStream) {
      Call c = new Call(autoConsume, echo);
      c.stream = stream;
      c.headers = headers;
      stream.listener(c);
      calls.add(c);
      if (endStream) {
        c.requestEnded();
      }
    }

    @Override
    public void closed(Http2Connection connection) {
      closed.complete(connection);
    }

    /** The next stream accepted, within 5 s. */
    Call next() throws InterruptedException {
      Call c = calls.poll(5, TimeUnit.SECONDS);
      if (c == null) {
        throw new AssertionError("no stream accepted within 5 s");
      }
      return c;
    }
  }

  /** What one stream's listener heard, on either side. */
  static final class Call implements Http2Stream.Listener {
    final boolean autoConsume;
    final boolean echo;
    volatile Http2Stream stream;
    volatile Fields headers;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int unconsumed;
    final List<Fields> headerBlocks = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    final CompletableFuture<StreamException> reset = new CompletableFuture<>();

    /** The echo reply's writer: completes when it returns, exceptionally when it throws. */
    final CompletableFuture<Void> replied = new CompletableFuture<>();

    Call(boolean autoConsume, boolean echo) {
      this.autoConsume = autoConsume;
      this.echo = echo;
    }

    @Override
    public void headers(Http2Stream s, Fields fields, boolean endStream) {
      headerBlocks.add(fields);
      if (endStream) {
        requestEnded();
      }
    }

    @Override
    public void data(Http2Stream s, byte[] b, int off, int len, boolean endStream) {
      synchronized (this) {
        body.write(b, off, len);
        if (!autoConsume) {
          unconsumed += len;
        }
        notifyAll();
      }
      if (autoConsume) {
        s.consumed(len);
      }
      if (endStream) {
        requestEnded();
      }
    }

    @Override
    public void reset(Http2Stream s, StreamException why) {
      reset.complete(why);
    }

    void requestEnded() {
      ended.complete(null);
      if (echo) {
        Thread.ofVirtual()
            .start(() -> {
              try {
                byte[] b = body();
                stream.write(
                    responseHeaders(),
                    b,
                    0,
                    b.length,
                    okTrailers(),
                    true,
                    Deadline.after(Duration.ofSeconds(30)),
                    false);
                replied.complete(null);
              } catch (Throwable t) {
                replied.completeExceptionally(t);
              }
            });
      }
    }

    synchronized byte[] body() {
      return body.toByteArray();
    }

    /** Waits until at least {@code n} body bytes have arrived. */
    synchronized void awaitBytes(int n, Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (body.size() < n) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "only "
                  + body.size()
                  + " of "
                  + n
                  + " bytes arrived within "
                  + timeout.toMillis()
                  + " ms");
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

    /** Returns every byte received so far to flow control. */
    void consumeAll() {
      int n;
      synchronized (this) {
        n = unconsumed;
        unconsumed = 0;
      }
      stream.consumed(n);
    }

    /** Writes on a virtual thread; the future completes when the write returns or throws. */
    CompletableFuture<Void> writeAsync(
        Fields h, byte[] data, Fields trailers, boolean endStream, Deadline deadline) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      Thread.ofVirtual()
          .start(() -> {
            try {
              stream.write(h, data, 0, data.length, trailers, endStream, deadline, false);
              f.complete(null);
            } catch (Throwable t) {
              f.completeExceptionally(t);
            }
          });
      return f;
    }
  }

  // ---- the engine as a client ----

  /** One client-side engine connection to one scripted server. */
  static final class Client implements AutoCloseable {
    final ScheduledThreadPoolExecutor timer = timer();
    final ServerSocket listener;
    final Http2Config config;
    final ScriptedPeer peer;
    final Http2Connection conn;

    Client(UnaryOperator<Http2Config.Builder> config) throws IOException {
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      this.config = config.apply(Http2Config.builder(timer)).build();
      Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
      this.peer = ScriptedPeer.server(listener);
      this.conn = Http2Connection.client(transport(s), "scripted-server", this.config);
    }

    /** Opens a stream (reserving its slot first) with {@code listener}, on the calling thread. */
    Http2Stream open(
        Fields headers, byte[] data, boolean endStream, Call listener, Deadline deadline)
        throws StreamException {
      if (!conn.tryReserve()) {
        throw new AssertionError("no stream slot free on " + conn);
      }
      Http2Stream s =
          conn.newStream(headers, data, 0, data.length, endStream, listener, deadline, false);
      listener.stream = s;
      return s;
    }

    /** As {@link #open}, on a virtual thread. */
    CompletableFuture<Http2Stream> openAsync(
        Fields headers, byte[] data, boolean endStream, Call listener, Deadline deadline) {
      if (!conn.tryReserve()) {
        throw new AssertionError("no stream slot free on " + conn);
      }
      CompletableFuture<Http2Stream> f = new CompletableFuture<>();
      Thread.ofVirtual()
          .start(() -> {
            try {
              Http2Stream s =
                  conn.newStream(
                      headers, data, 0, data.length, endStream, listener, deadline, false);
              listener.stream = s;
              f.complete(s);
            } catch (Throwable t) {
              f.completeExceptionally(t);
            }
          });
      return f;
    }

    @Override
    public void close() throws Exception {
      try {
        peer.assertOnlyKnownErrorCodes();
      } finally {
        conn.close(ErrorCode.NO_ERROR, "test over");
        peer.close();
        listener.close();
        timer.shutdownNow();
      }
    }
  }

  /** Frames as short strings, for messages. */
  static List<String> describe(List<ScriptedPeer.Frame> frames) {
    List<String> l = new ArrayList<>();
    for (ScriptedPeer.Frame f : frames) {
      l.add(f.toString());
    }
    return l;
  }
}
