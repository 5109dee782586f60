package io.weft.server;

import static io.weft.server.TestService.call;
import static io.weft.server.TestService.readReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Server;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.http2.Frames;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.IntKey;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.testing.ScriptedPeer;
import io.weft.testing.ScriptedPeer.Frame;
import io.weft.testing.StringStruct;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a handler learns from the wire through {@link io.weft.api.CallContext} (metadata, deadline,
 * caller, transport) and what it sends back (trailers), per protocol, from raw requests.
 */
class CallContextTest {
  private static Server server;

  @BeforeAll
  static void start() {
    server = TestService.server(new TestService.Blocking(0)).start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @Test
  void ttheaderCarriesMetadataDeadlineAndCallerInAndTrailersOut() throws IOException {
    TTHeader header = new TTHeader();
    header.strInfo().put("x-test", "from the header");
    header.intInfo().put(IntKey.RPC_TIMEOUT, "30000");
    header.intInfo().put(IntKey.FROM_SERVICE, "caller-svc");
    try (Socket s = connect()) {
      s.getOutputStream().write(call(Framing.TTHEADER, header, "Context", "x-test", 1));
      Envelope reply = readReply(s.getInputStream(), Framing.TTHEADER);
      assertThat(TestService.result(reply))
          .isEqualTo(
              "EchoService/Context TTHEADER caller=caller-svc x-test=from the header deadline=yes");
      assertThat(reply.header().strInfo()).containsEntry("x-back", "x-test");
    }
  }

  @Test
  void framedThriftCarriesNoneOfThem() throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream().write(call(Framing.FRAMED, "Context", "x-test", 1));
      assertThat(TestService.result(readReply(s.getInputStream(), Framing.FRAMED)))
          .isEqualTo("EchoService/Context FRAMED caller= x-test=null deadline=no");
    }
  }

  @Test
  void grpcCarriesHeadersAndGrpcTimeoutInAndTrailersOut() throws IOException {
    try (ScriptedPeer peer =
        ScriptedPeer.client(server.port()).autoAck(true).preface().settings()) {
      peer.headers(
          1,
          Frames.FLAG_END_HEADERS,
          ":method",
          "POST",
          ":scheme",
          "http",
          ":path",
          "/" + TestService.FULL_NAME + "/Context",
          ":authority",
          "localhost",
          "content-type",
          "application/grpc+thrift",
          "te",
          "trailers",
          "grpc-timeout",
          "30S",
          "x-test",
          "from h2");
      byte[] struct = new StringStruct(1).bytes("x-test");
      Buffer message = new Buffer();
      message.write(0);
      message.writeInt(struct.length);
      message.write(struct, 0, struct.length);
      peer.data(1, Frames.FLAG_END_STREAM, message.toByteArray());

      Frame data =
          peer.await(f -> f.stream() == 1 && f.type() == Frames.DATA, Duration.ofSeconds(20));
      byte[] body = data.data();
      assertThat(new StringStruct(0).decode(body, 5, body.length - 5))
          .isEqualTo("EchoService/Context GRPC caller= x-test=from h2 deadline=yes");
      Frame trailers =
          peer.await(
              f -> f.stream() == 1 && f.type() == Frames.HEADERS && f.endStream(),
              Duration.ofSeconds(20));
      assertThat(trailers.fields().get("grpc-status")).isEqualTo("0");
      assertThat(trailers.fields().get("x-back")).isEqualTo("x-test");
    }
  }

  private static Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
    s.setSoTimeout(20_000);
    return s;
  }
}
