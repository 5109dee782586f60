package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.weft.api.BidiStreamingClient;
import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.ClientStreamingClient;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.api.TlsConfig;
import io.weft.api.Transport;
import io.weft.internal.wire.http2.ErrorCode;
import io.weft.internal.wire.http2.Frames;
import io.weft.testing.ScriptedPeer;
import io.weft.testing.ScriptedPeer.Frame;
import io.weft.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weft's gRPC client against servers that misbehave, over real sockets: HTTP/2 servers played by a
 * {@link ScriptedPeer} that never open their window, never send SETTINGS, stop answering PINGs or
 * check what the client sends over TLS; and Weft's server for the flow-control regression of an
 * oversized request and for pings faster than it permits. (Moved here from examples/interop, where
 * it used generated grpc-testing stubs; the service is now the hand-built {@link Blobs}.)
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GrpcClientRobustnessTest {
  private static final Duration SOON = Duration.ofSeconds(10);
  private static final String SIZED_PATH = "/" + Blobs.SERVICE + "/Sized";

  /**
   * A raw HTTP/2 server: accepts connections, each played by a {@link ScriptedPeer} that has read
   * the client's preface and sent {@code settings} (unless null: none ever), and hands them over.
   */
  private static final class RawServer implements AutoCloseable {
    final ServerSocket listener;
    final BlockingQueue<ScriptedPeer> accepted = new LinkedBlockingQueue<>();
    final List<ScriptedPeer> all = new CopyOnWriteArrayList<>();

    RawServer(ServerSocket listener, int[] settings) {
      this.listener = listener;
      Thread.ofPlatform()
          .daemon()
          .name("raw-h2-server")
          .start(() -> {
            while (!listener.isClosed()) {
              try {
                ScriptedPeer peer =
                    ScriptedPeer.server(listener); // gives up after 10 s: then accept again
                if (settings != null) {
                  peer.settings(settings);
                }
                all.add(peer);
                accepted.add(peer);
              } catch (IOException | RuntimeException e) {
                // closed, or a client that went away during its preface
              }
            }
          });
    }

    RawServer(int... settings) throws IOException {
      this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), settings);
    }

    /** A server that never sends SETTINGS. */
    static RawServer silent() throws IOException {
      return new RawServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), null);
    }

    int port() {
      return listener.getLocalPort();
    }

    /** The next connection a client made. */
    ScriptedPeer next() throws InterruptedException {
      ScriptedPeer p = accepted.poll(SOON.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(p).as("a client connection within %s", SOON).isNotNull();
      return p;
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (ScriptedPeer p : all) {
        p.close();
      }
    }
  }

  private static Client client(String hostPort, ClientOption... options) {
    List<ClientOption> all =
        new ArrayList<>(
            List.of(
                ClientOptions.withHostPorts(hostPort),
                ClientOptions.withTransport(Transport.GRPC)));
    all.addAll(List.of(options));
    return Client.newClient(Blobs.SERVICE, all.toArray(ClientOption[]::new));
  }

  private static <T> CompletableFuture<T> async(Supplier<T> call) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(() -> {
          try {
            f.complete(call.get());
          } catch (Throwable t) {
            f.completeExceptionally(t);
          }
        });
    return f;
  }

  private static byte[] sized(Client c, byte[] request, CallOptions options) {
    return c.unary(Blobs.SIZED, request, options);
  }

  private static Server server(io.weft.api.ServerOption... options) {
    return Server.builder()
        .addService(Blobs.service())
        .options(options)
        .options(ServerOptions.withServiceAddr("127.0.0.1", 0))
        .build()
        .start();
  }

  /** The client's HEADERS of its next request. */
  private static Frame requestHeaders(ScriptedPeer p) {
    return p.await(f -> f.type() == Frames.HEADERS && f.fields() != null, SOON);
  }

  /**
   * Answers the request on {@code stream}: headers (unless already sent), an empty message, OK
   * trailers.
   */
  private static void answerOk(ScriptedPeer p, int stream, boolean headersSent) {
    if (!headersSent) {
      p.headers(
          stream, Frames.FLAG_END_HEADERS, ":status", "200", "content-type", "application/grpc");
    }
    p.data(stream, 0, new byte[5]);
    p.headers(stream, Frames.FLAG_END_HEADERS | Frames.FLAG_END_STREAM, "grpc-status", "0");
  }

  /**
   * The regression of the lost flow-control credit: a 20 MiB request to a server whose messages may
   * be 4 MiB fails with RESOURCE_EXHAUSTED, and the connection it leaves behind carries the next
   * 100 calls (6.4 MiB each way, more than the windows, so they need every byte of credit back),
   * five times over.
   */
  @Test
  void anOversizedRequestLeavesTheConnectionWhole() {
    Server server = server(ServerOptions.withMaxMessageSize(4 << 20));
    try (Client c = client("127.0.0.1:" + server.port())) {
      byte[] huge = Blobs.request(20 << 20, 0);
      byte[] big = Blobs.request(12 << 20, 0);
      byte[] normal = Blobs.request(64 << 10, 64 << 10);
      SoftAssertions soft = new SoftAssertions();
      for (int round = 0; round < 5; round++) {
        // 20 MiB, and 12 MiB (under the client's own 16 MiB send limit, so that it is surely sent
        // while the server refuses it)
        for (byte[] over : List.of(huge, big)) {
          RpcException e =
              catchThrowableOfType(
                  RpcException.class,
                  () -> sized(c, over, CallOptions.timeout(Duration.ofSeconds(30))));
          assertThat(e).as("round %d: the %d MiB request", round, over.length >> 20).isNotNull();
          soft.assertThat(e.code())
              .as("round %d, %d MiB: %s", round, over.length >> 20, e.getMessage())
              .isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
        }
        for (int i = 0; i < 100; i++) {
          assertThat(sized(c, normal, CallOptions.timeout(SOON))).hasSize(64 << 10);
        }
      }
      soft.assertAll();
    } finally {
      server.stop();
    }
  }

  /**
   * Requests larger than the client's send limits for peers that do not read (16 MiB a stream, 32
   * MiB a connection) reach a server that accepts them: one of 20 MiB, then four of 12 MiB at once
   * on one connection. They wait for the server's window, as every large request does, while the
   * server reads them.
   */
  @Test
  void largeRequestsReachAServerThatAcceptsThem() throws Exception {
    Server server =
        server(
            ServerOptions.withMaxMessageSize(32 << 20),
            ServerOptions.withMaxFrameSize((32 << 20) + 1024));
    SoftAssertions soft = new SoftAssertions();
    try (Client c = client("127.0.0.1:" + server.port())) {
      String one;
      try {
        one =
            "OK "
                + sized(c, Blobs.request(20 << 20, 10), CallOptions.timeout(Duration.ofSeconds(60)))
                    .length;
      } catch (RpcException e) {
        one = e.getMessage();
      }
      soft.assertThat(one).as("a 20 MiB request").isEqualTo("OK 10");
      List<CompletableFuture<String>> four = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        four.add(
            async(() -> {
              try {
                return "OK "
                    + sized(
                            c,
                            Blobs.request(12 << 20, 10),
                            CallOptions.timeout(Duration.ofSeconds(60)))
                        .length;
              } catch (RpcException e) {
                return e.getMessage();
              }
            }));
      }
      for (CompletableFuture<String> f : four) {
        soft.assertThat(f.get(90, TimeUnit.SECONDS))
            .as("one of four concurrent 12 MiB requests")
            .isEqualTo("OK 10");
      }
    } finally {
      server.stop();
    }
    soft.assertAll();
  }

  /**
   * A server whose SETTINGS_INITIAL_WINDOW_SIZE is 0 (or 1,000) and that never sends WINDOW_UPDATE:
   * calls wait for window right after their HEADERS and end with DEADLINE_EXCEEDED at their
   * deadline (withRPCTimeout), small or large, unary or client-streaming; each stream is reset.
   */
  @Test
  void aServerThatNeverOpensItsWindowEndsCallsAtTheirDeadline() throws Exception {
    for (int window : new int[] {0, 1000}) {
      try (RawServer peer = new RawServer(0x4, window);
          Client c =
              client(
                  "127.0.0.1:" + peer.port(),
                  ClientOptions.withRPCTimeout(Duration.ofMillis(500)))) {
        ScriptedPeer w = null;
        for (int size : new int[] {10, 1 << 20}) {
          long start = System.nanoTime();
          RpcException e =
              catchThrowableOfType(
                  RpcException.class, () -> sized(c, Blobs.request(size, 0), CallOptions.DEFAULT));
          long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          assertThat(e).as("window %d, a %d-byte request", window, size).isNotNull();
          assertThat(e.code())
              .as("window %d, a %d-byte request: %s", window, size, e.getMessage())
              .isEqualTo(StatusCode.DEADLINE_EXCEEDED);
          assertThat(elapsed)
              .as("window %d, a %d-byte request ended at its deadline", window, size)
              .isGreaterThanOrEqualTo(450);
          if (w == null) {
            w = peer.next();
          }
          Frame headers = requestHeaders(w);
          Frame end =
              w.await(
                  f ->
                      (f.type() == Frames.RST_STREAM && f.stream() == headers.stream())
                          || f.type() == Frames.GOAWAY,
                  SOON);
          assertThat(end.type())
              .as("the request's reset, with no GOAWAY before it: %s", end)
              .isEqualTo(Frames.RST_STREAM);
          assertThat(end.errorCode()).as("%s", end).isEqualTo(ErrorCode.CANCEL);
        }
        // a client-streaming call whose message waits for window
        ClientStreamingClient<byte[], byte[]> upload =
            c.clientStreaming(Blobs.UPLOAD, CallOptions.DEFAULT);
        long start = System.nanoTime();
        RpcException e =
            catchThrowableOfType(RpcException.class, () -> upload.send(new byte[1 << 20]));
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(e).as("window %d, a streaming send", window).isNotNull();
        assertThat(e.code())
            .as("window %d, a streaming send: %s", window, e.getMessage())
            .isEqualTo(StatusCode.DEADLINE_EXCEEDED);
        assertThat(elapsed).isGreaterThanOrEqualTo(450);
        assertThat(peer.accepted).as("connections beyond the first").isEmpty();
      }
    }
  }

  @Test
  void aServerThatNeverSendsSettingsFailsTheCall() throws Exception {
    try (RawServer peer = RawServer.silent()) {
      // no deadline: the connect timeout ends it
      try (Client c =
          client(
              "127.0.0.1:" + peer.port(),
              ClientOptions.withConnectTimeout(Duration.ofMillis(300)))) {
        RpcException e =
            catchThrowableOfType(
                RpcException.class, () -> sized(c, new byte[0], CallOptions.DEFAULT));
        assertThat(e).isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(StatusCode.UNAVAILABLE);
        assertThat(peer.next().awaitClosed(SOON)).as("the client gave the connection up").isTrue();
      }
      // a deadline shorter than the connect timeout ends it first
      try (Client c =
          client(
              "127.0.0.1:" + peer.port(),
              ClientOptions.withConnectTimeout(Duration.ofSeconds(30)))) {
        long start = System.nanoTime();
        RpcException e =
            catchThrowableOfType(
                RpcException.class,
                () -> sized(c, new byte[0], CallOptions.timeout(Duration.ofMillis(300))));
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(e).isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
        assertThat(elapsed)
            .as("ended by the deadline, not the 30 s connect timeout")
            .isLessThan(30_000);
        assertThat(peer.next().awaitClosed(SOON)).isTrue();
      }
    }
  }

  @Test
  void requestsSaySchemeHttpsOverTlsAndHttpWithout(@TempDir Path dir) throws Exception {
    TestCertificates.Key key = TestCertificates.create(dir, "server");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(key.store())) {
      ks.load(in, TestCertificates.PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, TestCertificates.PASSWORD);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    SSLServerSocket listener =
        (SSLServerSocket)
            tls.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    SSLParameters params = listener.getSSLParameters();
    params.setApplicationProtocols(new String[] {"h2"});
    listener.setSSLParameters(params);
    try (RawServer peer = new RawServer(listener, new int[0]);
        Client c =
            client(
                "localhost:" + peer.port(),
                ClientOptions.withRPCTimeout(SOON),
                ClientOptions.withTls(
                    TlsConfig.builder().trustPem(key.certificatePem()).build()))) {
      CompletableFuture<byte[]> call = async(() -> sized(c, new byte[0], CallOptions.DEFAULT));
      ScriptedPeer w = peer.next();
      Frame headers = requestHeaders(w);
      assertThat(((SSLSocket) w.socket()).getApplicationProtocol()).isEqualTo("h2");
      assertThat(headers.fields().get(":scheme")).isEqualTo("https");
      assertThat(headers.fields().get(":method")).isEqualTo("POST");
      assertThat(headers.fields().get(":path")).isEqualTo(SIZED_PATH);
      assertThat(headers.fields().get(":authority")).isEqualTo("localhost:" + peer.port());
      answerOk(w, headers.stream(), false);
      assertThat(call.get(SOON.toSeconds(), TimeUnit.SECONDS)).isEmpty();
    }
    try (RawServer peer = new RawServer();
        Client c = client("127.0.0.1:" + peer.port(), ClientOptions.withRPCTimeout(SOON))) {
      CompletableFuture<byte[]> call = async(() -> sized(c, new byte[0], CallOptions.DEFAULT));
      ScriptedPeer w = peer.next();
      Frame headers = requestHeaders(w);
      assertThat(headers.fields().get(":scheme")).isEqualTo("http");
      answerOk(w, headers.stream(), false);
      assertThat(call.get(SOON.toSeconds(), TimeUnit.SECONDS)).isEmpty();
    }
  }

  /**
   * A server that stops answering PING while a call waits for its reply: keepalive ends the call
   * with UNAVAILABLE.
   */
  @Test
  void keepAliveEndsACallWhenTheServerStopsAnsweringPings() throws Exception {
    try (RawServer peer = new RawServer();
        Client c =
            client(
                "127.0.0.1:" + peer.port(),
                ClientOptions.withKeepAlive(Duration.ofMillis(200), Duration.ofMillis(300)))) {
      CompletableFuture<RpcException> call =
          async(() ->
              catchThrowableOfType(
                  RpcException.class,
                  () -> sized(c, new byte[0], CallOptions.timeout(Duration.ofSeconds(60)))));
      ScriptedPeer w = peer.next();
      Frame headers = requestHeaders(w);
      w.headers(
          headers.stream(),
          Frames.FLAG_END_HEADERS,
          ":status",
          "200",
          "content-type",
          "application/grpc");
      // the call is open and the server falls silent: the client pings, and no answer comes
      w.await(f -> f.type() == Frames.PING && !f.isAck(), SOON);
      RpcException e = call.get(30, TimeUnit.SECONDS);
      assertThat(e).as("the call's failure").isNotNull();
      assertThat(e.code()).as(e.getMessage()).isEqualTo(StatusCode.UNAVAILABLE);
      assertThat(w.awaitClosed(SOON)).isTrue();
    }
  }

  /** A server that answers every keepalive PING keeps a quiet call open until it replies. */
  @Test
  void answeredKeepAlivePingsKeepAQuietCallOpen() throws Exception {
    try (RawServer peer = new RawServer();
        Client c =
            client(
                "127.0.0.1:" + peer.port(),
                ClientOptions.withKeepAlive(Duration.ofMillis(100), Duration.ofMillis(300)))) {
      CompletableFuture<byte[]> call =
          async(() -> sized(c, new byte[0], CallOptions.timeout(Duration.ofSeconds(60))));
      ScriptedPeer w = peer.next();
      Frame headers = requestHeaders(w);
      w.headers(
          headers.stream(),
          Frames.FLAG_END_HEADERS,
          ":status",
          "200",
          "content-type",
          "application/grpc");
      for (int i = 0; i < 3; i++) {
        Frame ping = w.await(f -> f.type() == Frames.PING && !f.isAck(), SOON);
        w.ping(true, ping.pingData());
      }
      assertThat(call).isNotDone();
      answerOk(w, headers.stream(), true);
      assertThat(call.get(SOON.toSeconds(), TimeUnit.SECONDS)).isEmpty();
    }
  }

  /**
   * Keepalive pings come every keepAliveTime of silence, also after an answered ping: the next one
   * does not wait for keepAliveTimeout (here 50 times longer) to pass.
   */
  @Test
  void keepAlivePingsComeEveryKeepAliveTimeAfterAnAnsweredOne() throws Exception {
    try (RawServer peer = new RawServer();
        Client c =
            client(
                "127.0.0.1:" + peer.port(),
                ClientOptions.withKeepAlive(Duration.ofMillis(100), Duration.ofSeconds(5)))) {
      CompletableFuture<byte[]> call =
          async(() -> sized(c, new byte[0], CallOptions.timeout(Duration.ofSeconds(60))));
      ScriptedPeer w = peer.next();
      Frame headers = requestHeaders(w);
      w.headers(
          headers.stream(),
          Frames.FLAG_END_HEADERS,
          ":status",
          "200",
          "content-type",
          "application/grpc");
      Frame ping = w.await(f -> f.type() == Frames.PING && !f.isAck(), SOON);
      w.ping(true, ping.pingData());
      // the next one is due 100 ms after this answer; keepAliveTimeout (5 s) has nothing to do with
      // it
      w.await(f -> f.type() == Frames.PING && !f.isAck(), Duration.ofSeconds(2));
      answerOk(w, headers.stream(), true);
      assertThat(call.get(SOON.toSeconds(), TimeUnit.SECONDS)).isEmpty();
    }
  }

  /**
   * Against Weft's server (which permits a ping every 5 minutes while calls are open), a client
   * pinging every 50 ms gets GOAWAY ENHANCE_YOUR_CALM "too_many_pings": its open call fails with
   * UNAVAILABLE, and its next call goes over a new connection.
   */
  @Test
  void aClientPingingTooOftenIsSentAwayAndReconnects() throws Exception {
    Server server = server();
    try (Client c =
        client(
            "127.0.0.1:" + server.port(),
            ClientOptions.withKeepAlive(Duration.ofMillis(50), Duration.ofSeconds(1)))) {
      BidiStreamingClient<byte[], byte[]> stream =
          c.bidiStreaming(Blobs.CHAT, CallOptions.timeout(Duration.ofSeconds(60)));
      stream.send(Blobs.request(4, 1));
      assertThat(stream.recv()).isNotNull();
      // nothing more to read: the client pings every 50 ms, and the third strike ends the
      // connection
      RpcException e = catchThrowableOfType(RpcException.class, stream::recv);
      assertThat(e).as("the open call's failure").isNotNull();
      assertThat(e.code()).as(e.getMessage()).isEqualTo(StatusCode.UNAVAILABLE);
      assertThat(sized(c, Blobs.request(4, 3), CallOptions.timeout(SOON))).hasSize(3);
    } finally {
      server.stop();
    }
  }
}
