package io.weft.internal.wire.ttheader;

import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import io.weft.internal.wire.thrift.ThriftProtocols;
import java.util.Map;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;

/**
 * One frame of TTHeader Streaming (Kitex StreamX, {@code pkg/remote/trans/ttstream/frame.go}): a
 * TTHeader packet with flag {@link TTHeader#FLAG_STREAMING}, the stream id as its sequence number,
 * protocol id {@code 0x10}, the frame type (int key 27, {@code "1"}..{@code "5"}) and the method
 * (int key 9). Header, meta and rst frames carry headers in the string block, trailer frames their
 * trailer; data frames carry a bare Thrift struct as payload, trailer and rst frames optionally a
 * strict Binary EXCEPTION envelope with a {@code TApplicationException}.
 *
 * <p>Immutable once built; the payload array is shared, not copied. A data frame laid out as Kitex
 * and Weft write them (the frame type and the method, nothing else) decodes without a {@link
 * TTHeader}: {@link #header()} builds its equal when asked.
 */
public final class StreamFrame {
  /** The frame types, numbered as Kitex numbers them. */
  public enum Type {
    META("1"),
    HEADER("2"),
    DATA("3"),
    TRAILER("4"),
    RST("5");

    private final String wire;

    Type(String wire) {
      this.wire = wire;
    }

    /** The wire value of int key 27. */
    public String wire() {
      return wire;
    }

    static Type of(String wire) {
      Type t =
          switch (wire) {
            case "1" -> META;
            case "2" -> HEADER;
            case "3" -> DATA;
            case "4" -> TRAILER;
            case "5" -> RST;
            case null, default -> null;
          };
      if (t == null) {
        throw new WireException("TTHeader Streaming frame has unknown frame type " + wire);
      }
      return t;
    }
  }

  /** The header string carrying the cancel path of an rst frame. */
  public static final String CANCEL_PATH = "ttscp";

  private static final byte[] NO_PAYLOAD = new byte[0];

  private static final int FIRST_SEND_BUFFER = 256;
  private static final int KEEP_SEND_BUFFER = 64 * 1024;

  /** The first bytes of a plain data frame's header block, after its size field. */
  private static final byte[] PLAIN_DATA_START = {
    TTHeader.PROTOCOL_THRIFT_STRUCT, // protocol id
    0, // no transforms
    TTHeader.INFO_INT_KEY_VALUE,
    0,
    2, // two int keys:
    0,
    IntKey.FRAME_TYPE,
    0,
    1,
    '3', // the data frame type,
    0,
    IntKey.TO_METHOD // then the method
  };

  /** Null for a plain data frame (see {@link #decodePlainData}): then the fields below say all. */
  private final TTHeader header;

  private final Type type;
  private final byte[] payload;
  private final int wireSize;
  private final int flags;
  private final int streamId;
  private final String method;

  private StreamFrame(TTHeader header, Type type, byte[] payload, int wireSize) {
    this.header = header;
    this.type = type;
    this.payload = payload;
    this.wireSize = wireSize;
    this.flags = header.flags();
    this.streamId = header.seqId();
    this.method = null;
  }

  private StreamFrame(int flags, int streamId, String method, byte[] payload, int wireSize) {
    this.header = null;
    this.type = Type.DATA;
    this.payload = payload;
    this.wireSize = wireSize;
    this.flags = flags;
    this.streamId = streamId;
    this.method = method;
  }

  /**
   * Method names of one connection's frames: the name of the last one, kept so that the data frames
   * of a method share one String. Confined to the connection's reader thread.
   */
  static final class MethodNames {
    private byte[] bytes = new byte[0];
    private String name = "";

    String of(byte[] b, int off, int len) {
      if (!java.util.Arrays.equals(b, off, off + len, bytes, 0, bytes.length)) {
        bytes = java.util.Arrays.copyOfRange(b, off, off + len);
        name = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
      }
      return name;
    }
  }

  /**
   * A new frame for stream {@code streamId} of {@code method}; {@code strings} become the string
   * block (headers, or the trailer), {@code payload} may be null.
   */
  public static StreamFrame of(
      Type type, int streamId, String method, Map<String, String> strings, byte[] payload) {
    return of(type, streamId, method, strings, null, payload);
  }

