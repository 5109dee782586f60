package io.weft.wire.grpc;

import io.weft.wire.Buffer;

/** HTTP/2 frames (RFC 9113 section 4) written into a {@link Buffer}, for Weft's client and server alike. */
public final class H2Frames {
  public static final int DATA = 0x0;
  public static final int HEADERS = 0x1;
  public static final int RST_STREAM = 0x3;
  public static final int SETTINGS = 0x4;
  public static final int PING = 0x6;
  public static final int WINDOW_UPDATE = 0x8;
  public static final int CONTINUATION = 0x9;
  public static final int END_STREAM = 0x1;
  public static final int END_HEADERS = 0x4;
  /** The length of a frame header. */
  public static final int HEADER = 9;

  private H2Frames() {}

  /** Appends a frame header; returns where the payload starts. */
  public static int header(Buffer b, int length, int type, int flags, int streamId) {
    int at = b.size();
    b.writeByte(length >>> 16).writeByte(length >>> 8).writeByte(length);
    b.writeByte(type).writeByte(flags).writeInt(streamId & 0x7FFFFFFF);
    return at + HEADER;
  }

  /** Appends a header block as HEADERS and, past {@code maxFrame} bytes, CONTINUATION frames. */
  public static void headers(Buffer b, int streamId, byte[] block, int blockLength, boolean endStream, int maxFrame) {
    int first = Math.min(maxFrame, blockLength);
    header(b, first, HEADERS, (endStream ? END_STREAM : 0) | (first == blockLength ? END_HEADERS : 0), streamId);
    b.write(block, 0, first);
    int off = first;
    while (off < blockLength) {
      int n = Math.min(maxFrame, blockLength - off);
      header(b, n, CONTINUATION, off + n == blockLength ? END_HEADERS : 0, streamId);
      b.write(block, off, n);
      off += n;
    }
  }

  /** Appends DATA frames of at most {@code maxFrame} bytes carrying {@code len} bytes; END_STREAM on the last if asked. */
  public static void data(Buffer b, int streamId, byte[] data, int off, int len, boolean endStream, int maxFrame) {
    int done = 0;
    do {
      int n = Math.min(maxFrame, len - done);
      header(b, n, DATA, done + n == len && endStream ? END_STREAM : 0, streamId);
      b.write(data, off + done, n);
      done += n;
    } while (done < len);
  }

  /** Appends a RST_STREAM frame. */
  public static void rstStream(Buffer b, int streamId, int errorCode) {
    header(b, 4, RST_STREAM, 0, streamId);
    b.writeInt(errorCode);
  }

  /** Appends a WINDOW_UPDATE frame. */
  public static void windowUpdate(Buffer b, int streamId, int increment) {
    header(b, 4, WINDOW_UPDATE, 0, streamId);
    b.writeInt(increment);
  }
}
