package io.weft.server.internal;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import io.weft.internal.wire.WriteCoalescer;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeReader;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.TTHeader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One TTHeader, Framed or unframed Thrift connection on the server. The connection's own virtual
 * thread (Helidon's, running {@link #handle}) reads and decodes frames. A client that takes replies
 * in any order (TTHeader's out-of-order flag, which Kitex's mux client sets) gets each request run
 * on a virtual thread of its own ({@link SocketCall}), so a slow handler never delays the next
 * request; any other client sends a request only after the reply to its last one (Kitex's and
 * libthrift's connection pools) or expects replies in order, so its requests run one at a time on
 * the connection's own thread, as Kitex's and libthrift's servers run them. Replies are written by
 * the request threads through one {@link WriteCoalescer}: whichever finds the socket free writes,
 * and replies that arrive meanwhile leave together in its next system call (a multiplexing client
 * keeps many calls in flight on one connection).
 *
 * <p>Closing is graceful ({@link #close(boolean) close(false)}, on server stop or idle timeout):
 * requests already read are served and their replies carry Kitex's {@code crrst} header, then the
 * socket closes once none is in flight.
 */
final class SocketConnection implements ServerConnection {
  private static final System.Logger LOG = System.getLogger(SocketConnection.class.getName());

  private final ConnectionContext ctx;
  private final CallServices calls;
  private final int maxFrameSize;
  private final Framing framing;
  private final String peer;
  private final WriteCoalescer output;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean draining;
  private volatile boolean closed;
  private final IdleClock clock = new IdleClock();

  SocketConnection(ConnectionContext ctx, CallServices calls, int maxFrameSize, Framing framing) {
    this.ctx = ctx;
    this.calls = calls;
    this.maxFrameSize = maxFrameSize;
    this.framing = framing;
    this.peer = Peers.format(ctx.remotePeer().address());
    this.output = new WriteCoalescer(this::writeNow);
  }

  @Override
  public void handle(Limit limit) {
    InputStream in = new SocketInput(ctx);
    EnvelopeReader reader = new EnvelopeReader(in, maxFrameSize);
    try {
      while (true) {
        Envelope envelope = reader.read(framing);
        if (envelope == null) {
          return; // the peer closed cleanly
        }
        clock.touch();
        String refused = calls.admission().tryStart();
        if (refused != null) {
          new SocketCall(this, calls, envelope).refuse(refused);
          continue;
        }
        SocketCall call = new SocketCall(this, calls, envelope);
        if (inFlight.getAndIncrement() == 0 && inOrder(envelope)) {
          call.run(); // the client waits for this reply before its next request
        } else {
          Thread.ofVirtual().name("weft-call").start(call);
        }
      }
    } catch (WireException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "closing " + framing + " connection from " + peer + ": " + e.getMessage());
    } catch (EOFException e) {
      if (!closed) {
        LOG.log(
            System.Logger.Level.DEBUG,
            "connection from " + peer + " closed mid-message: " + e.getMessage());
      }
    } catch (IOException | UncheckedIOException e) {
      if (!closed) {
        LOG.log(
            System.Logger.Level.DEBUG, "connection from " + peer + " failed: " + e.getMessage());
      }
    } finally {
      closed = true;
      closeSocket();
    }
  }

  /**
   * Whether a request may run on the connection's own thread: its client did not ask for replies
   * out of order (Kitex's mux client sets TTHeader's flag {@code 0x01}; Framed and unframed Thrift
   * clients have no way to), so it sends the next request only after this reply, or expects replies
   * in the order of its requests. Served there, a call costs no thread start and no hand-off.
   */
  private static boolean inOrder(Envelope envelope) {
    return envelope.header() == null
        || (envelope.header().flags() & TTHeader.FLAG_SUPPORT_OUT_OF_ORDER) == 0;
  }

  /**
   * Writes one encoded reply; returns false if the connection is gone. Called from request threads.
   * A call alone on its connection writes at once; when others are in flight (a multiplexing
   * client) the reply is queued for a writer thread, so that the replies finishing meanwhile leave
   * in the same system call.
   */
  boolean write(Buffer reply) {
    if (closed) {
      return false;
    }
    try {
      output.write(reply, inFlight.get() > 1);
      return true;
    } catch (IOException e) {
      return false; // logged, and the socket closed, by the write that failed
    }
  }

  /**
   * The coalescer's sink: one system call's worth of replies, timed so that a peer that stops
   * reading is noticed.
   */
  private void writeNow(byte[] bytes, int off, int len) throws IOException {
    clock.writeStarted();
    try {
      ctx.dataWriter().writeNow(BufferData.create(bytes, off, len));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot reply to " + peer + ": " + e.getMessage());
      closed = true;
      closeSocket();
      throw new IOException(e.getMessage(), e);
    } finally {
      clock.writeEnded();
    }
  }

  /** A request thread is done (replied or not). */
  void callFinished() {
    clock.touch();
    calls.admission().finished();
    if (inFlight.decrementAndGet() == 0 && draining) {
      output.awaitFlushed(); // the last replies may still be queued for the writer thread
      closed = true;
      closeSocket();
    }
  }

  Framing framing() {
    return framing;
  }

  String peer() {
    return peer;
  }

  /** Whether replies should tell the client not to reuse this connection. */
  boolean draining() {
    return draining;
  }

  /** Whether the peer is gone, so in-flight calls count as cancelled. */
  boolean isClosed() {
    return closed;
  }

  /** See {@link IdleClock}. */
  @Override
  public Duration idleTime() {
    return clock.idleTime(inFlight.get() > 0);
  }

  @Override
  public void close(boolean interrupt) {
    draining = true;
    Duration stuck = clock.stuckWriting();
    boolean stuckWriting = stuck != null;
    if (stuckWriting && !closed) {
      LOG.log(
          System.Logger.Level.WARNING,
          "closing "
              + framing
              + " connection from "
              + peer
              + ": it has read nothing of a reply for "
              + stuck.toMillis()
              + " ms");
    }
    if (interrupt || stuckWriting) {
      closed = true;
      closeSocket();
    } else if (inFlight.get() == 0) {
      Thread.ofVirtual()
          .name("weft-drain")
          .start(() -> { // a last reply may still be on its way out
            output.awaitFlushed();
            closed = true;
            closeSocket();
          });
    }
  }

  private void closeSocket() {
    try {
      ctx.serverSocket().close();
    } catch (RuntimeException e) {
      // already closed
    }
  }
}
