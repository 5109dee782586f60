package io.weft.internal.wire.ttheader;

import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.ForeignProtocol;
import io.weft.internal.wire.WireException;
import io.weft.internal.wire.thrift.ThriftSkipper;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads whole messages off one connection's input stream, in the connection's {@link Framing}.
 * Every length read from the wire is checked against {@code maxFrameSize} before anything is
 * allocated for it. Confined to the connection's reader thread.
 */
public final class EnvelopeReader {
  /** The longest method name accepted (Kitex has no limit; Thrift names are short). */
  public static final int MAX_NAME_LENGTH = 4096;

  private static final int THRIFT_VERSION_1 = 0x80010000;
  private static final int KITEX_PROTOBUF_V1 = 0x90010000;
  private static final int VERSION_MASK = 0xFFFF0000;

  private final InputStream in;
  private final int maxFrameSize;
  private final byte[] word = new byte[4];

  /** What is allocated for a frame before its bytes arrive; larger frames grow as they do. */
  private static final int EAGER_BYTES = 64 * 1024;

  public EnvelopeReader(InputStream in, int maxFrameSize) {
    this.in = in;
    this.maxFrameSize = maxFrameSize;
  }

  /**
   * Reads the next message.
   *
   * @return the message, or null if the stream ended cleanly before its first byte
   * @throws WireException if the bytes break the format or a limit
   * @throws EOFException if the stream ends inside a message
   */
  public Envelope read(Framing framing) throws IOException {
    if (!readWordOrEnd()) {
      return null;
    }
    return switch (framing) {
      case TTHEADER, TTHEADER_FRAMED -> readTTHeader();
      case FRAMED -> readFramed();
      case BUFFERED -> readBuffered();
    };
  }

  private Envelope readTTHeader() throws IOException {
    byte[] frame = readFrameBody();
    TTHeader header = TTHeader.decode(frame, 0, frame.length);
    if (header.transforms().length > 0) {
      throw new WireException(
          "TTHeader transforms are not supported (got " + header.transforms().length + ")");
    }
    int p = header.payloadOffset();
    int end = frame.length;
    if (end - p < 8) {
      throw new WireException(
          "TTHeader payload of " + (end - p) + " bytes is too short for any message");
    }
    int first = Buffer.getInt(frame, p);
    if ((first & VERSION_MASK) == THRIFT_VERSION_1) {
      return parseThrift(Framing.TTHEADER, header, frame, p, end);
    }
    int second = Buffer.getInt(frame, p + 4);
    if ((second & VERSION_MASK) == THRIFT_VERSION_1) {
      checkInnerLength(first, end - p - 4);
      return parseThrift(Framing.TTHEADER_FRAMED, header, frame, p + 4, end);
    }
    if ((second & VERSION_MASK) == KITEX_PROTOBUF_V1) {
      checkInnerLength(first, end - p - 4);
      return parseKitexProtobuf(Framing.TTHEADER, header, frame, p + 4, end);
    }
    throw new WireException(
        String.format(
            "invalid TTHeader payload (first4Bytes=%#x, second4Bytes=%#x)", first, second));
  }

  private Envelope readFramed() throws IOException {
    byte[] frame = readFrameBody();
    int end = frame.length;
    if (end < 12) {
      throw new WireException(
          "framed message of " + (end - 4) + " bytes is too short for any message");
    }
    int first = Buffer.getInt(frame, 4);
    if ((first & VERSION_MASK) == THRIFT_VERSION_1) {
      return parseThrift(Framing.FRAMED, null, frame, 4, end);
    }
    if ((first & VERSION_MASK) == KITEX_PROTOBUF_V1) {
      return parseKitexProtobuf(Framing.FRAMED, null, frame, 4, end);
    }
    throw new WireException(String.format("invalid framed payload (first4Bytes=%#x)", first));
  }

  private Envelope readBuffered() throws IOException {
    int version = Buffer.getInt(word, 0);
    if ((version & VERSION_MASK) != THRIFT_VERSION_1) {
      refuseForeign("a Thrift message");
      throw new WireException(
          String.format("bad Thrift Binary version %#x, expected strict 0x8001", version));
    }
    int nameLength = readInt();
    checkNameLength(nameLength, maxFrameSize);
    byte[] name = new byte[nameLength];
    readFully(name, 0, nameLength);
    int seqId = readInt();
    Buffer body = new Buffer(256);
    new ThriftSkipper(in, body, maxFrameSize - 12 - nameLength).skipStruct();
    return new Envelope(
        Framing.BUFFERED,
        null,
        PayloadFormat.THRIFT_BINARY,
        version & 0xFF,
        new String(name, StandardCharsets.UTF_8),
        seqId,
        body.toByteArray(),
        0,
        body.size());
  }

