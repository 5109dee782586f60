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
 */
public final class StreamFrameReader {
  /** What is allocated for a frame before its bytes arrive; larger frames grow as they do. */
  private final InputStream in;

  private final int maxFrameSize;
  private final byte[] word = new byte[4];

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
    int n = in.read(word, 0, 4);
    if (n < 0) {
      return null;
    }
    fill(word, n, 4);
    int length = Buffer.getInt(word, 0);
    if (length < 0 || length > maxFrameSize) {
      throw new WireException(
          "TTHeader Streaming frame of "
              + Integer.toUnsignedString(length)
              + " bytes exceeds the limit of "
              + maxFrameSize);
    }
    int total = length + 4;
    byte[] frame = EnvelopeReader.readRest(in, word, total, "frame");
    return StreamFrame.decode(frame, 0, total);
  }

  private void fill(byte[] b, int from, int to) throws IOException {
    while (from < to) {
      int r = in.read(b, from, to - from);
      if (r < 0) {
        throw new EOFException(
            "connection closed inside a frame (" + (to - from) + " bytes missing)");
      }
      from += r;
    }
  }
}
