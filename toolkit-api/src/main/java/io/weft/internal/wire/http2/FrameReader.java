package io.weft.internal.wire.http2;

import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.ForeignProtocol;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads HTTP/2 frames from a connection and hands each, checked, to a {@link Handler}: frame sizes
 * against our SETTINGS_MAX_FRAME_SIZE, the stream ids and lengths section 6 fixes per type,
 * padding, and header blocks reassembled from HEADERS and CONTINUATION frames within limits on
 * their bytes and their frame count (empty CONTINUATION frames included: CVE-2024-27316). Nothing
 * is allocated for a length read from the wire before it is checked. Confined to the connection's
 * reader thread.
 *
 * <p>Payloads handed to the handler are views into the read buffer, valid only during the call.
 */
final class FrameReader {
  /** Where a connection's bytes come from. */
  @FunctionalInterface
  interface Source {
    /**
     * Reads at least one byte into {@code b}, blocking until there is one; -1 at the end of the
     * stream.
     */
    int read(byte[] b, int off, int len) throws IOException;
  }

  /**
   * What the connection does with each frame; a thrown {@link Http2Exception} is its verdict on the
   * frame.
   */
  interface Handler {
    void data(int streamId, byte[] b, int off, int len, int flowLength, boolean endStream)
        throws Http2Exception;

    /**
     * A complete header block; {@code selfDependent} when its priority names its own stream (a
     * stream error, after decoding).
     */
    void headers(
        int streamId, byte[] block, int off, int len, boolean endStream, boolean selfDependent)
        throws Http2Exception;

    void priority(int streamId, int dependency) throws Http2Exception;

    void rstStream(int streamId, int errorCode) throws Http2Exception;

    void settings(boolean ack, byte[] b, int off, int len) throws Http2Exception;

    void pushPromise(int streamId) throws Http2Exception;

    void ping(boolean ack, long opaque) throws Http2Exception;

    void goAway(int lastStreamId, int errorCode, String debug) throws Http2Exception;

    void windowUpdate(int streamId, int increment) throws Http2Exception;
  }

  private final Source source;
  private final int maxFrameSize;
  private final int maxBlockBytes;
  private final int maxBlockFrames;
  private final byte[] buf;
  private int pos;
  private int limit;

  // a header block in progress (HEADERS without END_HEADERS, then CONTINUATION)
  private int blockStream;
  private boolean blockEndStream;
  private boolean blockSelfDependent;
  private int blockFrames;
  private byte[] block;
  private int blockLength;

  /**
   * @param maxFrameSize our SETTINGS_MAX_FRAME_SIZE: a longer frame is a connection error
   * @param maxBlockBytes the most bytes one header block may take over all its frames
   * @param maxBlockFrames the most frames (HEADERS plus CONTINUATIONs) one header block may take
   */
  FrameReader(Source source, int maxFrameSize, int maxBlockBytes, int maxBlockFrames) {
    this.source = source;
    this.maxFrameSize = maxFrameSize;
    this.maxBlockBytes = maxBlockBytes;
    this.maxBlockFrames = maxBlockFrames;
    this.buf = new byte[maxFrameSize + Frames.HEADER_LENGTH];
  }

