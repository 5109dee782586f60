package io.weft.internal.wire.http2;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** A connection over a {@link Socket}'s streams (plain or TLS): a client's, or a test's. */
public final class SocketTransport implements Http2Connection.Transport {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public SocketTransport(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return in.read(b, off, len);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closed already, or failing: either way, closed
    }
  }
}
