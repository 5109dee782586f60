package io.weft.server.internal;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.webserver.ConnectionContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A connection's bytes as a reader thread sees them: first those Helidon's reader of the connection
 * already holds (it read them while detecting the protocol), then the socket. On plain TCP the
 * socket is read straight into the caller's array or into one small buffer this stream keeps, so a
 * whole small request arrives in one system call and nothing is allocated per read (Helidon's
 * reader allocates and copies an array per read); over TLS (Helidon's NIO socket, whose own buffer
 * the reader shares) everything goes through Helidon's reader. End of stream when the peer closes.
 * Confined to the connection's reader thread.
 */
final class SocketInput extends InputStream {
  /** Enough for a typical request in one read; a larger read goes straight to the caller. */
  private static final int BUFFER = 4096;

  private final DataReader detected;
  private final DataReaderInputStream viaReader;
  private final HelidonSocket socket;
  private final DirectRead direct;
  private byte[] buf;
  private int pos;
  private int lim;

  SocketInput(ConnectionContext ctx) {
    this.detected = ctx.dataReader();
    this.viaReader = new DataReaderInputStream(detected);
    this.socket = ctx.serverSocket();
    this.direct = ctx.isSecure() ? null : new DirectRead();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (pos < lim) {
      return copyOut(b, off, len);
    }
    if (len >= BUFFER || direct == null || detected.available() > 0) {
      return readUnbuffered(b, off, len);
    }
    if (buf == null) {
      buf = new byte[BUFFER];
    }
    int n = readUnbuffered(buf, 0, BUFFER);
    if (n < 0) {
      return -1;
    }
    pos = 0;
    lim = n;
    return copyOut(b, off, len);
  }

  /**
   * Reads into {@code b} without this stream's buffer (for a reader with a large buffer of its own,
   * such as the HTTP/2 engine): what Helidon's reader holds first, then the socket.
   */
  // HelidonSocket.read(BufferData) is marked for removal in Helidon 4.5 in favour of get(), which
  // allocates an array per read; until it goes, it reads straight into the caller's array
  @SuppressWarnings("removal")
  int readUnbuffered(byte[] b, int off, int len) throws IOException {
    if (direct == null || detected.available() > 0) {
      return viaReader.read(b, off, len);
    }
    try {
      int n = socket.read(direct.into(b, off, len));
      return n <= 0 ? -1 : n;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (RuntimeException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public int available() {
    return lim - pos + detected.available();
  }

  private int copyOut(byte[] b, int off, int len) {
    int n = Math.min(len, lim - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    return n;
  }
}
