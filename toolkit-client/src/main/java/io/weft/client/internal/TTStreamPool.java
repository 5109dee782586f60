package io.weft.client.internal;

import io.weft.api.ClientConfig;
import io.weft.api.Deadline;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The TTHeader Streaming connections to one address: a fixed number of them ({@code
 * muxConnections}, at least one), each carrying many streams, picked in turn as Kitex's client
 * picks among its multiplexed connections. A dead connection is replaced when a stream next needs
 * its slot. Thread-safe.
 */
final class TTStreamPool implements AutoCloseable {
  private final HostPort target;
  private final Dialer dialer;
  private final int maxFrameSize;
  private final TTStreamConnection[] slots;
  private final ReentrantLock[] slotLocks;
  private final AtomicInteger next = new AtomicInteger();
  private volatile boolean closed;

  TTStreamPool(HostPort target, ClientConfig config, Dialer dialer) {
    this.target = target;
    this.dialer = dialer;
    this.maxFrameSize = Math.max(config.maxMessageSize(), 1 << 20) + (256 << 10);
    this.slots = new TTStreamConnection[Math.max(1, config.muxConnections())];
    this.slotLocks = new ReentrantLock[slots.length];
    for (int i = 0; i < slotLocks.length; i++) {
      slotLocks[i] = new ReentrantLock();
    }
  }

  /**
   * A live connection for a new stream, dialing one within {@code deadline} if its slot has none.
   *
   * @throws UnsentException if the pool is closed or dialing fails
   */
  TTStreamConnection connection(Deadline deadline) {
    int i = Math.floorMod(next.getAndIncrement(), slots.length);
    TTStreamConnection c = slots[i];
    if (c != null && c.isOpen()) {
      return c;
    }
    slotLocks[i].lock();
    try {
      if (closed) {
        throw new UnsentException(Status.of(StatusCode.UNAVAILABLE, "client is closed"));
      }
      c = slots[i];
      if (c == null || !c.isOpen()) {
        Socket s = dialer.dial(target, deadline, null);
        try {
          c = new TTStreamConnection(s, target.toString(), maxFrameSize);
        } catch (IOException e) {
          throw new UnsentException(
              Status.of(StatusCode.UNAVAILABLE, "cannot use connection to " + target).withCause(e));
        }
        slots[i] = c;
      }
      return c;
    } finally {
      slotLocks[i].unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    for (int i = 0; i < slots.length; i++) {
      slotLocks[i].lock();
      try {
        TTStreamConnection c = slots[i];
        if (c != null) {
          c.close(Status.of(StatusCode.UNAVAILABLE, "client is closed"));
        }
      } finally {
        slotLocks[i].unlock();
      }
    }
  }
}
