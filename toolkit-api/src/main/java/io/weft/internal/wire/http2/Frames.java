package io.weft.internal.wire.http2;

import io.weft.internal.wire.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 frames (RFC 9113 section 4 and 6) appended to a {@link Buffer}: the only place Weft lays
 * out a frame's bytes, for client and server alike. Stateless.
 */
public final class Frames {
  public static final int DATA = 0x0;
  public static final int HEADERS = 0x1;
  public static final int PRIORITY = 0x2;
  public static final int RST_STREAM = 0x3;
  public static final int SETTINGS = 0x4;
  public static final int PUSH_PROMISE = 0x5;
  public static final int PING = 0x6;
  public static final int GOAWAY = 0x7;
  public static final int WINDOW_UPDATE = 0x8;
  public static final int CONTINUATION = 0x9;

  public static final int FLAG_END_STREAM = 0x1;
  public static final int FLAG_ACK = 0x1;
  public static final int FLAG_END_HEADERS = 0x4;
  public static final int FLAG_PADDED = 0x8;
  public static final int FLAG_PRIORITY = 0x20;

  /** The length of a frame header. */
  public static final int HEADER_LENGTH = 9;

  /** The client connection preface (section 3.4). */
  public static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private Frames() {}

  /** Appends a frame header; returns where the payload starts. */
  public static int header(Buffer b, int length, int type, int flags, int streamId) {
    b.ensureWritable(HEADER_LENGTH);
    int at = b.size();
    byte[] a = b.array();
    a[at] = (byte) (length >>> 16);
    a[at + 1] = (byte) (length >>> 8);
    a[at + 2] = (byte) length;
    a[at + 3] = (byte) type;
    a[at + 4] = (byte) flags;
    Buffer.putInt(a, at + 5, streamId & 0x7FFFFFFF);
    b.advance(HEADER_LENGTH);
    return at + HEADER_LENGTH;
  }

  /**
   * Writes a frame header over the 9 bytes at {@code at} (reserved earlier with {@link
   * Buffer#skip}).
   */
  public static void headerAt(byte[] a, int at, int length, int type, int flags, int streamId) {
    a[at] = (byte) (length >>> 16);
    a[at + 1] = (byte) (length >>> 8);
    a[at + 2] = (byte) length;
    a[at + 3] = (byte) type;
    a[at + 4] = (byte) flags;
    Buffer.putInt(a, at + 5, streamId & 0x7FFFFFFF);
  }

  /**
   * Appends a header block as one HEADERS frame and, past {@code maxFrame} bytes, CONTINUATION
   * frames (section 6.10: nothing else may come between them, which the caller's ordering ensures).
   */
  public static void headers(
      Buffer b, int streamId, byte[] block, int off, int len, boolean endStream, int maxFrame) {
    int first = Math.min(maxFrame, len);
    header(
        b,
        first,
        HEADERS,
        (endStream ? FLAG_END_STREAM : 0) | (first == len ? FLAG_END_HEADERS : 0),
        streamId);
    b.write(block, off, first);
    int done = first;
    while (done < len) {
      int n = Math.min(maxFrame, len - done);
      header(b, n, CONTINUATION, done + n == len ? FLAG_END_HEADERS : 0, streamId);
      b.write(block, off + done, n);
      done += n;
    }
  }

  /**
   * Appends DATA frames of at most {@code maxFrame} bytes carrying {@code len} bytes (one empty
   * frame if 0); END_STREAM on the last if asked.
   */
  public static void data(
      Buffer b, int streamId, byte[] data, int off, int len, boolean endStream, int maxFrame) {
    int done = 0;
    do {
      int n = Math.min(maxFrame, len - done);
      header(b, n, DATA, done + n == len && endStream ? FLAG_END_STREAM : 0, streamId);
      if (n > 0) {
        b.write(data, off + done, n);
      }
      done += n;
    } while (done < len);
  }

  public static void rstStream(Buffer b, int streamId, ErrorCode code) {
    header(b, 4, RST_STREAM, 0, streamId);
    b.writeInt(code.code());
  }

  public static void windowUpdate(Buffer b, int streamId, int increment) {
    header(b, 4, WINDOW_UPDATE, 0, streamId);
    b.writeInt(increment);
  }

  public static void ping(Buffer b, boolean ack, long opaque) {
    header(b, 8, PING, ack ? FLAG_ACK : 0, 0);
    b.writeLong(opaque);
  }

  public static void settingsAck(Buffer b) {
    header(b, 0, SETTINGS, FLAG_ACK, 0);
  }

  /**
   * Appends a GOAWAY frame; {@code debug} (may be empty) is for people reading a capture, never for
   * machines.
   */
  public static void goAway(Buffer b, int lastStreamId, ErrorCode code, String debug) {
    byte[] d = debug.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(d.length, 256);
    header(b, 8 + n, GOAWAY, 0, 0);
    b.writeInt(lastStreamId & 0x7FFFFFFF);
    b.writeInt(code.code());
    b.write(d, 0, n);
  }
}
