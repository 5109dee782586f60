package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import interop.stream.Request;
import interop.stream.Response;
import interop.stream.streamservice.StreamServiceClient;
import io.weft.api.BidiStreamingClient;
import io.weft.api.BizStatusException;
import io.weft.api.CallOptions;
import io.weft.api.ClientOptions;
import io.weft.api.ClientStreamingClient;
import io.weft.api.RpcException;
import io.weft.api.ServerStreamingClient;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.testing.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Weft's generated Thrift client over TTHeader Streaming ({@code
 * withTransport(TTHEADER_STREAMING)}) against the real Kitex StreamX server of
 * interop/kitex-streamx: the three streaming shapes, half-close, trailers, business and other
 * errors, cancellation with Kitex's codes both ways, metainfo, deadlines, many concurrent streams,
 * large messages and a peer that dies mid-stream.
 */
class TTStreamClientTest {
  private static Process kitex;
  private static StreamServiceClient cli;

  @BeforeAll
  static void start() throws Exception {
    kitex = startKitex();
    cli = client(PeerProcesses.awaitPort(kitex, Pattern.compile("\"stream\":(\\d+)")));
  }

  @AfterAll
  static void stop() throws Exception {
    cli.close();
    stopKitex(kitex);
  }

  static Process startKitex() throws IOException, InterruptedException {
    return new ProcessBuilder(PeerProcesses.kitexStreamxPeer().toString(), "server")
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  static void stopKitex(Process p) throws InterruptedException {
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  static StreamServiceClient client(int port) {
    return StreamServiceClient.newClient(
        "stream.StreamService",
        ClientOptions.withHostPorts("127.0.0.1:" + port),
        ClientOptions.withTransport(Transport.TTHEADER_STREAMING));
  }

  private static Request req(String msg) {
    return new Request().setMsg(msg);
  }

  /** One bidi exchange on a new stream, half-closed after it. */
  private static String ask(String msg) {
    try (BidiStreamingClient<Request, Response> s = cli.echoBidi()) {
      s.send(req(msg));
      String answer = s.recv().getMsg();
      s.closeSend();
      assertThat(s.recv()).isNull();
      return answer;
    }
  }

  @Test
  void bidiEchoesThenEndsAfterHalfClose() {
    try (BidiStreamingClient<Request, Response> s = cli.echoBidi()) {
      for (String m : List.of("a", "b", "c")) {
        s.send(req(m));
        assertThat(s.recv().getMsg()).isEqualTo(m);
      }
      s.closeSend();
      assertThat(s.recv()).isNull();
      assertThat(s.trailers().isEmpty()).isTrue();
    }
  }

  @Test
  void clientStreamingAnswersOnceAfterHalfClose() {
    ClientStreamingClient<Request, Response> s = cli.echoClient();
    for (String m : List.of("a", "b", "c")) {
      s.send(req(m));
    }
    assertThat(s.closeAndRecv().getMsg()).isEqualTo("a,b,c");
  }

  @Test
  void serverStreamingSendsTenThenEnds() {
    ServerStreamingClient<Response> s = cli.echoServer(req("s"));
    List<String> got = new ArrayList<>();
    for (Response r : s) {
      got.add(r.getMsg());
    }
    assertThat(got).hasSize(10).startsWith("s-0").endsWith("s-9");
  }

  @Test
  void businessStatusErrorArrivesWithCodeMessageAndExtra() {
    try (BidiStreamingClient<Request, Response> s = cli.echoBidi()) {
      s.send(req("biz"));
      BizStatusException e = catchThrowableOfType(BizStatusException.class, s::recv);
      assertThat(e.code()).isEqualTo(404);
      assertThat(e.getMessage()).isEqualTo("not found");
      assertThat(e.extra()).containsEntry("k", "v");
      assertThat(s.trailers().get("biz-status")).isEqualTo("404");
    }
  }

  @Test
  void otherErrorsArriveAsTheirApplicationException() {
    try (BidiStreamingClient<Request, Response> s = cli.echoBidi()) {
      s.send(req("fail"));
      RpcException e = catchThrowableOfType(RpcException.class, s::recv);
      assertThat(e.code()).isEqualTo(StatusCode.INTERNAL);
      assertThat(e.getMessage()).contains("boom");
    }
  }

  @Test
  void metainfoReachesTheKitexHandler() {
    CallOptions o = CallOptions.DEFAULT.withPersistent("k", "p").withTransient("k", "t");
    try (BidiStreamingClient<Request, Response> s = cli.echoBidi(o)) {
      s.send(req("inspect"));
      assertThat(s.recv().getMsg()).isEqualTo("persist=p;transit=t");
    }
  }

  private static int cancelledCount() {
    return Integer.parseInt(ask("cancelled?"));
  }

  /** Blocks a Kitex handler, ends the stream with {@code end}; returns the error recv got. */
  private static RpcException blockThenEnd(
      CallOptions options, java.util.function.Consumer<BidiStreamingClient<?, ?>> end) {
    int before = cancelledCount();
    BidiStreamingClient<Request, Response> s = cli.echoBidi(options);
    s.send(req("block"));
    assertThat(s.recv().getMsg()).isEqualTo("blocking");
    end.accept(s);
    RpcException e = catchThrowableOfType(RpcException.class, s::recv);
    assertThat(Await.until(() -> cancelledCount() > before, Duration.ofSeconds(10)))
        .as("the Kitex handler saw the cancel")
        .isTrue();
    return e;
  }

  @Test
  void cancelStopsTheKitexHandlerWithKitexsCancelCode() {
    RpcException e = blockThenEnd(CallOptions.DEFAULT, BidiStreamingClient::cancel);
    assertThat(e.code()).isEqualTo(StatusCode.CANCELLED);
    assertThat(ask("lastcancel?")).contains("code=12007");
  }

  @Test
  void deadlineEndsTheStreamOnBothSidesWithKitexsTimeoutCode() {
    RpcException e = blockThenEnd(CallOptions.timeout(Duration.ofMillis(500)), s -> {});
    assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
    assertThat(ask("lastcancel?")).contains("code=12015");
  }

  @Test
  void manyConcurrentStreamsShareTheConnection() throws Exception {
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i;
        all.add(
            CompletableFuture.runAsync(
                () -> {
                  try (BidiStreamingClient<Request, Response> s = cli.echoBidi()) {
                    for (int j = 0; j < 10; j++) {
                      String m = n + "-" + j;
                      s.send(req(m));
                      assertThat(s.recv().getMsg()).isEqualTo(m);
                    }
                    s.closeSend();
                    assertThat(s.recv()).isNull();
                  }
                },
                pool));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void largeMessagesBothWays() {
    String big = "y".repeat(3 << 20);
    assertThat(ask(big)).isEqualTo(big);
    assertThat(ask("big:4000000")).hasSize(4_000_000);
  }

  @Test
  void aPeerThatDiesMidStreamFailsTheStreamAtOnce() throws Exception {
    Process dying = startKitex();
    try (StreamServiceClient c =
        client(PeerProcesses.awaitPort(dying, Pattern.compile("\"stream\":(\\d+)")))) {
      BidiStreamingClient<Request, Response> s = c.echoBidi();
      s.send(req("block"));
      assertThat(s.recv().getMsg()).isEqualTo("blocking");
      dying.destroyForcibly().waitFor();
      RpcException e = catchThrowableOfType(RpcException.class, s::recv);
      assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
    } finally {
      stopKitex(dying);
    }
  }
}