  /**
   * Reads the client connection preface (section 3.4).
   *
   * @throws Http2Exception a PROTOCOL_ERROR if the bytes differ
   */
  void readPreface() throws IOException, Http2Exception {
    if (!fill(Frames.PREFACE.length, true)) {
      throw new EOFException("the connection closed before the HTTP/2 preface");
    }
    if (!Arrays.equals(
        buf, pos, pos + Frames.PREFACE.length, Frames.PREFACE, 0, Frames.PREFACE.length)) {
      throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "invalid connection preface");
    }
    pos += Frames.PREFACE.length;
  }

  /**
   * What the peer's first bytes are when they are plainly another protocol (a TLS record, an
   * HTTP/1.x response; see {@link ForeignProtocol}), else null. Reads up to a frame header's worth,
   * or to the end of the stream; consumes nothing.
   */
  String foreignStart() throws IOException {
    while (limit - pos < Frames.HEADER_LENGTH) {
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
      }
      int r = source.read(buf, limit, buf.length - limit);
      if (r < 0) {
        break;
      }
      limit += r;
    }
    return ForeignProtocol.describe(buf, pos, limit - pos);
  }

  /** Whether a whole frame is already buffered, so that the next {@link #next} will not block. */
  boolean hasBufferedFrame() {
    if (limit - pos < Frames.HEADER_LENGTH) {
      return false;
    }
    return limit - pos >= Frames.HEADER_LENGTH + length(pos);
  }

  /** The type of the next frame, reading its header if needed; -1 at a clean end of the stream. */
  int peekType() throws IOException {
    if (!fill(Frames.HEADER_LENGTH, true)) {
      return -1;
    }
    return buf[pos + 3] & 0xFF;
  }

  /**
   * Reads one frame and hands it to {@code h}; false at a clean end of the stream (between frames).
   *
   * @throws Http2Exception the frame's verdict (the frame has been consumed either way)
   * @throws IOException the connection failed or ended inside a frame
   */
  boolean next(Handler h) throws IOException, Http2Exception {
    if (!fill(Frames.HEADER_LENGTH, true)) {
      if (blockStream != 0) {
        throw new EOFException("the connection closed inside a header block");
      }
      return false;
    }
    int length = length(pos);
    int type = buf[pos + 3] & 0xFF;
    int flags = buf[pos + 4] & 0xFF;
    int streamId = Buffer.getInt(buf, pos + 5) & 0x7FFFFFFF;
    if (length > maxFrameSize) {
      throw Http2Exception.connection(
          ErrorCode.FRAME_SIZE_ERROR,
          "a frame of type "
              + type
              + " has "
              + length
              + " bytes, over SETTINGS_MAX_FRAME_SIZE "
              + maxFrameSize);
    }
    fill(Frames.HEADER_LENGTH + length, false);
    int p = pos + Frames.HEADER_LENGTH;
    pos = p + length; // the frame is consumed whatever happens next
    if (blockStream != 0 && type != Frames.CONTINUATION) {
      throw Http2Exception.connection(
          ErrorCode.PROTOCOL_ERROR,
          "a frame of type "
              + type
              + " inside the header block of stream "
              + blockStream
              + " (only CONTINUATION may follow)");
    }
    switch (type) {
      case Frames.DATA -> data(h, p, length, flags, streamId);
      case Frames.HEADERS -> headers(h, p, length, flags, streamId);
      case Frames.PRIORITY -> {
        requireStream(streamId, "PRIORITY");
        if (length != 5) {
          throw Http2Exception.stream(
              streamId,
              ErrorCode.FRAME_SIZE_ERROR,
              "PRIORITY frame of " + length + " bytes, not 5");
        }
        h.priority(streamId, Buffer.getInt(buf, p) & 0x7FFFFFFF);
      }
      case Frames.RST_STREAM -> {
        requireStream(streamId, "RST_STREAM");
        requireLength(length, 4, "RST_STREAM");
        h.rstStream(streamId, Buffer.getInt(buf, p));
      }
      case Frames.SETTINGS -> {
        requireConnection(streamId, "SETTINGS");
        boolean ack = (flags & Frames.FLAG_ACK) != 0;
        if (ack && length != 0) {
          throw Http2Exception.connection(
              ErrorCode.FRAME_SIZE_ERROR, "SETTINGS ACK with a " + length + "-byte payload");
        }
        if (length % 6 != 0) {
          throw Http2Exception.connection(
              ErrorCode.FRAME_SIZE_ERROR,
              "SETTINGS frame of " + length + " bytes, not a multiple of 6");
        }
        h.settings(ack, buf, p, length);
      }
      case Frames.PUSH_PROMISE -> h.pushPromise(streamId);
      case Frames.PING -> {
        requireLength(length, 8, "PING");
        requireConnection(streamId, "PING");
        h.ping((flags & Frames.FLAG_ACK) != 0, getLong(p));
      }
      case Frames.GOAWAY -> {
        requireConnection(streamId, "GOAWAY");
        if (length < 8) {
          throw Http2Exception.connection(
              ErrorCode.FRAME_SIZE_ERROR, "GOAWAY frame of " + length + " bytes, under 8");
        }
        String debug =
            new String(
                buf, p + 8, Math.min(length - 8, 256), java.nio.charset.StandardCharsets.UTF_8);
        h.goAway(Buffer.getInt(buf, p) & 0x7FFFFFFF, Buffer.getInt(buf, p + 4), debug);
      }
      case Frames.WINDOW_UPDATE -> {
        requireLength(length, 4, "WINDOW_UPDATE");
        h.windowUpdate(streamId, Buffer.getInt(buf, p) & 0x7FFFFFFF);
      }
      case Frames.CONTINUATION -> continuation(h, p, length, flags, streamId);
      default -> {
        // section 5.5: frames of unknown types are ignored
      }
    }
    return true;
  }

  private void data(Handler h, int p, int length, int flags, int streamId) throws Http2Exception {
    requireStream(streamId, "DATA");
    int off = p;
    int end = p + length;
    if ((flags & Frames.FLAG_PADDED) != 0) {
      if (length < 1) {
        throw Http2Exception.connection(
            ErrorCode.FRAME_SIZE_ERROR, "padded DATA frame without a pad length");
      }
      int pad = buf[p] & 0xFF;
      off++;
      end -= pad;
      if (end < off) {
        throw Http2Exception.connection(
            ErrorCode.PROTOCOL_ERROR,
            "DATA padding of " + pad + " bytes fills the " + length + "-byte frame");
      }
    }
    h.data(streamId, buf, off, end - off, length, (flags & Frames.FLAG_END_STREAM) != 0);
  }

  private void headers(Handler h, int p, int length, int flags, int streamId)
      throws Http2Exception {
    requireStream(streamId, "HEADERS");
    int off = p;
    int end = p + length;
    if ((flags & Frames.FLAG_PADDED) != 0) {
      if (length < 1) {
        throw Http2Exception.connection(
            ErrorCode.FRAME_SIZE_ERROR, "padded HEADERS frame without a pad length");
      }
      end -= buf[p] & 0xFF;
      off++;
    }
    boolean selfDependent = false;
    if ((flags & Frames.FLAG_PRIORITY) != 0) {
      if (end - off < 5) {
        throw Http2Exception.connection(
            ErrorCode.FRAME_SIZE_ERROR, "HEADERS frame too short for its priority fields");
      }
      selfDependent = (Buffer.getInt(buf, off) & 0x7FFFFFFF) == streamId;
      off += 5;
    }
    if (end < off) {
      throw Http2Exception.connection(
          ErrorCode.PROTOCOL_ERROR, "HEADERS padding longer than the frame");
    }
    boolean endStream = (flags & Frames.FLAG_END_STREAM) != 0;
    if ((flags & Frames.FLAG_END_HEADERS) != 0) {
      h.headers(streamId, buf, off, end - off, endStream, selfDependent);
      return;
    }
    blockStream = streamId;
    blockEndStream = endStream;
    blockSelfDependent = selfDependent;
    blockFrames = 1;
    blockLength = 0;
    append(off, end - off);
  }

  private void continuation(Handler h, int p, int length, int flags, int streamId)
      throws Http2Exception {
    if (blockStream == 0 || streamId != blockStream) {
      throw Http2Exception.connection(
          ErrorCode.PROTOCOL_ERROR,
          blockStream == 0
              ? "CONTINUATION on stream " + streamId + " without a header block in progress"
              : "CONTINUATION on stream "
                  + streamId
                  + " inside the header block of stream "
                  + blockStream);
    }
    if (++blockFrames > maxBlockFrames) {
      throw Http2Exception.connection(
          ErrorCode.ENHANCE_YOUR_CALM,
          "a header block of more than " + maxBlockFrames + " frames on stream " + streamId);
    }
    append(p, length);
    if ((flags & Frames.FLAG_END_HEADERS) != 0) {
      int id = blockStream;
      blockStream = 0;
      byte[] b = block;
      if (b.length > 64 * 1024) {
        block = null; // a big block's buffer is not kept for the connection's life
      }
      h.headers(id, b, 0, blockLength, blockEndStream, blockSelfDependent);
    }
  }

  private void append(int off, int len) throws Http2Exception {
    if (blockLength + len > maxBlockBytes) {
      throw Http2Exception.connection(
          ErrorCode.ENHANCE_YOUR_CALM,
          "a header block of more than " + maxBlockBytes + " bytes on stream " + blockStream);
    }
    if (block == null) {
      block = new byte[Math.max(1024, blockLength + len)];
    } else if (blockLength + len > block.length) {
      block =
          Arrays.copyOf(
              block, Math.min(maxBlockBytes, Math.max(block.length * 2, blockLength + len)));
    }
    System.arraycopy(buf, off, block, blockLength, len);
    blockLength += len;
  }

  private static void requireStream(int streamId, String type) throws Http2Exception {
    if (streamId == 0) {
      throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, type + " frame on stream 0");
    }
  }

  private static void requireConnection(int streamId, String type) throws Http2Exception {
    if (streamId != 0) {
      throw Http2Exception.connection(
          ErrorCode.PROTOCOL_ERROR, type + " frame on stream " + streamId + ", not 0");
    }
  }

  private static void requireLength(int length, int expected, String type) throws Http2Exception {
    if (length != expected) {
      throw Http2Exception.connection(
          ErrorCode.FRAME_SIZE_ERROR, type + " frame of " + length + " bytes, not " + expected);
    }
  }

  private int length(int at) {
    return (buf[at] & 0xFF) << 16 | (buf[at + 1] & 0xFF) << 8 | (buf[at + 2] & 0xFF);
  }

  private long getLong(int at) {
    return (long) Buffer.getInt(buf, at) << 32 | (Buffer.getInt(buf, at + 4) & 0xFFFFFFFFL);
  }

  /**
   * Makes {@code n} bytes available at {@code pos}, reading as much as the source has each time;
   * false if the stream ends before any of them (when {@code endAllowed}).
   */
  private boolean fill(int n, boolean endAllowed) throws IOException {
    if (limit - pos >= n) {
      return true;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    while (limit < n) {
      int r = source.read(buf, limit, buf.length - limit);
      if (r < 0) {
        if (limit == 0 && endAllowed) {
          return false;
        }
        throw new EOFException("the connection closed inside a frame");
      }
      limit += r;
    }
    return true;
  }
}
