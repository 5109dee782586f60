package io.weft.server;

import static io.weft.server.TestService.call;
import static io.weft.server.TestService.readReply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.Framing;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@link Server#stop()} lets the calls in flight finish within the exit wait time, then closes
 * every connection; the server's life cycle as {@link Server#port()} and {@link Server#isRunning()}
 * report it.
 */
class GracefulStopTest {
  @Test
  void portAndRunningFollowTheLifeCycle() {
    Server server = TestService.server(new TestService.Blocking(0));
    assertThat(server.port()).isEqualTo(-1);
    assertThat(server.isRunning()).isFalse();
    server.start();
    try {
      assertThat(server.port()).isPositive();
      assertThat(server.isRunning()).isTrue();
    } finally {
      server.stop();
    }
    assertThat(server.port()).isEqualTo(-1);
    assertThat(server.isRunning()).isFalse();
    server.stop(); // idempotent
  }

  @Test
  void stopWaitsForTheCallInFlightWhichStillGetsItsReply() throws Exception {
    TestService.Blocking blocking = new TestService.Blocking(1);
    Server server =
        TestService.server(blocking, ServerOptions.withExitWaitTime(Duration.ofSeconds(30)))
            .start();
    int port = server.port();
    try (Socket s = connect(port)) {
      s.getOutputStream().write(call(Framing.TTHEADER, "Block", "in flight", 9));
      blocking.entered.await();
      assertThat(server.inFlight()).isEqualTo(1);

      CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::stop);
      // stop must still be waiting for the call, however long we give it (here a moment)
      assertThatThrownBy(() -> stopped.get(300, TimeUnit.MILLISECONDS))
          .isInstanceOf(TimeoutException.class);

      blocking.release.countDown();
      Envelope reply = readReply(s.getInputStream(), Framing.TTHEADER);
      assertThat(reply.seqId()).isEqualTo(9);
      assertThat(TestService.result(reply)).isEqualTo("released in flight");
      stopped.get(30, TimeUnit.SECONDS);
      assertThat(readReply(s.getInputStream(), Framing.TTHEADER))
          .as("the connection, closed once the call ended")
          .isNull();
    }
    assertThat(server.inFlight()).isZero();
    assertThatThrownBy(() -> connect(port).close()).isInstanceOf(ConnectException.class);
  }

  @Test
  void stopGivesUpOnACallThatOutlastsTheExitWaitTime() throws Exception {
    TestService.Blocking blocking = new TestService.Blocking(1);
    Server server =
        TestService.server(blocking, ServerOptions.withExitWaitTime(Duration.ofMillis(200)))
            .start();
    try (Socket s = connect(server.port())) {
      s.getOutputStream().write(call(Framing.TTHEADER, "Block", "stuck", 1));
      blocking.entered.await();
      long start = System.nanoTime();
      server.stop();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      assertThat(server.isRunning()).isFalse();
      assertThat(readReply(s.getInputStream(), Framing.TTHEADER))
          .as("the connection, closed without a reply")
          .isNull();
    } finally {
      blocking.release.countDown();
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(20_000);
    return s;
  }
}