  /** Reads the frame whose LENGTH is in {@link #word}; returns LENGTH followed by the frame. */
  private byte[] readFrameBody() throws IOException {
    int length = Buffer.getInt(word, 0);
    if (length < 0 || length > maxFrameSize) {
      refuseForeign("a frame length");
      throw new WireException(
          "frame of "
              + Integer.toUnsignedString(length)
              + " bytes exceeds the limit of "
              + maxFrameSize);
    }
    return readRest(in, word, 4, length + 4, "message");
  }

  /**
   * The frame whose first {@code have} bytes (its LENGTH, maybe more; fewer than {@value
   * #EAGER_BYTES}) are in {@code start} and whose whole size, LENGTH included, is {@code total}:
   * the rest read from {@code in}. It allocates for what arrives, not for what the length claims,
   * so a 4-byte header alone cannot make a connection hold the limit.
   *
   * @param what what the frame is, for the error when the connection closes inside it
   */
  static byte[] readRest(InputStream in, byte[] start, int have, int total, String what)
      throws IOException {
    byte[] frame = new byte[Math.min(total, EAGER_BYTES)];
    System.arraycopy(start, 0, frame, 0, have);
    int filled = have;
    while (filled < total) {
      if (filled == frame.length) {
        frame = java.util.Arrays.copyOf(frame, (int) Math.min(total, (long) frame.length * 2));
      }
      int n = in.read(frame, filled, frame.length - filled);
      if (n < 0) {
        throw new EOFException(
            "connection closed inside a " + what + " (" + (total - filled) + " bytes missing)");
      }
      filled += n;
    }
    return frame;
  }

  /**
   * Throws if the word read where a frame (or an unframed message) was due starts a TLS record or
   * an HTTP/1.x response: a peer of another protocol, which the message then names.
   */
  private void refuseForeign(String expected) {
    String foreign = ForeignProtocol.describe(word, 0, word.length);
    if (foreign != null) {
      throw new WireException(
          "the peer sent "
              + foreign
              + " where "
              + expected
              + " was due (first bytes "
              + java.util.HexFormat.of().formatHex(word)
              + ")");
    }
  }

  private static Envelope parseThrift(Framing framing, TTHeader header, byte[] b, int p, int end) {
    int version = Buffer.getInt(b, p);
    if (end - p < 12) {
      throw new WireException("Thrift message truncated: " + (end - p) + " bytes");
    }
    int nameLength = Buffer.getInt(b, p + 4);
    checkNameLength(nameLength, end - p - 12);
    String name = new String(b, p + 8, nameLength, StandardCharsets.UTF_8);
    int seqId = Buffer.getInt(b, p + 8 + nameLength);
    int body = p + 12 + nameLength;
    return new Envelope(
        framing,
        header,
        PayloadFormat.THRIFT_BINARY,
        version & 0xFF,
        name,
        seqId,
        b,
        body,
        end - body);
  }

  private static Envelope parseKitexProtobuf(
      Framing framing, TTHeader header, byte[] b, int p, int end) {
    if (end - p < 12) {
      throw new WireException("Kitex Protobuf message truncated: " + (end - p) + " bytes");
    }
    int magic = Buffer.getInt(b, p);
    int nameLength = Buffer.getInt(b, p + 4);
    checkNameLength(nameLength, end - p - 12);
    String name = new String(b, p + 8, nameLength, StandardCharsets.UTF_8);
    int seqId = Buffer.getInt(b, p + 8 + nameLength);
    int body = p + 12 + nameLength;
    return new Envelope(
        framing,
        header,
        PayloadFormat.KITEX_PROTOBUF,
        magic & 0xFFFF,
        name,
        seqId,
        b,
        body,
        end - body);
  }

  private static void checkInnerLength(int declared, int available) {
    if (declared != available) {
      throw new WireException(
          "inner payload length "
              + Integer.toUnsignedString(declared)
              + " disagrees with the "
              + available
              + " bytes that follow");
    }
  }

  private static void checkNameLength(int length, int available) {
    if (length < 0 || length > MAX_NAME_LENGTH || length > available) {
      throw new WireException(
          "method name length "
              + length
              + " is negative, over "
              + MAX_NAME_LENGTH
              + " or past the message end");
    }
  }

  private boolean readWordOrEnd() throws IOException {
    int n = in.read(word, 0, 4);
    if (n < 0) {
      return false;
    }
    if (n < 4) {
      readFully(word, n, 4 - n);
    }
    return true;
  }

  private int readInt() throws IOException {
    readFully(word, 0, 4);
    return Buffer.getInt(word, 0);
  }

  private void readFully(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = in.read(b, off, len);
      if (n < 0) {
        throw new EOFException("connection closed inside a message (" + len + " bytes missing)");
      }
      off += n;
      len -= n;
    }
  }
}
