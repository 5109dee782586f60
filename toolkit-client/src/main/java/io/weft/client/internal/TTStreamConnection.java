package io.weft.client.internal;

import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import io.weft.internal.wire.ttheader.StreamFrame;
import io.weft.internal.wire.ttheader.StreamFrameReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

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
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Map<Integer, TTStreamClientCall<?, ?>> streams = new ConcurrentHashMap<>();
  private volatile Status closedWith;

  TTStreamConnection(Socket socket, String address, int maxFrameSize) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.address = address;
    this.maxFrameSize = maxFrameSize;
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
   * Writes encoded frames in one piece.
   *
   * @throws io.weft.api.RpcException UNAVAILABLE if the connection is closed or the write fails
   */
  void write(Buffer frames) {
    Status closed = closedWith;
    if (closed != null) {
      throw closed.asException();
    }
    writeLock.lock();
    try {
      out.write(frames.array(), 0, frames.size());
      out.flush();
    } catch (IOException e) {
      Status s =
          Status.of(StatusCode.UNAVAILABLE, "cannot write to " + address + ": " + e.getMessage())
              .withCause(e);
      close(s);
      throw s.asException();
    } finally {
      writeLock.unlock();
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
  }
}
