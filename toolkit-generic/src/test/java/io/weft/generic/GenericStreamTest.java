package io.weft.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.CallOptions;
import io.weft.api.ClientOptions;
import io.weft.api.MethodKind;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.examples.interop.InteropServer;
import io.weft.internal.wire.Json;
import io.weft.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streaming generic calls over real sockets: the generic client against Weft's generated
 * StreamService (examples/interop) and against a generic streaming server; cancellation, deadlines,
 * bad JSON mid-stream, a streaming method without a stream handler; unary generic calls over gRPC.
 */
class GenericStreamTest {
  static final List<Path> STREAM_IDL =
      List.of(Path.of("../examples/interop/src/main/thrift/stream.thrift"));

  /** What the generic stream handler received, and how its calls ended. */
  static final LinkedBlockingQueue<String> RECEIVED = new LinkedBlockingQueue<>();

  static final LinkedBlockingQueue<String> ENDED = new LinkedBlockingQueue<>();

  /** Released by the flow-control test: until then an EchoBidi that got "hold" reads nothing. */
  static final CountDownLatch HOLD = new CountDownLatch(1);

  static Server generated;
  static Server generic;

  @BeforeAll
  static void start() {
    generated = InteropServer.create(0).start();
    generic =
        Server.builder()
            .addService(
                GenericServer.thrift(
                    STREAM_IDL, "StreamService", null, GenericStreamTest::serveStream))
            .addService(
                GenericServer.thrift(
                    InteropIdl.IDL, "EchoService", new InteropIdl.EchoHandler(), null))
            .options(ServerOptions.withPort(0))
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    if (generated != null) {
      generated.stop();
    }
    if (generic != null) {
      generic.stop();
    }
  }

  @BeforeEach
  void clear() {
    RECEIVED.clear();
    ENDED.clear();
  }

