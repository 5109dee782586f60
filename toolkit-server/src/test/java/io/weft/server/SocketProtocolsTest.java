package io.weft.server;

import static io.weft.server.TestService.call;
import static io.weft.server.TestService.readReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Server;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.PayloadFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The socket protocols a server detects from a connection's first bytes, each spoken with raw bytes
 * on a socket of the test's own to a server of a hand-built service on port 0: TTHeader,
 * TTHeader-framed, Framed and unframed Thrift.
 */
class SocketProtocolsTest {
  private static Server server;

  @BeforeAll
  static void start() {
    server = TestService.server(new TestService.Blocking(0)).start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @ParameterizedTest
  @EnumSource(Framing.class)
  void echoComesBackInTheFramingOfTheCall(Framing framing) throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream().write(call(framing, "Echo", "hello " + framing, 7));
      Envelope reply = readReply(s.getInputStream(), framing);
      assertThat(reply.framing()).isEqualTo(framing);
      assertThat(reply.format()).isEqualTo(PayloadFormat.THRIFT_BINARY);
      assertThat(reply.messageType()).isEqualTo(Envelope.REPLY);
      assertThat(reply.name()).isEqualTo("Echo");
      assertThat(reply.seqId()).isEqualTo(7);
      assertThat(TestService.result(reply)).isEqualTo("hello " + framing);
    }
  }

  @ParameterizedTest
  @EnumSource(Framing.class)
  void callsOnOneConnectionAreAnsweredEachWithItsSequenceId(Framing framing) throws IOException {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      for (int seq = 1; seq <= 3; seq++) {
        out.write(call(framing, "Echo", "call " + seq, seq));
      }
      InputStream in = s.getInputStream();
      for (int i = 0; i < 3; i++) {
        Envelope reply = readReply(in, framing);
        assertThat(TestService.result(reply)).isEqualTo("call " + reply.seqId());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Framing.class,
      names = {"TTHEADER", "FRAMED"})
  void anUnknownMethodIsAnExceptionNamingItAndTheConnectionStaysUsable(Framing framing)
      throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream().write(call(framing, "NoSuchMethod", "x", 3));
      Envelope reply = readReply(s.getInputStream(), framing);
      assertThat(reply.messageType()).isEqualTo(Envelope.EXCEPTION);
      assertThat(reply.seqId()).isEqualTo(3);
      assertThat(TestService.text(reply)).contains("NoSuchMethod");

      s.getOutputStream().write(call(framing, "Echo", "still here", 4));
      assertThat(TestService.result(readReply(s.getInputStream(), framing)))
          .isEqualTo("still here");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Framing.class,
      names = {"TTHEADER", "FRAMED"})
  void aHandlersRpcExceptionIsAnExceptionWithItsDescription(Framing framing) throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream().write(call(framing, "Fail", "the reason", 5));
      Envelope reply = readReply(s.getInputStream(), framing);
      assertThat(reply.messageType()).isEqualTo(Envelope.EXCEPTION);
      assertThat(reply.seqId()).isEqualTo(5);
      assertThat(TestService.text(reply)).contains("the reason");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Framing.class,
      names = {"TTHEADER", "FRAMED"})
  void aRequestTheCodecCannotReadIsAnExceptionNotAClosedConnection(Framing framing)
      throws IOException {
    byte[] bad = call(framing, "Echo", "abc", 6);
    bad[bad.length - 1] = 1; // the struct's stop byte
    try (Socket s = connect()) {
      s.getOutputStream().write(bad);
      Envelope reply = readReply(s.getInputStream(), framing);
      assertThat(reply.messageType()).isEqualTo(Envelope.EXCEPTION);
      assertThat(TestService.text(reply)).contains("not a struct of one string field");
      s.getOutputStream().write(call(framing, "Echo", "next", 8));
      assertThat(TestService.result(readReply(s.getInputStream(), framing))).isEqualTo("next");
    }
  }

  private static Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
    s.setSoTimeout(20_000);
    return s;
  }
}
