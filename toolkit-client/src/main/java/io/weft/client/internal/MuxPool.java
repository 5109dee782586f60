package io.weft.client.internal;

import io.weft.api.ClientConfig;
import io.weft.api.Deadline;
import io.weft.api.RpcException;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WriteCoalescer;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.TTHeaderCallMeta;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A fixed number of connections to one address, each carrying many calls at once (Kitex's {@code
 * WithMuxConnection}). Callers write through the connection's {@link WriteCoalescer} and wait: a
 * call alone on the connection writes at once, while others are in flight a writer thread sends the
 * requests queued meanwhile in one system call. One reader virtual thread per connection matches
 * replies to callers by sequence id and never runs user code. A dead connection fails its waiting
 * calls with {@code UNAVAILABLE} and is replaced on the next call.
 */
final class MuxPool implements SocketPool {
  private final ConnectionSlots<MuxConnection> slots;

  MuxPool(HostPort target, Framing framing, ClientConfig config, Dialer dialer) {
    this.slots =
        new ConnectionSlots<>(
            config.muxConnections(),
            MuxConnection::usable,
            deadline ->
                new MuxConnection(
                    Connection.open(target, framing, config.maxFrameSize(), dialer, deadline)),
            () -> Status.of(StatusCode.UNAVAILABLE, "client is closed").asException());
  }

  @Override
  public Envelope exchange(Buffer request, int seqId, Deadline deadline, boolean oneway) {
    return slots.next(deadline).exchange(request, seqId, deadline, oneway);
  }

  @Override
  public void close() {
    slots.close(c -> c.fail(Status.of(StatusCode.UNAVAILABLE, "client closed").asException()));
  }

  /** One multiplexed connection and its reader thread. */
  private static final class MuxConnection {
    private final Connection conn;
    private final WriteCoalescer output;
    private final ConcurrentMap<Integer, CompletableFuture<Envelope>> pending =
        new ConcurrentHashMap<>();
    private volatile RpcException failure;
    private volatile boolean resetRequested;

    MuxConnection(Connection conn) {
      this.conn = conn;
      this.output = new WriteCoalescer(this::writeNow);
      Thread.ofVirtual().name("weft-mux-reader " + conn.address()).start(this::readLoop);
    }

    boolean usable() {
      return failure == null && !resetRequested;
    }

    Envelope exchange(Buffer request, int seqId, Deadline deadline, boolean oneway) {
      RpcException f = failure;
      if (f != null) {
        throw f;
      }
      CompletableFuture<Envelope> reply = null;
      if (!oneway) {
        reply = new CompletableFuture<>();
        pending.put(seqId, reply);
      }
      try {
        output.write(
            request,
            pending.size() > 1); // with others in flight, requests written meanwhile join this one
      } catch (IOException e) {
        RpcException err = Failures.of(e, conn.address(), false);
        fail(err);
        throw err;
      }
      if (oneway) {
        return null;
      }
      if (failure != null && !reply.isDone()) {
        pending.remove(seqId);
        throw failure;
      }
      try {
        return deadline == null
            ? reply.get()
            : reply.get(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        pending.remove(seqId);
        throw Status.of(
                StatusCode.DEADLINE_EXCEEDED, "deadline exceeded waiting for " + conn.address())
            .asException();
      } catch (InterruptedException e) {
        pending.remove(seqId);
        Thread.currentThread().interrupt();
        throw Status.of(StatusCode.CANCELLED, "interrupted while calling " + conn.address())
            .asException();
      } catch (ExecutionException e) {
        throw Failures.of(e.getCause(), conn.address(), true);
      }
    }

    /**
     * The coalescer's sink; a failed write fails every call waiting on the connection, whichever
     * thread wrote.
     */
    private void writeNow(byte[] bytes, int off, int len) throws IOException {
      try {
        conn.write(bytes, off, len);
      } catch (IOException e) {
        fail(Failures.of(e, conn.address(), false));
        throw e;
      }
    }

    private void readLoop() {
      try {
        while (true) {
          Envelope e = conn.read(null);
          if (e == null) {
            fail(Failures.closedByPeer(conn.address()));
            return;
          }
          if (TTHeaderCallMeta.resetRequested(e.header())) {
            resetRequested = true;
          }
          CompletableFuture<Envelope> waiter = pending.remove(e.seqId());
          if (waiter != null) {
            waiter.complete(e);
          }
          if (resetRequested && pending.isEmpty()) {
            fail(
                Status.of(
                        StatusCode.UNAVAILABLE,
                        "server is closing the connection to " + conn.address())
                    .asException());
            return;
          }
        }
      } catch (IOException | RuntimeException e) {
        fail(Failures.of(e, conn.address(), true));
      }
    }

    void fail(RpcException err) {
      if (failure == null) {
        failure = err;
      }
      conn.close();
      for (Integer seq : pending.keySet()) {
        CompletableFuture<Envelope> w = pending.remove(seq);
        if (w != null) {
          w.completeExceptionally(err);
        }
      }
    }
  }
}