  /** stream.thrift's StreamService as its comments say, written with JSON. */
  static void serveStream(String method, GenericServerStream stream) throws InterruptedException {
    try {
      switch (method) {
        case "EchoBidi" -> {
          for (String m = stream.recv(); m != null; m = stream.recv()) {
            if (msg(m).equals("hold")) {
              HOLD.await(); // reads nothing more until the test lets it
            } else {
              RECEIVED.add(m);
            }
            stream.send(m);
          }
        }
        case "EchoClient" -> {
          StringJoiner joined = new StringJoiner(",");
          for (String m : stream) {
            RECEIVED.add(m);
            joined.add(msg(m));
          }
          stream.send(Json.write(Map.of("Msg", joined.toString())));
        }
        case "EchoServer" -> {
          String req = stream.recv();
          RECEIVED.add(req);
          String tag = stream.context().requestMetadata().get("x-tag");
          String prefix = tag == null ? msg(req) : tag + ":" + msg(req);
          if (prefix.equals("bad")) {
            stream.send("{\"Msg\": 5}"); // does not fit the IDL: INTERNAL
          }
          for (int i = 0; i < 10; i++) {
            stream.send(Json.write(Map.of("Msg", prefix + "-" + i)));
          }
        }
        default -> throw new IllegalStateException(method);
      }
      ENDED.add("OK");
    } catch (RpcException e) {
      ENDED.add(e.status().code().name());
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  static String msg(String json) {
    return (String) ((Map<String, Object>) Json.parse(json)).get("Msg");
  }

  static GenericClient client(Server server) {
    return GenericClient.thrift(
        STREAM_IDL, "StreamService", ClientOptions.withHostPorts("127.0.0.1:" + server.port()));
  }

  /** The three kinds of stream against {@code c}: what interop/kitex's stream cases check. */
  static void allKinds(GenericClient c) {
    try (GenericStream s = c.stream("EchoBidi")) {
      assertThat(s.kind()).isEqualTo(MethodKind.BIDI_STREAMING);
      for (String m : List.of("hello", "", "wörld")) {
        s.send("{\"Msg\":" + Json.write(m) + "}");
        assertThat(s.recv()).isEqualTo("{\"Msg\":" + Json.write(m) + "}");
      }
      s.closeSend();
      assertThat(s.recv()).isNull();
    }
    try (GenericStream s = c.stream("EchoClient")) {
      assertThat(s.kind()).isEqualTo(MethodKind.CLIENT_STREAMING);
      for (String m : List.of("hello", "", "wörld")) {
        s.send("{\"Msg\":" + Json.write(m) + "}");
      }
      s.closeSend();
      assertThat(s.recv()).isEqualTo("{\"Msg\":\"hello,,wörld\"}");
      assertThat(s.recv()).isNull();
    }
    try (GenericStream s = c.stream("EchoServer")) {
      assertThat(s.kind()).isEqualTo(MethodKind.SERVER_STREAMING);
      s.send("{\"Msg\":\"Msg\"}");
      List<String> got = new ArrayList<>();
      for (String r : s) { // a GenericStream is a StreamReader: iterates to the clean end
        got.add(r);
      }
      List<String> want = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        want.add("{\"Msg\":\"Msg-" + i + "\"}");
      }
      assertThat(got).isEqualTo(want);
    }
  }

  @Test
  void everyKindAgainstWeftsGeneratedServer() {
    try (GenericClient c = client(generated)) {
      allKinds(c);
    }
  }

  @Test
  void everyKindAgainstTheGenericStreamServer() throws InterruptedException {
    try (GenericClient c = client(generic)) {
      allKinds(c);
    }
    assertThat(ENDED.poll(10, TimeUnit.SECONDS)).isEqualTo("OK");
  }

  @Test
  void clientStreamingRecvHalfClosesAndMetadataReachesTheHandler() {
    try (GenericClient c = client(generic)) {
      try (GenericStream s = c.stream("EchoClient")) {
        s.send("{\"Msg\":\"only\"}");
        assertThat(s.recv()).isEqualTo("{\"Msg\":\"only\"}"); // no closeSend: recv half-closes
        assertThat(s.recv()).isNull();
        assertThatThrownBy(() -> s.send("{}")).isInstanceOf(IllegalStateException.class);
      }
      try (GenericStream s = c.stream("EchoServer", CallOptions.DEFAULT.withHeader("x-tag", "t"))) {
        assertThatThrownBy(s::recv)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("send its request before recv");
        s.send("{\"Msg\":\"m\"}");
        assertThatThrownBy(() -> s.send("{\"Msg\":\"again\"}"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("takes one request");
        assertThat(s.recv()).isEqualTo("{\"Msg\":\"t:m-0\"}");
        assertThat(s.headers()).isNotNull();
      }
    }
  }

  @Test
  void cancelEndsBothSides() throws Exception {
    try (GenericClient c = client(generic);
        GenericStream s = c.stream("EchoBidi")) {
      s.send("{\"Msg\":\"a\"}");
      assertThat(s.recv()).isEqualTo("{\"Msg\":\"a\"}");
      CompletableFuture<String> blocked = new CompletableFuture<>();
      Thread.ofVirtual()
          .start(() -> {
            try {
              blocked.complete(s.recv());
            } catch (RuntimeException e) {
              blocked.completeExceptionally(e);
            }
          });
      s.cancel();
      assertThatThrownBy(() -> blocked.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status().code()).isEqualTo(StatusCode.CANCELLED));
      assertThat(ENDED.poll(10, TimeUnit.SECONDS)).isEqualTo("CANCELLED");
      assertThatThrownBy(() -> s.send("{\"Msg\":\"b\"}"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status().code()).isEqualTo(StatusCode.CANCELLED));
    }
  }

  @Test
  void flowControlHoldsTheSenderWhileTheServerDoesNotRead() throws Exception {
    int count = 200;
    String big =
        "{\"Msg\":\"" + "x".repeat(64 * 1024) + "\"}"; // 200 x 64 KiB: far past the windows
    try (GenericClient c = client(generic);
        GenericStream s = c.stream("EchoBidi")) {
      s.send("{\"Msg\":\"hold\"}");
      AtomicInteger sent = new AtomicInteger();
      CompletableFuture<Void> done = new CompletableFuture<>();
      Thread sender =
          Thread.ofVirtual()
              .start(() -> {
                try {
                  for (int i = 0; i < count; i++) {
                    s.send(big);
                    sent.incrementAndGet();
                  }
                  s.closeSend();
                  done.complete(null);
                } catch (RuntimeException e) {
                  done.completeExceptionally(e);
                }
              });
      assertThat(Await.untilWaitingForWindow(() -> sender, Duration.ofSeconds(30)))
          .as("the sender waits for the server's window (sent %d)", sent.get())
          .isTrue();
      assertThat(sent.get()).isLessThan(count);
      HOLD.countDown();
      assertThat(s.recv()).isEqualTo("{\"Msg\":\"hold\"}");
      for (int i = 0; i < count; i++) {
        assertThat(s.recv()).isEqualTo(big);
      }
      assertThat(s.recv()).isNull();
      done.get(30, TimeUnit.SECONDS);
      assertThat(sent.get()).isEqualTo(count);
    }
  }

  @Test
  void theDeadlineCoversTheStream() {
    try (GenericClient c = client(generated);
        GenericStream s = c.stream("EchoBidi", CallOptions.timeout(Duration.ofMillis(300)))) {
      s.send("{\"Msg\":\"a\"}");
      assertThat(s.recv()).isEqualTo("{\"Msg\":\"a\"}");
      assertThatThrownBy(s::recv) // the server waits for more; the deadline ends the call
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status().code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"Msg\": 5}", "{\"Msg\":", "{\"Nope\":\"x\"}", "[]", ""})
  void badJsonMidStreamCancelsAndSendsNothingOfIt(String bad) throws Exception {
    try (GenericClient c = client(generic);
        GenericStream s = c.stream("EchoBidi")) {
      s.send("{\"Msg\":\"a\"}");
      assertThat(s.recv()).isEqualTo("{\"Msg\":\"a\"}");
      assertThatThrownBy(() -> s.send(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("EchoBidi request");
      assertThatThrownBy(s::recv)
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status().code()).isEqualTo(StatusCode.CANCELLED));
      assertThat(ENDED.poll(10, TimeUnit.SECONDS)).isEqualTo("CANCELLED");
      assertThat(RECEIVED).containsExactly("{\"Msg\":\"a\"}");
    }
  }

  @Test
  void aHandlersMessageThatDoesNotFitIsInternal() {
    try (GenericClient c = client(generic);
        GenericStream s = c.stream("EchoServer")) {
      s.send("{\"Msg\":\"bad\"}");
      assertThatThrownBy(s::recv)
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(StatusCode.INTERNAL);
                assertThat(e.getMessage()).contains("EchoServer response.Msg");
              });
    }
  }

