package io.weft.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The bench's own logic that decides what runs and when: section keys and the drain check. */
class BenchPartsTest {
  @Test
  void sectionKeysAreWholeWords() {
    assertThat(Bench.wanted("ttstream", "ttstream")).isTrue();
    assertThat(Bench.wanted("ttstream", "tt")).isFalse(); // was run too: "ttstream" contains "tt"
    assertThat(Bench.wanted("tt servers", "servers")).isTrue();
    assertThat(Bench.wanted("tt,servers", "tt")).isTrue();
    assertThat(Bench.wanted("", "bidi")).isTrue();
    assertThat(Bench.wanted("unary", "ghz")).isFalse();
  }

  /**
   * The concurrency sweep waits for a server's connections to be gone before the next level; one
   * whose client has closed (CLOSE_WAIT on the server) still holds a place under the server's
   * limit, so it must count until the server closes it (counting ESTABLISHED ones only missed it).
   */
  @Test
  void aConnectionThePeerClosedCountsUntilClosedHere() throws Exception {
    long self = ProcessHandle.current().pid();
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket listener = new ServerSocket(0, 50, loopback)) {
      int before = Proc.openTcpSockets(self);
      int establishedBefore = Proc.tcpConnections(self);
      Socket client = new Socket(loopback, listener.getLocalPort());
      try (Socket accepted = listener.accept()) {
        client.close();
        InputStream in = accepted.getInputStream();
        assertThat(in.read()).isEqualTo(-1); // the client's FIN is here: CLOSE_WAIT
        assertThat(Proc.tcpConnections(self)).isEqualTo(establishedBefore);
        assertThat(Proc.openTcpSockets(self)).isEqualTo(before + 1);
      }
      assertThat(Proc.openTcpSockets(self)).isEqualTo(before);
    }
  }
}
