package io.weft.internal.wire.ttheader;

import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import java.nio.charset.StandardCharsets;

/**
 * Writes one message into a {@link Buffer}: {@link #begin} writes the framing, TTHeader and message
 * envelope, the caller's codec appends the body, and {@link #finish} fills in the length fields.
 * One writer per message; not thread-safe.
 */
public final class EnvelopeWriter {
  private final Buffer out;
  private final Framing framing;
  private final int maxFrameSize;
  private int outerStart = -1;
  private int innerStart = -1;

  public EnvelopeWriter(Buffer out, Framing framing, int maxFrameSize) {
    this.out = out;
    this.framing = framing;
    this.maxFrameSize = maxFrameSize;
  }

  /**
   * Writes everything before the body.
   *
   * @param header the TTHeader for {@link Framing#TTHEADER} and {@link Framing#TTHEADER_FRAMED};
   *     ignored otherwise. Its sequence id is set to {@code seqId}.
   */
  public EnvelopeWriter begin(
      TTHeader header, PayloadFormat format, int messageType, String name, int seqId) {
    switch (framing) {
      case TTHEADER, TTHEADER_FRAMED -> {
        header.seqId(seqId);
        outerStart = header.encode(out);
        if (framing == Framing.TTHEADER_FRAMED || format == PayloadFormat.KITEX_PROTOBUF) {
          innerStart = out.skip(4);
        }
      }
      case FRAMED -> outerStart = out.skip(4);
      case BUFFERED -> {
        if (format != PayloadFormat.THRIFT_BINARY) {
          throw new IllegalArgumentException(
              "Kitex Protobuf needs a length: use TTHeader or Framed");
        }
      }
    }
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    if (format == PayloadFormat.THRIFT_BINARY) {
      out.writeInt(0x80010000 | (messageType & 0xFF));
    } else {
      out.writeInt(0x90010000 | (messageType & 0xFFFF));
    }
    out.writeInt(nameBytes.length);
    out.write(nameBytes, 0, nameBytes.length);
    out.writeInt(seqId);
    return this;
  }

  /**
   * Fills in the length fields once the body is written.
   *
   * @throws WireException if the message exceeds {@code maxFrameSize}
   */
  public void finish() {
    int start = outerStart >= 0 ? outerStart : 0;
    int size = out.size() - start - (outerStart >= 0 ? 4 : 0);
    if (size > maxFrameSize) {
      throw new WireException("message of " + size + " bytes exceeds the limit of " + maxFrameSize);
    }
    if (innerStart >= 0) {
      out.setInt(innerStart, out.size() - innerStart - 4);
    }
    if (outerStart >= 0) {
      out.setInt(outerStart, out.size() - outerStart - 4);
    }
  }
}
