package io.weft.client.internal;

import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import io.weft.internal.wire.WriteCoalescer;
import io.weft.internal.wire.ttheader.StreamFrame;
import io.weft.internal.wire.ttheader.StreamFrameReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * One client connection of TTHeader Streaming, carrying many streams at once as Kitex's client
 * does. A virtual thread reads frames and hands each to its stream ({@link TTStreamClientCall});
 * frames of streams no longer open are ignored. Writers take turns on the socket, one batch of
 * frames each. When the connection fails, every open stream ends with {@code UNAVAILABLE}.
 */
final class TTStreamConnection {
  private static final System.Logger LOG = System.getLogger(TTStreamConnection.class.getName());

  private final Socket socket;
  private final OutputStream out;
  private final String address;
  private final int maxFrameSize;
  private final WriteCoalescer output;
  private final Map<Integer, TTStreamClientCall<?, ?>> streams = new ConcurrentHashMap<>();
  private volatile Status closedWith;

  TTStreamConnection(Socket socket, String address, int maxFrameSize) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.address = address;
    this.maxFrameSize = maxFrameSize;
    this.output = new WriteCoalescer(this::writeNow);
    Thread.ofVirtual().name("weft-ttstream-reader").start(this::readLoop);
  }

  private void readLoop() {
    Status why;
    try {
      StreamFrameReader reader = new StreamFrameReader(socket.getInputStream(), maxFrameSize);
      StreamFrame frame;
      while ((frame = reader.read()) != null) {
        TTStreamClientCall<?, ?> call = streams.get(frame.streamId());
        if (call != null) {
          call.onFrame(frame);
        }
      }
      why = Status.of(StatusCode.UNAVAILABLE, address + " closed the connection");
    } catch (WireException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "closing TTHeader Streaming connection to " + address + ": " + e.getMessage());
      why = Status.of(StatusCode.INTERNAL, "bad frame from " + address + ": " + e.getMessage());
    } catch (IOException e) {
      why =
          Status.of(
                  StatusCode.UNAVAILABLE, "connection to " + address + " failed: " + e.getMessage())
              .withCause(e);
    }
    close(why);
  }

  /** Registers a new stream; false if the connection is already closed. */
  boolean register(TTStreamClientCall<?, ?> call) {
    streams.put(call.streamId(), call);
    if (closedWith != null) {
      streams.remove(call.streamId());
      return false;
    }
    return true;
  }

  /** Forgets a stream that ended; its late frames are ignored. */
  void unregister(TTStreamClientCall<?, ?> call) {
    streams.remove(call.streamId(), call);
  }

  /**
   * Queues encoded frames to go out in one piece; a writer thread of the connection does the system
   * calls, so the caller never blocks on the socket (see {@link #awaitRoom}).
   *
   * @throws io.weft.api.RpcException UNAVAILABLE if the connection is closed or writing failed
   */
  void write(Buffer frames) {
    Status closed = closedWith;
    if (closed != null) {
      throw closed.asException();
    }
    try {
      output.writeSoonWithoutWaiting(frames);
    } catch (IOException e) {
      Status s = closedWith;
      throw (s != null ? s : Status.of(StatusCode.UNAVAILABLE, "cannot write to " + address))
          .asException();
    }
  }

  /** Whether a send may queue its frame now: {@link #awaitRoom} would not wait. Lock-free. */
  boolean hasRoom() {
    return output.hasRoom() && closedWith == null;
  }

  /**
   * Waits while the outgoing queue is full (a server that does not read), until {@code ended} holds
   * or the connection closes; false then. A caller's {@code send} waits here rather than on the
   * socket, so that the server's rst frame or the connection's end wakes it at once.
   */
  boolean awaitRoom(BooleanSupplier ended) {
    return output.awaitRoom(() -> closedWith != null || ended.getAsBoolean());
  }

  /** Wakes the senders waiting in {@link #awaitRoom}, to see that their stream has ended. */
  void wakeSenders() {
    output.wakeWaiters();
  }

  private void writeNow(byte[] bytes, int off, int len) throws IOException {
    try {
      out.write(bytes, off, len);
      out.flush();
    } catch (IOException e) {
      close(
          Status.of(StatusCode.UNAVAILABLE, "cannot write to " + address + ": " + e.getMessage())
              .withCause(e));
      throw e;
    }
  }

  /** Whether new streams may open here. */
  boolean isOpen() {
    return closedWith == null;
  }

  int openStreams() {
    return streams.size();
  }

  String address() {
    return address;
  }

  /** Closes the socket; every open stream ends with {@code why}. Idempotent. */
  void close(Status why) {
    if (closedWith != null) {
      return;
    }
    closedWith = why;
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (TTStreamClientCall<?, ?> call : streams.values()) {
      call.connectionLost(why);
    }
    streams.clear();
    output.wakeWaiters();
  }
}
