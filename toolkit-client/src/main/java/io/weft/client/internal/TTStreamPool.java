package io.weft.client.internal;

import io.weft.api.ClientConfig;
import io.weft.api.Deadline;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.io.IOException;
import java.net.Socket;

/**
 * The TTHeader Streaming connections to one address: a fixed number of them ({@code
 * muxConnections}, at least one), each carrying many streams, picked in turn as Kitex's client
 * picks among its multiplexed connections. A dead connection is replaced when a stream next needs
 * its slot. Thread-safe.
 */
final class TTStreamPool implements AutoCloseable {
  private final ConnectionSlots<TTStreamConnection> slots;

  TTStreamPool(HostPort target, ClientConfig config, Dialer dialer) {
    int maxFrameSize = Math.max(config.maxMessageSize(), 1 << 20) + (256 << 10);
    this.slots =
        new ConnectionSlots<>(
            config.muxConnections(),
            TTStreamConnection::isOpen,
            deadline -> {
              Socket s = dialer.dial(target, deadline, null);
              try {
                return new TTStreamConnection(s, target.toString(), maxFrameSize);
              } catch (IOException e) {
                throw new UnsentException(
                    Status.of(StatusCode.UNAVAILABLE, "cannot use connection to " + target)
                        .withCause(e));
              }
            },
            () -> new UnsentException(Status.of(StatusCode.UNAVAILABLE, "client is closed")));
  }

  /**
   * A live connection for a new stream, dialing one within {@code deadline} if its slot has none.
   *
   * @throws UnsentException if the pool is closed or dialing fails
   */
  TTStreamConnection connection(Deadline deadline) {
    return slots.next(deadline);
  }

  @Override
  public void close() {
    slots.close(c -> c.close(Status.of(StatusCode.UNAVAILABLE, "client is closed")));
  }
}
