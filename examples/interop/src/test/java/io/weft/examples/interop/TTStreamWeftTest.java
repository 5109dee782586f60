package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import interop.stream.Request;
import interop.stream.Response;
import interop.stream.streamservice.StreamServiceClient;
import interop.stream.streamservice.StreamServiceServer;
import io.weft.api.BidiStreamingClient;
import io.weft.api.BizStatusException;
import io.weft.api.CallOptions;
import io.weft.api.ClientOptions;
import io.weft.api.Middleware;
import io.weft.api.ResponseMetadata;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.api.Traffic;
import io.weft.api.Transport;
import io.weft.internal.wire.ttheader.IntKey;
import io.weft.internal.wire.ttheader.StreamFrame;
import io.weft.testing.Await;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Weft's TTHeader Streaming client and server together, for what the Kitex peer cannot show: the
 * server honours a timeout the client sends, and a client that falls behind has its own stream
 * reset while the others on the connection go on.
 */
class TTStreamWeftTest {
  private static final StreamxHandler HANDLER = new StreamxHandler();
  private static Server weft;
  private static StreamServiceClient cli;

  @BeforeAll
  static void start() {
    weft =
        Server.builder()
            .addService(StreamServiceServer.definition(HANDLER))
            .options(ServerOptions.withPort(0))
            .build()
            .start();
    cli = TTStreamClientTest.client(weft.port());
  }

  @AfterAll
  static void stop() {
    cli.close();
    HANDLER.release.countDown();
    weft.stop();
  }

  @Test
  void theServerHonoursTheTimeoutTheClientSends() throws Exception {
    int before = HANDLER.cancelled.get();
    try (TTStreamServerTest.RawConnection c = new TTStreamServerTest.RawConnection(weft.port())) {
      c.send(
          StreamFrame.of(
              StreamFrame.Type.HEADER,
              7,
              "EchoBidi",
              Map.of("isn", "StreamService"),
              Map.of(IntKey.RPC_TIMEOUT, "200"),
              null),
          TTStreamServerTest.RawConnection.data(7, "block"));
      assertThat(TTStreamServerTest.RawConnection.msg(c.next())).isEqualTo("blocking");
      // this client sends nothing more: the server ends the stream itself when the 200 ms pass
      StreamFrame end = c.next();
      assertThat(end.type()).isEqualTo(StreamFrame.Type.RST);
      assertThat(StreamFrame.exception(end.payload()).getMessage()).contains("deadline");
    }
    assertThat(Await.until(() -> HANDLER.cancelled.get() > before, Duration.ofSeconds(10)))
        .isTrue();
  }

  @Test
  void middlewareSeesExactTrafficAndCaptureResponseGetsTheTrailer() {
    AtomicReference<Traffic> seen = new AtomicReference<>();
    Middleware record =
        next ->
            (inv, req) -> {
              seen.set(inv.traffic());
              return next.call(inv, req);
            };
    try (StreamServiceClient counted =
        StreamServiceClient.newClient(
            "stream.StreamService",
            ClientOptions.withHostPorts("127.0.0.1:" + weft.port()),
            ClientOptions.withTransport(Transport.TTHEADER_STREAMING),
            ClientOptions.withMiddleware(record))) {
      try (BidiStreamingClient<Request, Response> s = counted.echoBidi()) {
        s.send(new Request().setMsg("abc"));
        assertThat(s.recv().getMsg()).isEqualTo("abc");
        s.closeSend();
        assertThat(s.recv()).isNull();
      }
      // each message counts as its whole data frame, as TTHeader counts whole frames
      int frame = TTStreamServerTest.RawConnection.data(1, "abc").toBytes().length;
      assertThat(seen.get().bytesSent()).isEqualTo(frame);
      assertThat(seen.get().bytesReceived()).isEqualTo(frame);
      assertThat(seen.get().messagesSent()).isEqualTo(1);
      assertThat(seen.get().messagesReceived()).isEqualTo(1);

      ResponseMetadata captured = new ResponseMetadata();
      try (BidiStreamingClient<Request, Response> s =
          counted.echoBidi(CallOptions.DEFAULT.captureResponse(captured))) {
        s.send(new Request().setMsg("biz"));
        assertThat(catchThrowableOfType(BizStatusException.class, s::recv).getMessage())
            .contains("not found");
      }
      assertThat(captured.trailers().get("biz-status")).isEqualTo("404");
      assertThat(captured.trailers().get("biz-message")).isEqualTo("not found");
    }
  }

  @Test
  void aClientThatFallsBehindHasOnlyItsOwnStreamReset() {
    int before = HANDLER.cancelled.get();
    BidiStreamingClient<Request, Response> flooded = cli.echoBidi();
    flooded.send(new Request().setMsg("flood:3000")); // past the client's 1024-message queue
    // the server's handler sees the client's reset; meanwhile other streams work
    assertThat(Await.until(() -> HANDLER.cancelled.get() > before, Duration.ofSeconds(10)))
        .isTrue();
    try (BidiStreamingClient<Request, Response> other = cli.echoBidi()) {
      other.send(new Request().setMsg("still here"));
      assertThat(other.recv().getMsg()).isEqualTo("still here");
    }
    RpcException e = catchThrowableOfType(RpcException.class, flooded::recv);
    assertThat(e.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
    assertThat(e.getMessage()).contains("falls behind");
  }
}
