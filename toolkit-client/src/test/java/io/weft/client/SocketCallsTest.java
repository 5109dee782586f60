package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.IntKey;
import io.weft.internal.wire.ttheader.StrKey;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.testing.StringStruct;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Unary calls over the socket transports against a {@link RawPeer}: what the client writes for each
 * transport, what it makes of the replies, and how an error reply reaches the caller.
 */
class SocketCallsTest {
  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"TTHEADER", "TTHEADER_FRAMED", "FRAMED", "BUFFERED"})
  void aCallIsWrittenInTheTransportsFramingAndItsReplyReturned(Transport transport)
      throws Exception {
    Framing framing = Framing.valueOf(transport.name());
    try (RawPeer peer = RawPeer.echo(framing);
        Client client =
            Client.newClient(
                "EchoService",
                ClientOptions.withHostPorts(peer.hostPort()),
                ClientOptions.withTransport(transport))) {
      assertThat(client.unary(Methods.ECHO, "hello", CallOptions.DEFAULT)).isEqualTo("hello");

      Envelope request = peer.nextRequest(10);
      assertThat(request.framing()).isEqualTo(framing);
      assertThat(request.messageType()).isEqualTo(Envelope.CALL);
      assertThat(request.name()).isEqualTo("Echo");
      assertThat(
              new StringStruct(1)
                  .decode(request.buffer(), request.bodyOffset(), request.bodyLength()))
          .isEqualTo("hello");
      assertThat(request.header() != null).as("a TTHeader").isEqualTo(framing.hasHeader());
    }
  }

  @Test
  void theTTHeaderCarriesServiceNameHeadersTimeoutAndCaller() throws Exception {
    try (RawPeer peer = RawPeer.echo(Framing.TTHEADER);
        Client client =
            Client.newClient(
                "EchoService",
                ClientOptions.withHostPorts(peer.hostPort()),
                ClientOptions.withCallerName("client-svc"))) {
      client.unary(
          Methods.ECHO,
          "x",
          CallOptions.timeout(Duration.ofSeconds(20)).withHeader("x-test", "value"));
      TTHeader header = peer.nextRequest(10).header();
      assertThat(header.strInfo())
          .containsEntry("x-test", "value")
          .containsEntry(StrKey.IDL_SERVICE_NAME, "EchoService");
      assertThat(header.intInfo())
          .containsEntry(IntKey.FROM_SERVICE, "client-svc")
          .containsEntry(IntKey.TO_METHOD, "Echo");
      assertThat(Long.parseLong(header.intInfo().get(IntKey.RPC_TIMEOUT))).isBetween(1L, 20_000L);
    }
  }

  @Test
  void callsOnOneClientGetDistinctSequenceIds() throws Exception {
    try (RawPeer peer = RawPeer.echo(Framing.TTHEADER);
        Client client =
            Client.newClient("EchoService", ClientOptions.withHostPorts(peer.hostPort()))) {
      client.unary(Methods.ECHO, "a", CallOptions.DEFAULT);
      client.unary(Methods.ECHO, "b", CallOptions.DEFAULT);
      assertThat(peer.nextRequest(10).seqId()).isNotEqualTo(peer.nextRequest(10).seqId());
      assertThat(client.stats().calls()).isEqualTo(2);
    }
  }

  @Test
  void anExceptionReplyIsAnRpcExceptionWithThePeersMessage() throws Exception {
    byte[] unknownMethod = applicationException(1, "unknown method Echo"); // UNKNOWN_METHOD
    try (RawPeer peer =
            new RawPeer(
                Framing.TTHEADER,
                request ->
                    RawPeer.reply(Framing.TTHEADER, request, Envelope.EXCEPTION, unknownMethod));
        Client client =
            Client.newClient("EchoService", ClientOptions.withHostPorts(peer.hostPort()))) {
      RpcException e =
          catchThrowableOfType(
              RpcException.class, () -> client.unary(Methods.ECHO, "x", CallOptions.DEFAULT));
      assertThat(e.code()).isEqualTo(StatusCode.UNIMPLEMENTED);
      assertThat(e.getMessage()).contains("unknown method Echo");
    }
  }

  @Test
  void aReplyTheCodecCannotReadIsInternal() throws Exception {
    try (RawPeer peer =
            new RawPeer(
                Framing.TTHEADER,
                request ->
                    RawPeer.reply(
                        Framing.TTHEADER,
                        request,
                        Envelope.REPLY,
                        new StringStruct(5).bytes("wrong field")));
        Client client =
            Client.newClient(
                "EchoService",
                ClientOptions.withHostPorts(peer.hostPort()),
                ClientOptions.withRPCTimeout(Duration.ofSeconds(20)))) {
      RpcException e =
          catchThrowableOfType(
              RpcException.class, () -> client.unary(Methods.ECHO, "x", CallOptions.DEFAULT));
      assertThat(e.code()).isEqualTo(StatusCode.INTERNAL);
      assertThat(e.getMessage()).contains("not a struct of one string field 0");
    }
  }

  /** A TApplicationException struct: message (field 1, string), type (field 2, i32). */
  private static byte[] applicationException(int type, String message) {
    byte[] m = new StringStruct(1).bytes(message);
    byte[] out = new byte[m.length - 1 + 7 + 1];
    System.arraycopy(m, 0, out, 0, m.length - 1);
    int at = m.length - 1;
    out[at] = 8; // i32
    out[at + 2] = 2;
    out[at + 6] = (byte) type;
    return out; // ends with the stop byte (0)
  }
}
