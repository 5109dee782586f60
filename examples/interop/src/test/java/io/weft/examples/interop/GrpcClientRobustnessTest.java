package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.Payload;
import io.grpc.testing.integration.Messages.ResponseParameters;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.StreamingInputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.grpc.testing.integration.testservice.TestServiceServer;
import io.weft.api.CallOptions;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.api.TlsConfig;
import io.weft.api.Transport;
import io.weft.api.Server;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.http2.Frames;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
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
 * Weft's gRPC client against servers that misbehave, over real sockets: raw HTTP/2 peers on a
 * {@link ServerSocket} that never open their window, never send SETTINGS, stop answering PINGs
 * or check what the client sends over TLS; and the real server for the flow-control regression
 * of an oversized request and for pings faster than it permits.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GrpcClientRobustnessTest {
  private static final Duration SOON = Duration.ofSeconds(10);
  private static final String EMPTY_CALL = "/grpc.testing.TestService/EmptyCall";

  /** A raw HTTP/2 server: accepts connections, reads each preface, answers with SETTINGS (unless told not to), and hands them over. */
  private static final class RawServer implements AutoCloseable {
    final ServerSocket listener;
    final BlockingQueue<H2Wire> accepted = new LinkedBlockingQueue<>();
    final List<H2Wire> all = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** {@code settings}: the payload of the SETTINGS sent to each client, or null for none ever. */
    RawServer(ServerSocket listener, byte[] settings) {
      this.listener = listener;
      Thread.ofPlatform().daemon().name("raw-h2-server").start(() -> {
        while (!listener.isClosed()) {
          try {
            Socket s = listener.accept();
            H2Wire w = H2Wire.accept(s, settings);
            all.add(w);
            accepted.add(w);
          } catch (IOException e) {
            // closed, or a client that went away during its preface
          }
        }
      });
    }

    RawServer(byte[] settings) throws IOException {
      this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), settings);
    }

    int port() {
      return listener.getLocalPort();
    }

    /** The next connection a client made. */
    H2Wire next() throws InterruptedException {
      H2Wire w = accepted.poll(SOON.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(w).as("a client connection within %s", SOON).isNotNull();
      return w;
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (H2Wire w : all) {
        w.close();
      }
    }
  }

  private static TestServiceClient client(String hostPort, ClientOption... options) {
    List<ClientOption> all = new ArrayList<>(List.of(ClientOptions.withHostPorts(hostPort), ClientOptions.withTransport(Transport.GRPC)));
    all.addAll(List.of(options));
    return TestServiceClient.newClient("grpc.testing.TestService", all.toArray(ClientOption[]::new));
  }

  private static <T> CompletableFuture<T> async(Supplier<T> call) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        f.complete(call.get());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f;
  }

  private static SimpleRequest withPayload(int bytes) {
    return SimpleRequest.newBuilder().setPayload(Payload.newBuilder().setBody(ByteString.copyFrom(new byte[bytes]))).build();
  }

  /** Answers the request on {@code stream} with an empty message and OK: headers, DATA, trailers. */
  private static void answerOk(H2Wire w, int stream) throws IOException {
    Buffer b = new Buffer(128);
    H2Wire.frame(b, H2Wire.HEADERS, Frames.FLAG_END_HEADERS, stream, w.block(":status", "200", "content-type", "application/grpc"));
    H2Wire.frame(b, H2Wire.DATA, 0, stream, H2Wire.grpcMessage(new byte[0]));
    H2Wire.frame(b, H2Wire.HEADERS, Frames.FLAG_END_HEADERS | Frames.FLAG_END_STREAM, stream, w.block("grpc-status", "0"));
    w.write(b);
  }

  /**
   * The regression of the lost flow-control credit: a 20 MiB request to a server whose messages
   * may be 4 MiB fails with RESOURCE_EXHAUSTED, and the connection it leaves behind carries the
   * next 100 calls (6.4 MiB each way, more than the windows, so they need every byte of credit
   * back), five times over.
   */
  @Test
  void anOversizedRequestLeavesTheConnectionWhole() {
    Server server = Server.builder()
        .addService(TestServiceServer.definition(new GrpcTestHandler()))
        .options(ServerOptions.withServiceAddr("127.0.0.1", 0), ServerOptions.withMaxMessageSize(4 << 20))
        .build()
        .start();
    try (TestServiceClient c = client("127.0.0.1:" + server.port())) {
      SimpleRequest huge = withPayload(20 << 20);
      SimpleRequest big = withPayload(12 << 20);
      SimpleRequest normal = withPayload(64 << 10).toBuilder().setResponseSize(64 << 10).build();
      SoftAssertions soft = new SoftAssertions();
      for (int round = 0; round < 5; round++) {
        // 20 MiB, and 12 MiB (under the client's own 16 MiB send limit, so that it is surely sent while the server refuses it)
        for (SimpleRequest over : List.of(huge, big)) {
          RpcException e = catchThrowableOfType(RpcException.class, () -> c.unaryCall(over, CallOptions.timeout(Duration.ofSeconds(30))));
          assertThat(e).as("round %d: the %d MiB request", round, over.getPayload().getBody().size() >> 20).isNotNull();
          soft.assertThat(e.code()).as("round %d, %d MiB: %s", round, over.getPayload().getBody().size() >> 20, e.getMessage())
              .isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
        }
        for (int i = 0; i < 100; i++) {
          assertThat(c.unaryCall(normal, CallOptions.timeout(SOON)).getPayload().getBody().size()).isEqualTo(64 << 10);
        }
      }
      soft.assertAll();
    } finally {
      server.stop();
    }
  }

  /**
   * Requests larger than the client's send limits for peers that do not read (16 MiB a stream,
   * 32 MiB a connection) reach a server that accepts them: one of 20 MiB, then four of 12 MiB at
   * once on one connection. They wait for the server's window, as every large request does,
   * while the server reads them.
   */
  @Test
  void largeRequestsReachAServerThatAcceptsThem() throws Exception {
    Server server = Server.builder()
        .addService(TestServiceServer.definition(new GrpcTestHandler()))
        .options(ServerOptions.withServiceAddr("127.0.0.1", 0), ServerOptions.withMaxMessageSize(32 << 20),
            ServerOptions.withMaxFrameSize((32 << 20) + 1024))
        .build()
        .start();
    SoftAssertions soft = new SoftAssertions();
    try (TestServiceClient c = client("127.0.0.1:" + server.port())) {
      String one;
      try {
        one = "OK " + c.unaryCall(withPayload(20 << 20).toBuilder().setResponseSize(10).build(), CallOptions.timeout(Duration.ofSeconds(60)))
            .getPayload().getBody().size();
      } catch (RpcException e) {
        one = e.getMessage();
      }
      soft.assertThat(one).as("a 20 MiB request").isEqualTo("OK 10");
      List<CompletableFuture<String>> four = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        four.add(async(() -> {
          try {
            return "OK " + c.unaryCall(withPayload(12 << 20).toBuilder().setResponseSize(10).build(), CallOptions.timeout(Duration.ofSeconds(60)))
                .getPayload().getBody().size();
          } catch (RpcException e) {
            return e.getMessage();
          }
        }));
      }
      for (CompletableFuture<String> f : four) {
        soft.assertThat(f.get(90, TimeUnit.SECONDS)).as("one of four concurrent 12 MiB requests").isEqualTo("OK 10");
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
      try (RawServer peer = new RawServer(H2Wire.settings(0x4, window));
          TestServiceClient c = client("127.0.0.1:" + peer.port(), ClientOptions.withRPCTimeout(Duration.ofMillis(500)))) {
        H2Wire w = null;
        for (int size : new int[] {10, 1 << 20}) {
          long start = System.nanoTime();
          RpcException e = catchThrowableOfType(RpcException.class, () -> c.unaryCall(withPayload(size)));
          long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          assertThat(e).as("window %d, a %d-byte request", window, size).isNotNull();
          assertThat(e.code()).as("window %d, a %d-byte request: %s", window, size, e.getMessage()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
          assertThat(elapsed).as("window %d, a %d-byte request ended at its deadline", window, size).isGreaterThanOrEqualTo(450);
          if (w == null) {
            w = peer.next();
          }
          H2Wire.Frame headers = w.await(f -> f.type() == H2Wire.HEADERS, "the request's HEADERS", SOON, null);
          H2Wire.Frame reset = w.await(f -> f.type() == H2Wire.RST_STREAM && f.stream() == headers.stream(), "the request's reset", SOON,
              f -> assertThat(f.type()).as("%s", f).isNotEqualTo(H2Wire.GOAWAY));
          assertThat(reset.errorCode()).as("%s", reset).isEqualTo(H2Wire.CANCEL);
        }
        // a client-streaming call whose message waits for window
        var upload = c.streamingInputCall();
        long start = System.nanoTime();
        RpcException e = catchThrowableOfType(RpcException.class, () -> upload.send(StreamingInputCallRequest.newBuilder()
            .setPayload(Payload.newBuilder().setBody(ByteString.copyFrom(new byte[1 << 20]))).build()));
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(e).as("window %d, a streaming send", window).isNotNull();
        assertThat(e.code()).as("window %d, a streaming send: %s", window, e.getMessage()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
        assertThat(elapsed).isGreaterThanOrEqualTo(450);
        assertThat(peer.accepted).as("connections beyond the first").isEmpty();
      }
    }
  }

  @Test
  void aServerThatNeverSendsSettingsFailsTheCall() throws Exception {
    try (RawServer peer = new RawServer((byte[]) null)) {
      // no deadline: the connect timeout ends it
      try (TestServiceClient c = client("127.0.0.1:" + peer.port(), ClientOptions.withConnectTimeout(Duration.ofMillis(300)))) {
        RpcException e = catchThrowableOfType(RpcException.class, () -> c.emptyCall(Empty.getDefaultInstance()));
        assertThat(e).isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(StatusCode.UNAVAILABLE);
        peer.next().awaitClosed(SOON); // the client gave the connection up
      }
      // a deadline shorter than the connect timeout ends it first
      try (TestServiceClient c = client("127.0.0.1:" + peer.port(), ClientOptions.withConnectTimeout(Duration.ofSeconds(30)))) {
        long start = System.nanoTime();
        RpcException e = catchThrowableOfType(RpcException.class,
            () -> c.emptyCall(Empty.getDefaultInstance(), CallOptions.timeout(Duration.ofMillis(300))));
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(e).isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
        assertThat(elapsed).as("ended by the deadline, not the 30 s connect timeout").isLessThan(30_000);
        peer.next().awaitClosed(SOON);
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
    SSLServerSocket listener = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    SSLParameters params = listener.getSSLParameters();
    params.setApplicationProtocols(new String[] {"h2"});
    listener.setSSLParameters(params);
    try (RawServer peer = new RawServer(listener, H2Wire.settings());
        TestServiceClient c = client("localhost:" + peer.port(), ClientOptions.withRPCTimeout(SOON),
            ClientOptions.withTls(TlsConfig.builder().trustPem(key.certificatePem()).build()))) {
      CompletableFuture<Empty> call = async(() -> c.emptyCall(Empty.getDefaultInstance()));
      H2Wire w = peer.next();
      assertThat(((SSLSocket) w.socket()).getApplicationProtocol()).isEqualTo("h2");
      H2Wire.Frame headers = w.await(f -> f.type() == H2Wire.HEADERS, "the request's HEADERS", SOON, null);
      assertThat(headers.fields()).containsEntry(":scheme", "https").containsEntry(":method", "POST")
          .containsEntry(":path", EMPTY_CALL).containsEntry(":authority", "localhost:" + peer.port());
      answerOk(w, headers.stream());
      assertThat(call.get(SOON.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Empty.getDefaultInstance());
    }
    try (RawServer peer = new RawServer(H2Wire.settings());
        TestServiceClient c = client("127.0.0.1:" + peer.port(), ClientOptions.withRPCTimeout(SOON))) {
      CompletableFuture<Empty> call = async(() -> c.emptyCall(Empty.getDefaultInstance()));
      H2Wire w = peer.next();
      H2Wire.Frame headers = w.await(f -> f.type() == H2Wire.HEADERS, "the request's HEADERS", SOON, null);
      assertThat(headers.fields()).containsEntry(":scheme", "http");
      answerOk(w, headers.stream());
      assertThat(call.get(SOON.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Empty.getDefaultInstance());
    }
  }

  /** A server that stops answering PING while a call waits for its reply: keepalive ends the call with UNAVAILABLE. */
  @Test
  void keepAliveEndsACallWhenTheServerStopsAnsweringPings() throws Exception {
    try (RawServer peer = new RawServer(H2Wire.settings());
        TestServiceClient c = client("127.0.0.1:" + peer.port(), ClientOptions.withKeepAlive(Duration.ofMillis(200), Duration.ofMillis(300)))) {
      CompletableFuture<RpcException> call = async(() -> catchThrowableOfType(RpcException.class,
          () -> c.emptyCall(Empty.getDefaultInstance(), CallOptions.timeout(Duration.ofSeconds(60)))));
      H2Wire w = peer.next();
      H2Wire.Frame headers = w.await(f -> f.type() == H2Wire.HEADERS, "the request's HEADERS", SOON, null);
      w.frame(H2Wire.HEADERS, Frames.FLAG_END_HEADERS, headers.stream(), w.block(":status", "200", "content-type", "application/grpc"));
      // the call is open and the server falls silent: the client pings, and no answer comes
      w.await(f -> f.type() == H2Wire.PING && !f.ack(), "a keepalive PING", SOON, null);
      RpcException e = call.get(30, TimeUnit.SECONDS);
      assertThat(e).as("the call's failure").isNotNull();
      assertThat(e.code()).as(e.getMessage()).isEqualTo(StatusCode.UNAVAILABLE);
      w.awaitClosed(SOON);
    }
  }

  /** A server that answers every keepalive PING keeps a quiet call open until it replies. */
  @Test
  void answeredKeepAlivePingsKeepAQuietCallOpen() throws Exception {
    try (RawServer peer = new RawServer(H2Wire.settings());
        TestServiceClient c = client("127.0.0.1:" + peer.port(), ClientOptions.withKeepAlive(Duration.ofMillis(100), Duration.ofMillis(300)))) {
      CompletableFuture<Empty> call = async(() -> c.emptyCall(Empty.getDefaultInstance(), CallOptions.timeout(Duration.ofSeconds(60))));
      H2Wire w = peer.next();
      H2Wire.Frame headers = w.await(f -> f.type() == H2Wire.HEADERS, "the request's HEADERS", SOON, null);
      w.frame(H2Wire.HEADERS, Frames.FLAG_END_HEADERS, headers.stream(), w.block(":status", "200", "content-type", "application/grpc"));
      for (int i = 0; i < 3; i++) {
        H2Wire.Frame ping = w.await(f -> f.type() == H2Wire.PING && !f.ack(), "a keepalive PING", SOON, null);
        w.frame(H2Wire.PING, Frames.FLAG_ACK, 0, ping.payload());
      }
      assertThat(call).isNotDone();
      Buffer b = new Buffer(64);
      H2Wire.frame(b, H2Wire.DATA, 0, headers.stream(), H2Wire.grpcMessage(new byte[0]));
      H2Wire.frame(b, H2Wire.HEADERS, Frames.FLAG_END_HEADERS | Frames.FLAG_END_STREAM, headers.stream(), w.block("grpc-status", "0"));
      w.write(b);
      assertThat(call.get(SOON.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Empty.getDefaultInstance());
    }
  }

  /**
   * Keepalive pings come every keepAliveTime of silence, also after an answered ping: the next
   * one does not wait for keepAliveTimeout (here 50 times longer) to pass.
   */
  @Test
  void keepAlivePingsComeEveryKeepAliveTimeAfterAnAnsweredOne() throws Exception {
    try (RawServer peer = new RawServer(H2Wire.settings());
        TestServiceClient c = client("127.0.0.1:" + peer.port(), ClientOptions.withKeepAlive(Duration.ofMillis(100), Duration.ofSeconds(5)))) {
      CompletableFuture<Empty> call = async(() -> c.emptyCall(Empty.getDefaultInstance(), CallOptions.timeout(Duration.ofSeconds(60))));
      H2Wire w = peer.next();
      H2Wire.Frame headers = w.await(f -> f.type() == H2Wire.HEADERS, "the request's HEADERS", SOON, null);
      w.frame(H2Wire.HEADERS, Frames.FLAG_END_HEADERS, headers.stream(), w.block(":status", "200", "content-type", "application/grpc"));
      H2Wire.Frame ping = w.await(f -> f.type() == H2Wire.PING && !f.ack(), "the first keepalive PING", SOON, null);
      w.frame(H2Wire.PING, Frames.FLAG_ACK, 0, ping.payload());
      // the next one is due 100 ms after this answer; keepAliveTimeout (5 s) has nothing to do with it
      w.await(f -> f.type() == H2Wire.PING && !f.ack(), "a second keepalive PING well before keepAliveTimeout", Duration.ofSeconds(2), null);
      answerLater(w, headers.stream());
      assertThat(call.get(SOON.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Empty.getDefaultInstance());
    }
  }

  private static void answerLater(H2Wire w, int stream) throws IOException {
    Buffer b = new Buffer(64);
    H2Wire.frame(b, H2Wire.DATA, 0, stream, H2Wire.grpcMessage(new byte[0]));
    H2Wire.frame(b, H2Wire.HEADERS, Frames.FLAG_END_HEADERS | Frames.FLAG_END_STREAM, stream, w.block("grpc-status", "0"));
    w.write(b);
  }

  /**
   * Against the real server (which permits a ping every 5 minutes while calls are open), a client
   * pinging every 50 ms gets GOAWAY ENHANCE_YOUR_CALM "too_many_pings": its open call fails with
   * UNAVAILABLE, and its next call goes over a new connection.
   */
  @Test
  void aClientPingingTooOftenIsSentAwayAndReconnects() throws Exception {
    Server server = InteropServer.create(0).start();
    try (TestServiceClient c = client("127.0.0.1:" + server.port(), ClientOptions.withKeepAlive(Duration.ofMillis(50), Duration.ofSeconds(1)))) {
      var stream = c.fullDuplexCall(CallOptions.timeout(Duration.ofSeconds(60)));
      stream.send(StreamingOutputCallRequest.newBuilder().addResponseParameters(ResponseParameters.newBuilder().setSize(1)).build());
      assertThat(stream.recv()).isNotNull();
      // nothing more to read: the client pings every 50 ms, and the third strike ends the connection
      RpcException e = catchThrowableOfType(RpcException.class, stream::recv);
      assertThat(e).as("the open call's failure").isNotNull();
      assertThat(e.code()).as(e.getMessage()).isEqualTo(StatusCode.UNAVAILABLE);
      System.out.println("too_many_pings, as the client's call saw it: " + e.getMessage());
      assertThat(c.emptyCall(Empty.getDefaultInstance(), CallOptions.timeout(SOON))).isEqualTo(Empty.getDefaultInstance());
    } finally {
      server.stop();
    }
  }
}