  /**
   * As {@link #of(Type, int, String, Map, byte[])}, with more int keys ({@code ints}, may be null)
   * after the frame type and the method.
   */
  public static StreamFrame of(
      Type type,
      int streamId,
      String method,
      Map<String, String> strings,
      Map<Integer, String> ints,
      byte[] payload) {
    TTHeader h =
        new TTHeader()
            .flags(TTHeader.FLAG_STREAMING)
            .seqId(streamId)
            .protocolId(TTHeader.PROTOCOL_THRIFT_STRUCT);
    h.intInfo().put(IntKey.FRAME_TYPE, type.wire());
    h.intInfo().put(IntKey.TO_METHOD, method);
    if (ints != null) {
      h.intInfo().putAll(ints);
    }
    if (strings != null) {
      h.strInfo().putAll(strings);
    }
    return new StreamFrame(h, type, payload == null ? NO_PAYLOAD : payload, -1);
  }

  /**
   * The encoded header of stream {@code streamId}'s data frames of {@code method}, for {@link
   * #beginData}: built once per stream, so that a data frame costs no maps or strings. The bytes
   * are those {@link #of} writes for a data frame without payload.
   */
  public static byte[] dataHeader(int streamId, String method) {
    return of(Type.DATA, streamId, method, null, null).toBytes();
  }

  /**
   * A stream's first send buffer, for {@link #beginData}: kept by the stream from send to send (see
   * {@link #keepsSendBuffer}), it grows to the stream's messages once, so a stream of small ones
   * holds little.
   */
  public static Buffer newSendBuffer() {
    return new Buffer(FIRST_SEND_BUFFER);
  }

  /** Whether a stream keeps {@code b} for its next send: not once it grew past 64 KiB. */
  public static boolean keepsSendBuffer(Buffer b) {
    return b.array().length <= KEEP_SEND_BUFFER;
  }

  /**
   * Appends the start of a data frame to {@code out}: {@code dataHeader} (see {@link #dataHeader}).
   * Append the payload (the encoded struct), then call {@link #finishData} with the position
   * returned.
   */
  public static int beginData(Buffer out, byte[] dataHeader) {
    int start = out.size();
    out.write(dataHeader, 0, dataHeader.length);
    return start;
  }

  /** Ends the data frame {@link #beginData} started at {@code start}: sets its LENGTH. */
  public static void finishData(Buffer out, int start) {
    TTHeader.finish(out, start);
  }

  /**
   * Decodes one whole frame (starting with its LENGTH field), as a {@link StreamFrameReader} read
   * it.
   *
   * @throws WireException if it is not a TTHeader Streaming frame Kitex would accept
   */
  public static StreamFrame decode(byte[] frame, int offset, int length) {
    return decode(frame, offset, length, null);
  }

  /** As {@link #decode(byte[], int, int)}, taking method names from {@code names} (may be null). */
  static StreamFrame decode(byte[] frame, int offset, int length, MethodNames names) {
    StreamFrame plain = decodePlainData(frame, offset, length, names);
    return plain != null ? plain : decodeWithHeader(frame, offset, length);
  }

  /** {@link #decode(byte[], int, int)} through {@link TTHeader#decode}, whatever the frame. */
  static StreamFrame decodeWithHeader(byte[] frame, int offset, int length) {
    TTHeader h = TTHeader.decode(frame, offset, length);
    if ((h.flags() & TTHeader.FLAG_STREAMING) == 0) {
      throw new WireException(
          "TTHeader frame without the streaming flag (flags " + h.flags() + ") on a stream");
    }
    if (h.transforms().length > 0) {
      throw new WireException("TTHeader Streaming frames carry no transforms");
    }
    Type type = Type.of(h.intInfo().get(IntKey.FRAME_TYPE));
    int p = h.payloadOffset(); // an index in frame, as offset is
    byte[] payload =
        p == offset + length ? NO_PAYLOAD : java.util.Arrays.copyOfRange(frame, p, offset + length);
    return new StreamFrame(h, type, payload, length);
  }

  /**
   * The data frame at {@code frame[offset, offset + length)} if it is laid out exactly as Kitex and
   * Weft write data frames: streaming flag, protocol {@code 0x10}, no transforms, one int-key block
   * with the frame type {@code "3"} then the method, the least padding. Null for anything else
   * (decoded by {@link TTHeader#decode}, which also gives every error): a frame read here is the
   * frame that decode would give, without its maps and strings.
   */
  private static StreamFrame decodePlainData(
      byte[] frame, int offset, int length, MethodNames names) {
    int s = offset + TTHeader.META_SIZE; // the header block
    int fixed = PLAIN_DATA_START.length + 2; // then the method's length
    if (length < TTHeader.META_SIZE + fixed
        || Buffer.getInt(frame, offset) != length - 4
        || Buffer.getUnsignedShort(frame, offset + 4) != TTHeader.MAGIC
        || !java.util.Arrays.equals(
            frame, s, s + PLAIN_DATA_START.length, PLAIN_DATA_START, 0, PLAIN_DATA_START.length)) {
      return null;
    }
    int flags = Buffer.getUnsignedShort(frame, offset + 6);
    int methodLength = Buffer.getUnsignedShort(frame, s + PLAIN_DATA_START.length);
    int used = fixed + methodLength;
    int headerSize = (used + 3) & ~3;
    int end = s + headerSize; // the payload's start
    if ((flags & TTHeader.FLAG_STREAMING) == 0
        || Buffer.getUnsignedShort(frame, offset + 12) * 4 != headerSize
        || headerSize > length - TTHeader.META_SIZE) {
      return null;
    }
    for (int i = s + used; i < end; i++) {
      if (frame[i] != 0) {
        return null;
      }
    }
    int m = s + fixed;
    String method =
        names != null
            ? names.of(frame, m, methodLength)
            : new String(frame, m, methodLength, java.nio.charset.StandardCharsets.UTF_8);
    byte[] payload =
        end == offset + length
            ? NO_PAYLOAD
            : java.util.Arrays.copyOfRange(frame, end, offset + length);
    return new StreamFrame(flags, Buffer.getInt(frame, offset + 8), method, payload, length);
  }