  @Test
  void withoutAStreamHandlerStreamingMethodsAreUnimplemented() {
    Server bare =
        Server.newServer(
                GenericServer.thrift(STREAM_IDL, "StreamService", null, null),
                ServerOptions.withPort(0))
            .start();
    try (GenericClient c = client(bare)) {
      for (String method : List.of("EchoBidi", "EchoClient", "EchoServer")) {
        try (GenericStream s = c.stream(method)) {
          // the status comes at once: from recv, or from the server-streaming call's one send
          assertThatThrownBy(
                  () -> {
                    if (s.kind() == MethodKind.SERVER_STREAMING) {
                      s.send("{\"Msg\":\"x\"}");
                    }
                    s.recv(); // a client-streaming recv half-closes first
                  })
              .isInstanceOfSatisfying(
                  RpcException.class,
                  e -> assertThat(e.status().code()).isEqualTo(StatusCode.UNIMPLEMENTED));
        }
      }
    } finally {
      bare.stop();
    }
  }

  @Test
  void streamingAndUnaryMethodsAreNotMixedUp() {
    try (GenericClient c = client(generic)) {
      assertThat(c.methods()).containsExactly("EchoBidi", "EchoClient", "EchoServer");
      assertThatThrownBy(() -> c.call("EchoBidi", "{}"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "StreamService.EchoBidi is a streaming method (BIDI_STREAMING): open it with"
                  + " stream(\"EchoBidi\")");
    }
    try (GenericClient c =
        GenericClient.thrift(InteropIdl.IDL, "EchoService", ClientOptions.withHostPorts("x:1"))) {
      assertThatThrownBy(() -> c.stream("Echo"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("EchoService.Echo is not a streaming method: call it with call(...)");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"generated", "generic"})
  void unaryGenericCallsOverGrpc(String which) {
    Server server = which.equals("generated") ? generated : generic;
    try (GenericClient c =
        GenericClient.thrift(
            InteropIdl.IDL,
            "EchoService",
            ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
            ClientOptions.withTransport(Transport.GRPC))) {
      assertThat(c.call("Echo", "{\"req\":{\"Msg\":\"over h2 ✓\"}}"))
          .isEqualTo("{\"Msg\":\"over h2 ✓\"}");
      String reply = c.call("RoundTrip", "{\"v\":" + InteropIdl.ALL_TYPES + "}");
      assertThat(Json.parse(reply)).isEqualTo(InteropIdl.allTypesReply());
      assertThat(c.call("Ping", "")).isEqualTo("null");
      assertThatThrownBy(() -> c.call("Fail", "{\"code\":418,\"message\":\"teapot\"}"))
          .isInstanceOfSatisfying(
              GenericException.class, e -> assertThat(e.typeName()).isEqualTo("EchoError"));
    }
  }
}
