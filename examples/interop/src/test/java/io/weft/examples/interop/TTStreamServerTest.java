package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import interop.stream.streamservice.StreamServiceServer;
import interop.thrift.echoservice.EchoServiceServer;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.ttheader.StreamFrame;
import io.weft.internal.wire.ttheader.StreamFrameReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TApplicationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Weft's server over TTHeader Streaming: the real Kitex StreamX client (interop/kitex-streamx)
 * calls the same generated {@code StreamService} handler that serves gRPC; raw frames check what
 * Kitex's client cannot show (bounded receive queues, a killed connection's streams).
 */
class TTStreamServerTest {
  private static final StreamxHandler HANDLER = new StreamxHandler();
  private static Server weft;

  @BeforeAll
  static void start() throws Exception {
    weft =
        Server.builder()
            .addService(StreamServiceServer.definition(HANDLER))
            .options(
                ServerOptions.withPort(0),
                ServerOptions.withMaxMessageSize(InteropServer.MAX_MESSAGE),
                ServerOptions.withMaxFrameSize(InteropServer.MAX_MESSAGE + 1024))
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    HANDLER.release.countDown();
    weft.stop();
  }

  /** Runs one case of {@code kitexstreamx client}; null when it passed, else its output. */
  static String kitexClient(int port, String testCase) throws IOException, InterruptedException {
    Process p;
    try {
      p =
          new ProcessBuilder(
                  PeerProcesses.kitexStreamxPeer().toString(),
                  "client",
                  "--addr",
                  "127.0.0.1:" + port,
                  "--case",
                  testCase)
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      return fail(e.getMessage());
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "kitexstreamx client did not finish within 60 s: " + out;
    }
    return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bidi",
        "client",
        "server",
        "biz",
        "fail",
        "metainfo",
        "cancel",
        "deadline",
        "concurrent",
        "large"
      })
  void kitexStreamxClientCallsWeft(String testCase) throws Exception {
    assertThat(kitexClient(weft.port(), testCase)).isNull();
  }

  @Test
  void kitexCancelCodesReachTheWeftHandler() throws Exception {
    assertThat(kitexClient(weft.port(), "cancel")).isNull();
    assertThat(HANDLER.lastCancel).contains("CANCELLED").contains("code 12007");
    assertThat(kitexClient(weft.port(), "deadline")).isNull();
    assertThat(HANDLER.lastCancel).contains("CANCELLED").contains("code 12015");
  }

  @Test
  void unknownServiceIsAnsweredAtOnce() throws Exception {
    Server other =
        Server.builder()
            .addService(EchoServiceServer.definition(new ThriftEchoHandler()))
            .options(ServerOptions.withPort(0))
            .build()
            .start();
    try {
      // the Kitex client gets the error well before its 20 s deadline (Kitex's server sends none)
      assertThat(kitexClient(other.port(), "unknown")).isNull();
    } finally {
      other.stop();
    }
  }

  @Test
  void aUnaryMethodIsRefusedWithAClearError() throws Exception {
    Server other =
        Server.builder()
            .addService(EchoServiceServer.definition(new ThriftEchoHandler()))
            .options(ServerOptions.withPort(0))
            .build()
            .start();
    try (RawConnection c = new RawConnection(other.port())) {
      c.send(
          StreamFrame.of(StreamFrame.Type.HEADER, 3, "Echo", Map.of("isn", "EchoService"), null));
      StreamFrame end = c.next();
      assertThat(end.type()).isEqualTo(StreamFrame.Type.TRAILER);
      TApplicationException why = StreamFrame.exception(end.payload());
      assertThat(why.getType()).isEqualTo(TApplicationException.UNKNOWN_METHOD);
      assertThat(why.getMessage())
          .isEqualTo(
              "Echo of service EchoService is a unary method: call it over TTHeader, not TTHeader"
                  + " Streaming");
    } finally {
      other.stop();
    }
  }

  /** A raw TTHeader Streaming connection: frames written and read with Weft's codec. */
  static final class RawConnection implements AutoCloseable {
    final Socket socket;
    final OutputStream out;
    final StreamFrameReader in;

    RawConnection(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      out = socket.getOutputStream();
      in = new StreamFrameReader(socket.getInputStream(), 64 << 20);
    }

    void send(StreamFrame... frames) throws IOException {
      Buffer b = new Buffer(256);
      for (StreamFrame f : frames) {
        f.encode(b);
      }
      out.write(b.array(), 0, b.size());
      out.flush();
    }

    static StreamFrame open(int id) {
      return StreamFrame.of(
          StreamFrame.Type.HEADER, id, "EchoBidi", Map.of("isn", "StreamService"), null);
    }

    static StreamFrame data(int id, String msg) {
      Buffer b = new Buffer(msg.length() + 16);
      byte[] m = msg.getBytes(StandardCharsets.UTF_8);
      b.writeByte(11).writeShort(1).writeInt(m.length);
      b.write(m, 0, m.length);
      b.writeByte(0);
      return StreamFrame.of(StreamFrame.Type.DATA, id, "EchoBidi", null, b.toByteArray());
    }

    /** The next frame that is not a header frame. */
    StreamFrame next() throws IOException {
      StreamFrame f;
      do {
        f = in.read();
      } while (f != null && f.type() == StreamFrame.Type.HEADER);
      return f;
    }

    static String msg(StreamFrame data) {
      byte[] p = data.payload();
      return new String(p, 7, p.length - 8, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void aReceiverThatFallsBehindResetsOnlyItsOwnStream() throws Exception {
    try (RawConnection c = new RawConnection(weft.port())) {
      c.send(RawConnection.open(1), RawConnection.data(1, "stall"));
      assertThat(RawConnection.msg(c.next())).isEqualTo("stalled");
      // stream 1's handler reads nothing more; flood it past its receive queue's limits
      String filler = "f".repeat(8 * 1024);
      StreamFrame[] batch = new StreamFrame[64];
      for (int i = 0; i < batch.length; i++) {
        batch[i] = RawConnection.data(1, filler);
      }
      StreamFrame reset = null;
      c.send(RawConnection.open(2), RawConnection.data(2, "first"));
      for (int round = 0; round < 16 && reset == null; round++) {
        c.send(batch); // 512 KiB a round: the 4 MiB queue overflows by round 8
        c.socket.setSoTimeout(round < 7 ? 1 : 5000);
        try {
          for (StreamFrame f = c.next(); f != null; f = c.next()) {
            if (f.streamId() == 1 && f.type() == StreamFrame.Type.RST) {
              reset = f;
              break;
            }
            if (f.streamId() == 2) {
              assertThat(RawConnection.msg(f)).isEqualTo("first");
            }
          }
        } catch (java.net.SocketTimeoutException e) {
          // nothing more yet: send another round
        }
      }
      c.socket.setSoTimeout(10_000);
      assertThat(reset).as("an rst frame for the stalled stream").isNotNull();
      TApplicationException why = StreamFrame.exception(reset.payload());
      assertThat(why.getMessage()).contains("falls behind");
      // the other stream on the connection still works
      c.send(RawConnection.data(2, "still here"));
      StreamFrame f = c.next();
      while (f.streamId() != 2) {
        f = c.next();
      }
      assertThat(RawConnection.msg(f)).isEqualTo("still here");
    }
  }

  @Test
  void aKilledConnectionFreesItsStreams() throws Exception {
    Leaks.Baseline before = Leaks.Baseline.now();
    int cancelledBefore = HANDLER.cancelled.get();
    try (RawConnection c = new RawConnection(weft.port())) {
      for (int id = 1; id <= 20; id++) {
        c.send(RawConnection.open(id), RawConnection.data(id, "block"));
      }
      for (int i = 0; i < 20; i++) {
        assertThat(RawConnection.msg(c.next())).isEqualTo("blocking");
      }
      assertThat(weft.inFlight()).isEqualTo(20);
    }
    Leaks.assertBackTo(before, weft, "killing a connection with 20 open streams");
    assertThat(HANDLER.cancelled.get() - cancelledBefore).isEqualTo(20);
  }
}
