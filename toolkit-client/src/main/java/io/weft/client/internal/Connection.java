package io.weft.client.internal;

import io.weft.api.Deadline;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeReader;
import io.weft.internal.wire.ttheader.Framing;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * One client socket speaking one {@link Framing}. Reads honour a per-read deadline. Confined to one
 * thread at a time (the pool hands it out exclusively; in mux mode only the reader thread reads and
 * writers hold the mux lock).
 */
final class Connection {
  private final Socket socket;
  private final OutputStream out;
  private final DeadlineInputStream in;
  private final EnvelopeReader reader;
  private final Framing framing;
  private final String address;
  volatile long idleSinceNanos;

  private Connection(Socket socket, Framing framing, int maxFrameSize, String address)
      throws IOException {
    this.socket = socket;
    this.framing = framing;
    this.address = address;
    this.out = socket.getOutputStream();
    this.in =
        new DeadlineInputStream(
            new BufferedInputStream(socket.getInputStream(), 64 * 1024), socket);
    this.reader = new EnvelopeReader(in, maxFrameSize);
  }

  /**
   * Dials {@code host:port}.
   *
   * @throws io.weft.api.RpcException {@code UNAVAILABLE} if it cannot connect in time, {@code
   *     DEADLINE_EXCEEDED} if the call's deadline passes first
   */
  static Connection open(
      HostPort target, Framing framing, int maxFrameSize, Dialer dialer, Deadline deadline) {
    Socket s = dialer.dial(target, deadline, null);
    try {
      return new Connection(s, framing, maxFrameSize, target.toString());
    } catch (IOException e) {
      closeQuietly(s);
      throw new UnsentException(
          Status.of(
                  StatusCode.UNAVAILABLE,
                  "cannot use the connection to " + target + ": " + e.getMessage())
              .withCause(e));
    }
  }

  void write(Buffer frame) throws IOException {
    out.write(frame.array(), 0, frame.size());
  }

  void write(byte[] bytes, int off, int len) throws IOException {
    out.write(bytes, off, len);
  }

  /** Reads the next message, waiting at most until {@code deadline} (null: forever). */
  Envelope read(Deadline deadline) throws IOException {
    in.deadline = deadline;
    return reader.read(framing);
  }

  Framing framing() {
    return framing;
  }

  String address() {
    return address;
  }

  boolean isClosed() {
    return socket.isClosed();
  }

  void close() {
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  /**
   * Sets the socket's read timeout to the time left before each read; a passed deadline reads as a
   * timeout.
   */
  private static final class DeadlineInputStream extends FilterInputStream {
    private final Socket socket;
    private int currentTimeout = -1;
    Deadline deadline;

    DeadlineInputStream(InputStream in, Socket socket) {
      super(in);
      this.socket = socket;
    }

    private void arm() throws IOException {
      int t = 0;
      if (deadline != null) {
        long left = deadline.remainingMillis();
        if (left <= 0) {
          throw new SocketTimeoutException("deadline passed");
        }
        t = (int) Math.min(Integer.MAX_VALUE, left);
      }
      if (t != currentTimeout) {
        socket.setSoTimeout(t);
        currentTimeout = t;
      }
    }

    /**
     * Whether the next read may block with the wrong timeout: only then is {@code available()} (a
     * system call) worth asking.
     */
    private boolean mayNeedArming() throws IOException {
      return (deadline != null || currentTimeout != 0) && in.available() == 0;
    }

    @Override
    public int read() throws IOException {
      if (mayNeedArming()) {
        arm();
      }
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (mayNeedArming()) {
        arm();
      }
      return in.read(b, off, len);
    }
  }
}