  public Type type() {
    return type;
  }

  public int streamId() {
    return streamId;
  }

  /** The method (int key 9), or "" when the frame names none. */
  public String method() {
    return header == null ? method : header.intInfo().getOrDefault(IntKey.TO_METHOD, "");
  }

  /**
   * The frame's TTHeader, for {@link TTHeaderCallMeta}'s readers (metadata, metainfo, deadline,
   * caller). Do not change it. A plain data frame's is built anew at each call.
   */
  public TTHeader header() {
    if (header != null) {
      return header;
    }
    TTHeader h =
        new TTHeader().flags(flags).seqId(streamId).protocolId(TTHeader.PROTOCOL_THRIFT_STRUCT);
    h.intInfo().put(IntKey.FRAME_TYPE, Type.DATA.wire());
    h.intInfo().put(IntKey.TO_METHOD, method);
    return h;
  }

  /** The int-key block: Kitex's own keys. */
  public Map<Integer, String> intInfo() {
    return java.util.Collections.unmodifiableMap(header().intInfo());
  }

  /** The string block: headers (meta, header, rst frames) or the trailer (trailer frames). */
  public Map<String, String> strings() {
    return java.util.Collections.unmodifiableMap(header().strInfo());
  }

  /**
   * The bytes the frame took on the wire, its LENGTH field included, for a frame {@link #decode}d;
   * -1 for one built to send.
   */
  public int wireSize() {
    return wireSize;
  }

  /** The payload; empty when the frame has none. Not a copy. */
  public byte[] payload() {
    return payload;
  }

  /**
   * Appends the encoded frame to {@code out}.
   *
   * @throws WireException if a header exceeds TTHeader's limits
   */
  public void encode(Buffer out) {
    int start = header().encode(out);
    out.write(payload, 0, payload.length);
    TTHeader.finish(out, start);
  }

  /** This frame encoded in a new array. */
  public byte[] toBytes() {
    Buffer b = new Buffer(64 + payload.length);
    encode(b);
    return b.toByteArray();
  }

  /**
   * The payload of a trailer or rst frame that ends stream {@code streamId} of {@code method} with
   * {@code e}: a strict Binary EXCEPTION envelope, as Kitex's {@code EncodeException} writes it.
   */
  public static byte[] exceptionPayload(String method, int streamId, TApplicationException e) {
    Buffer b = new Buffer(64 + method.length());
    TProtocol out = ThriftProtocols.writer(b);
    try {
      out.writeMessageBegin(new TMessage(method, TMessageType.EXCEPTION, streamId));
      e.write(out);
    } catch (TException ex) {
      throw new IllegalStateException("cannot encode " + e, ex); // a Buffer does not fail
    }
    return b.toByteArray();
  }

  /**
   * The exception in a trailer or rst frame's payload.
   *
   * @throws WireException if the payload is not a strict Binary EXCEPTION envelope
   */
  public static TApplicationException exception(byte[] payload) {
    try {
      TProtocol in = ThriftProtocols.reader(payload, 0, payload.length);
      TMessage m = in.readMessageBegin();
      if (m.type != TMessageType.EXCEPTION) {
        throw new WireException(
            "TTHeader Streaming exception payload has message type " + m.type + ", not EXCEPTION");
      }
      return TApplicationException.readFrom(in);
    } catch (TException | RuntimeException e) {
      if (e instanceof WireException w) {
        throw w;
      }
      throw new WireException(
          "TTHeader Streaming exception payload is malformed: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "StreamFrame{"
        + type
        + " sid="
        + streamId()
        + " method="
        + method()
        + " strings="
        + strings()
        + " payload="
        + payload.length
        + "}";
  }
}
