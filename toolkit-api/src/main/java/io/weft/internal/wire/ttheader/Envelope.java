package io.weft.internal.wire.ttheader;

/**
 * One message as it came off a socket connection: its framing and TTHeader (if any), its payload
 * format, the message envelope (type, method name, sequence id), and where its body (the encoded
 * struct or protobuf message) lies. Immutable; the body array belongs to this envelope.
 *
 * @param framing how it was delimited
 * @param header its TTHeader, or null for Framed and unframed Thrift
 * @param format its payload format
 * @param messageType 1 CALL, 2 REPLY, 3 EXCEPTION, 4 ONEWAY
 * @param name the method name
 * @param seqId the sequence id of the message envelope
 * @param buffer the array holding the body
 * @param bodyOffset where the body starts in {@code buffer}
 * @param bodyLength the body's length
 */
public record Envelope(
    Framing framing,
    TTHeader header,
    PayloadFormat format,
    int messageType,
    String name,
    int seqId,
    byte[] buffer,
    int bodyOffset,
    int bodyLength) {

  public static final int CALL = 1;
  public static final int REPLY = 2;
  public static final int EXCEPTION = 3;
  public static final int ONEWAY = 4;

  /** The whole size of the message on the wire, framing included (for statistics). */
  public int wireSize() {
    return buffer.length;
  }
}
