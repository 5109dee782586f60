package io.weft.internal.wire.ttheader;

import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads {@link StreamFrame}s off one TTHeader Streaming connection. A frame's LENGTH is checked
 * against {@code maxFrameSize} before anything is allocated for it, and the frame's array grows
 * with the bytes that arrive, not with what the length claims. Confined to the connection's reader
 * thread.
 *
 * <p>Reads go through a buffer of {@value #BUFFER} bytes: the frames of many streams that arrive
 * together (a peer's writer batches them) cost one system call, not two per frame, and a frame that
 * fits the buffer is decoded where it lies (only its payload is copied out). A larger frame is read
 * into an array of its own.
 */
public final class StreamFrameReader {
  /** The read buffer: many small frames, and every frame of up to this size, pass through it. */
  static final int BUFFER = 16 * 1024;

  private final InputStream in;
  private final int maxFrameSize;
  private final byte[] buf = new byte[BUFFER];
  private final StreamFrame.MethodNames names = new StreamFrame.MethodNames();
  private int pos;
  private int limit;

  public StreamFrameReader(InputStream in, int maxFrameSize) {
    this.in = in;
    this.maxFrameSize = maxFrameSize;
  }

  /**
   * Reads the next frame.
   *
   * @return the frame, or null if the stream ended cleanly before its first byte
   * @throws WireException if the bytes break the format or the size limit
   * @throws EOFException if the stream ends inside a frame
   */
  public StreamFrame read() throws IOException {
    if (!buffer(4, true)) {
      return null;
    }
    int length = Buffer.getInt(buf, pos);
    if (length < 0 || length > maxFrameSize) {
      throw new WireException(
          "TTHeader Streaming frame of "
              + Integer.toUnsignedString(length)
              + " bytes exceeds the limit of "
              + maxFrameSize);
    }
    int total = length + 4;
    if (total > BUFFER) {
      return StreamFrame.decode(readLarge(total), 0, total, names);
    }
    buffer(total, false);
    StreamFrame frame = StreamFrame.decode(buf, pos, total, names);
    pos += total;
    return frame;
  }

  /**
   * Makes at least {@code n} (at most {@link #BUFFER}) bytes available from {@code pos}, reading as
   * much as the socket has. False if the stream ended before any byte when {@code atBoundary}.
   */
  private boolean buffer(int n, boolean atBoundary) throws IOException {
    if (limit - pos >= n) {
      return true;
    }
    if (buf.length - pos < n) { // move the frame's start to the front to make room for its rest
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    while (limit - pos < n) {
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        if (atBoundary && limit == pos) {
          return false;
        }
        throw new EOFException(
            "connection closed inside a frame (" + (n - (limit - pos)) + " bytes missing)");
      }
      limit += r;
    }
    return true;
  }

  /**
   * A frame larger than the buffer, in an array of its own that grows with the bytes that arrive:
   * what the buffer holds of it, then the rest read straight from the socket.
   */
  private byte[] readLarge(int total) throws IOException {
    int have = limit - pos;
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, have);
    }
    pos = 0;
    limit = 0;
    return EnvelopeReader.readRest(in, buf, have, total, "frame");
  }
}
