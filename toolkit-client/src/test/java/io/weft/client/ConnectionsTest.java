package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.StatusCode;
import io.weft.internal.wire.ttheader.Framing;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The client's connections against a {@link RawPeer}: deadlines on a peer that never answers, a
 * refused connection, a malformed reply, and connection reuse by the pool and by multiplexing.
 */
class ConnectionsTest {
  @Test
  void aPeerThatNeverAnswersEndsInDeadlineExceededAtTheCallsTimeout() throws Exception {
    try (RawPeer peer = new RawPeer(Framing.TTHEADER, request -> null);
        Client client =
            Client.newClient("EchoService", ClientOptions.withHostPorts(peer.hostPort()))) {
      long start = System.nanoTime();
      RpcException e =
          catchThrowableOfType(
              RpcException.class,
              () ->
                  client.unary(
                      Methods.ECHO, "anyone?", CallOptions.timeout(Duration.ofMillis(300))));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
      assertThat(took)
          .isGreaterThanOrEqualTo(Duration.ofMillis(300))
          .isLessThan(Duration.ofSeconds(10));
      assertThat(peer.nextRequest(10)).as("the request, written before the wait").isNotNull();
    }
  }

  @Test
  void theClientsRpcTimeoutAppliesToEveryCall() throws Exception {
    try (RawPeer peer = new RawPeer(Framing.TTHEADER, request -> null);
        Client client =
            Client.newClient(
                "EchoService",
                ClientOptions.withHostPorts(peer.hostPort()),
                ClientOptions.withRPCTimeout(Duration.ofMillis(200)))) {
      for (int i = 0; i < 2; i++) {
        RpcException e =
            catchThrowableOfType(
                RpcException.class, () -> client.unary(Methods.ECHO, "x", CallOptions.DEFAULT));
        assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
      }
    }
  }

  @Test
  void aRefusedConnectionIsUnavailable() throws Exception {
    int port;
    try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = gone.getLocalPort(); // nothing listens there once this closes
    }
    try (Client client =
        Client.newClient("EchoService", ClientOptions.withHostPorts("127.0.0.1:" + port))) {
      RpcException e =
          catchThrowableOfType(
              RpcException.class,
              () -> client.unary(Methods.ECHO, "x", CallOptions.timeout(Duration.ofSeconds(20))));
      assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
      assertThat(e.getMessage()).contains("127.0.0.1:" + port);
    }
  }

  @Test
  void aMalformedReplyFailsTheCallClosesTheConnectionAndTheNextCallConnectsAgain()
      throws Exception {
    // a length, then bytes where TTHeader's magic should be: not a frame any peer would write
    byte[] garbage = "\0\0\0\u000cnot a frame!".getBytes(StandardCharsets.ISO_8859_1);
    boolean[] first = {true};
    try (RawPeer peer =
            new RawPeer(
                Framing.TTHEADER,
                request -> {
                  synchronized (first) {
                    if (first[0]) {
                      first[0] = false;
                      return garbage;
                    }
                  }
                  return RawPeer.reply(
                      Framing.TTHEADER,
                      request,
                      io.weft.internal.wire.ttheader.Envelope.REPLY,
                      new io.weft.testing.StringStruct(0).bytes("fine"));
                });
        Client client =
            Client.newClient("EchoService", ClientOptions.withHostPorts(peer.hostPort()))) {
      RpcException e =
          catchThrowableOfType(
              RpcException.class,
              () -> client.unary(Methods.ECHO, "x", CallOptions.timeout(Duration.ofSeconds(20))));
      assertThat(e.code()).isNotEqualTo(StatusCode.DEADLINE_EXCEEDED);
      assertThat(e.getMessage())
          .as("a message that says what was wrong")
          .containsIgnoringCase("magic");
      assertThat(peer.awaitClosedByClient(1, 20))
          .as("the client closed the connection it could not read")
          .isTrue();

      assertThat(client.unary(Methods.ECHO, "again", CallOptions.timeout(Duration.ofSeconds(20))))
          .isEqualTo("fine");
      assertThat(peer.accepted()).isEqualTo(2);
    }
  }

  @Test
  void thePoolReusesOneConnectionForCallsOneAfterAnother() throws Exception {
    try (RawPeer peer = RawPeer.echo(Framing.TTHEADER);
        Client client =
            Client.newClient(
                "EchoService",
                ClientOptions.withHostPorts(peer.hostPort()),
                ClientOptions.withLongConnection(4, Duration.ofMinutes(1)))) {
      for (int i = 0; i < 5; i++) {
        assertThat(client.unary(Methods.ECHO, "call " + i, CallOptions.DEFAULT))
            .isEqualTo("call " + i);
      }
      assertThat(peer.accepted()).isEqualTo(1);
    }
  }

  @Test
  void aMultiplexedClientCarriesConcurrentCallsOnOneConnection() throws Exception {
    try (RawPeer peer = RawPeer.echo(Framing.TTHEADER);
        Client client =
            Client.newClient(
                "EchoService",
                ClientOptions.withHostPorts(peer.hostPort()),
                ClientOptions.withMuxConnection(1));
        var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String msg = "call " + i;
        calls.add(
            threads.submit(() ->
                client.unary(Methods.ECHO, msg, CallOptions.timeout(Duration.ofSeconds(20)))));
      }
      for (int i = 0; i < calls.size(); i++) {
        assertThat(calls.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("call " + i);
      }
      assertThat(peer.accepted()).isEqualTo(1);
    }
  }

  @Test
  void closingTheClientClosesItsConnections() throws Exception {
    try (RawPeer peer = RawPeer.echo(Framing.TTHEADER)) {
      Client client = Client.newClient("EchoService", ClientOptions.withHostPorts(peer.hostPort()));
      client.unary(Methods.ECHO, "x", CallOptions.DEFAULT);
      client.close();
      assertThat(peer.awaitClosedByClient(1, 20)).isTrue();
    }
  }
}
