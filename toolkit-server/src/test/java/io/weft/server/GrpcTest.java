package io.weft.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Server;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.http2.Frames;
import io.weft.testing.ScriptedPeer;
import io.weft.testing.ScriptedPeer.Frame;
import io.weft.testing.StringStruct;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * gRPC over cleartext HTTP/2 on the same port as the socket protocols, spoken frame by frame by a
 * {@link ScriptedPeer}: a Thrift-serialized unary call, the status of a failing handler, an unknown
 * method, and several calls on one connection.
 */
class GrpcTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
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
  void unaryCallGetsHeadersItsMessageAndOkTrailers() throws IOException {
    try (ScriptedPeer peer = open()) {
      Reply r = call(peer, 1, "Echo", "over h2");
      assertThat(r.headers.get(":status")).isEqualTo("200");
      assertThat(r.headers.get("content-type")).isEqualTo("application/grpc+thrift");
      assertThat(r.messages).containsExactly("over h2");
      assertThat(r.trailers.get("grpc-status")).isEqualTo("0");
    }
  }

  @Test
  void severalCallsShareOneConnection() throws IOException {
    try (ScriptedPeer peer = open()) {
      for (int stream = 1; stream <= 7; stream += 2) {
        assertThat(call(peer, stream, "Echo", "stream " + stream).messages)
            .containsExactly("stream " + stream);
      }
    }
  }

  @Test
  void aHandlersRpcExceptionIsItsGrpcStatusAndMessage() throws IOException {
    try (ScriptedPeer peer = open()) {
      Reply r = call(peer, 1, "Fail", "bad input");
      assertThat(r.messages).isEmpty();
      assertThat(r.trailers.get("grpc-status")).isEqualTo("3"); // INVALID_ARGUMENT
      assertThat(r.trailers.get("grpc-message")).isEqualTo("bad input");
    }
  }

  @Test
  void anUnknownMethodIsUnimplemented() throws IOException {
    try (ScriptedPeer peer = open()) {
      Reply r = call(peer, 1, "Nope", "x");
      assertThat(r.trailers.get("grpc-status")).isEqualTo("12");
      assertThat(r.trailers.get("grpc-message")).contains("Nope");
    }
  }

  private static ScriptedPeer open() throws IOException {
    return ScriptedPeer.client(server.port()).autoAck(true).preface().settings();
  }

  /**
   * What came back on one stream: the response headers, the messages, and the trailers (or
   * headers-only trailers).
   */
  private record Reply(
      io.weft.internal.wire.http2.Fields headers,
      List<String> messages,
      io.weft.internal.wire.http2.Fields trailers) {}

  private static Reply call(ScriptedPeer peer, int stream, String method, String msg)
      throws IOException {
    peer.headers(
        stream,
        Frames.FLAG_END_HEADERS,
        ":method",
        "POST",
        ":scheme",
        "http",
        ":path",
        "/" + TestService.FULL_NAME + "/" + method,
        ":authority",
        "localhost",
        "content-type",
        "application/grpc+thrift",
        "te",
        "trailers");
    peer.data(stream, Frames.FLAG_END_STREAM, grpcMessage(msg));
    Frame first =
        peer.await(
            f -> f.stream() == stream && f.type() == Frames.HEADERS && f.fields() != null, WAIT);
    if (first.endStream()) {
      return new Reply(first.fields(), List.of(), first.fields()); // a trailers-only response
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      Frame f =
          peer.await(
              x ->
                  x.stream() == stream
                      && (x.type() == Frames.DATA
                          || (x.type() == Frames.HEADERS && x.fields() != null)),
              WAIT);
      if (f.type() == Frames.DATA) {
        body.write(f.data());
        assertThat(f.endStream()).as("a gRPC response ends with trailers, not DATA").isFalse();
      } else {
        assertThat(f.endStream()).as("trailers end the stream").isTrue();
        return new Reply(first.fields(), messages(body.toByteArray()), f.fields());
      }
    }
  }

  /** A gRPC length-prefixed message holding the request struct of {@code msg}. */
  private static byte[] grpcMessage(String msg) throws IOException {
    Buffer struct = new Buffer();
    new StringStruct(1).encode(msg, struct);
    Buffer out = new Buffer();
    out.write(0);
    out.writeInt(struct.size());
    out.write(struct.toByteArray(), 0, struct.size());
    return out.toByteArray();
  }

  private static List<String> messages(byte[] body) {
    List<String> out = new ArrayList<>();
    int at = 0;
    while (at < body.length) {
      assertThat(body[at]).as("compressed flag").isZero();
      int length = Buffer.getInt(body, at + 1);
      out.add(new StringStruct(0).decode(body, at + 5, length));
      at += 5 + length;
    }
    return out;
  }
}
