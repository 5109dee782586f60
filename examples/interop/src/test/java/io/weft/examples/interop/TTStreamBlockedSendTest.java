package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;

import interop.stream.Request;
import interop.stream.Response;
import interop.stream.streamservice.StreamServiceClient;
import interop.stream.streamservice.StreamServiceServer;
import io.weft.api.BidiStreamingClient;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.examples.interop.TTStreamServerTest.RawConnection;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.ttheader.StreamFrame;
import io.weft.internal.wire.ttheader.StreamFrameReader;
import io.weft.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TApplicationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@code send} held back by a peer that stops reading (the socket full, then the connection's
 * outgoing queue) wakes at once with the cancellation when the peer resets the stream or the
 * connection dies: on Weft's server (a raw client that never reads) and on Weft's client (a raw
 * server that never reads).
 */
class TTStreamBlockedSendTest {
  private static final StreamxHandler HANDLER = new StreamxHandler();
  private static final int BIG = 64 * 1024;
  private static Server weft;

  @BeforeAll
  static void start() {
    weft =
        Server.builder()
            .addService(StreamServiceServer.definition(HANDLER))
            .options(ServerOptions.withPort(0))
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    HANDLER.release.countDown();
    weft.stop();
  }

  /**
   * Whether {@code t} waits to write: for room in a connection's outgoing queue, or parked until
   * the socket takes more bytes (where a send blocked before the fix). Not merely writing: a peer
   * that reads nothing keeps either wait from ending.
   */
  static boolean blockedInSend(Thread t) {
    if (t == null) {
      return false;
    }
    for (StackTraceElement f : t.getStackTrace()) {
      String c = f.getClassName();
      String m = f.getMethodName();
      if ((c.endsWith("WriteCoalescer") && m.equals("awaitRoom"))
          || ((c.equals("sun.nio.ch.SelChImpl") || c.equals("sun.nio.ch.NioSocketImpl"))
              && m.equals("park"))) {
        return true;
      }
    }
    return false;
  }

  private static StreamFrame rst(int id) {
    return StreamFrame.of(
        StreamFrame.Type.RST,
        id,
        "EchoBidi",
        null,
        StreamFrame.exceptionPayload(
            "EchoBidi", id, new TApplicationException(12007, "the test cancels")));
  }

  /** A raw client opens a "pour" stream and never reads; returns once the handler is held. */
  private static RawConnection pourAtAClientThatDoesNotRead() throws IOException {
    HANDLER.poured = new CompletableFuture<>();
    HANDLER.pouring = null;
    RawConnection c = new RawConnection(weft.port());
    c.send(RawConnection.open(1), RawConnection.data(1, "pour:" + BIG));
    assertThat(Await.until(() -> blockedInSend(HANDLER.pouring), Duration.ofSeconds(20)))
        .as("the handler is held back by the client that does not read")
        .isTrue();
    return c;
  }

  @Test
  void theClientsRstWakesAServerHandlerBlockedInSend() throws Exception {
    try (RawConnection c = pourAtAClientThatDoesNotRead()) {
      c.send(rst(1));
      String ended = HANDLER.poured.get(10, TimeUnit.SECONDS);
      assertThat(ended).startsWith("CANCELLED").contains("12007").endsWith("cancelled=true");
    }
  }

  @Test
  void theConnectionsEndWakesAServerHandlerBlockedInSend() throws Exception {
    RawConnection c = pourAtAClientThatDoesNotRead();
    c.close();
    String ended = HANDLER.poured.get(10, TimeUnit.SECONDS);
    assertThat(ended).startsWith("UNAVAILABLE").endsWith("cancelled=true");
  }

  /** A raw server that accepts one connection, reads its first header frame, then stops reading. */
  private static final class DeafServer implements AutoCloseable {
    final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    final CompletableFuture<Socket> accepted = new CompletableFuture<>();
    final CompletableFuture<Integer> opened = new CompletableFuture<>();

    DeafServer() throws IOException {
      Thread.ofVirtual().start(this::serve);
    }

    private void serve() {
      try {
        Socket s = listener.accept();
        accepted.complete(s);
        StreamFrameReader in = new StreamFrameReader(s.getInputStream(), 64 << 20);
        StreamFrame f = in.read();
        opened.complete(f.streamId());
      } catch (IOException | RuntimeException e) {
        accepted.completeExceptionally(e);
        opened.completeExceptionally(e);
      }
    }

    void send(StreamFrame frame) throws Exception {
      Buffer b = new Buffer(256);
      frame.encode(b);
      Socket s = accepted.get(10, TimeUnit.SECONDS);
      s.getOutputStream().write(b.array(), 0, b.size());
      s.getOutputStream().flush();
    }

    @Override
    public void close() throws Exception {
      listener.close();
      if (accepted.isDone() && !accepted.isCompletedExceptionally()) {
        accepted.get().close();
      }
    }
  }

  /** A client that sends big messages until send fails, on a thread of its own. */
  private static final class Pourer {
    final CompletableFuture<RpcException> ended = new CompletableFuture<>();
    final Thread thread;

    Pourer(BidiStreamingClient<Request, Response> stream) {
      Request big = new Request().setMsg("p".repeat(BIG));
      thread =
          Thread.ofVirtual()
              .start(() -> {
                try {
                  while (true) {
                    stream.send(big);
                  }
                } catch (RpcException e) {
                  ended.complete(e);
                } catch (RuntimeException e) {
                  ended.completeExceptionally(e);
                }
              });
    }
  }

  @Test
  void theServersRstWakesAClientBlockedInSend() throws Exception {
    try (DeafServer server = new DeafServer();
        StreamServiceClient cli = TTStreamClientTest.client(server.listener.getLocalPort());
        BidiStreamingClient<Request, Response> stream = cli.echoBidi()) {
      int id = server.opened.get(10, TimeUnit.SECONDS);
      Pourer p = new Pourer(stream);
      assertThat(Await.until(() -> blockedInSend(p.thread), Duration.ofSeconds(20))).isTrue();
      server.send(rst(id));
      RpcException e = p.ended.get(10, TimeUnit.SECONDS);
      assertThat(e.code()).isEqualTo(StatusCode.CANCELLED);
      assertThat(e.getMessage()).contains("12007");
    }
  }

  @Test
  void theConnectionsEndWakesAClientBlockedInSend() throws Exception {
    try (DeafServer server = new DeafServer();
        StreamServiceClient cli = TTStreamClientTest.client(server.listener.getLocalPort());
        BidiStreamingClient<Request, Response> stream = cli.echoBidi()) {
      server.opened.get(10, TimeUnit.SECONDS);
      Pourer p = new Pourer(stream);
      assertThat(Await.until(() -> blockedInSend(p.thread), Duration.ofSeconds(20))).isTrue();
      server.close();
      RpcException e = p.ended.get(10, TimeUnit.SECONDS);
      assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
    }
  }
}
