package io.weft.internal.wire.ttheader;

import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The header of one TTHeader frame, Kitex's transport header: flags, sequence number, protocol id,
 * transforms, and three info blocks (int keys, string keys, ACL token). Mutable and unsynchronized:
 * one frame, one thread.
 *
 * <p>Layout (big-endian): {@code LENGTH u32 | MAGIC 0x1000 u16 | FLAGS u16 | SEQ u32 | HEADER_SIZE
 * u16 (in 4-byte words) | PROTOCOL_ID u8 | NUM_TRANSFORMS u8 | transform ids | info blocks | zero
 * padding to a multiple of 4 | payload}. LENGTH counts every byte after itself.
 *
 * <p>Decoding keeps the order in which the info blocks arrived so that re-encoding reproduces the
 * frame byte for byte; new headers are written in Kitex's order (ACL token, string keys, int keys).
 */
public final class TTHeader {
  public static final int MAGIC = 0x1000;

  /** Bytes before the variable part: length, magic, flags, sequence number, header size. */
  public static final int META_SIZE = 14;

  /** The largest header block: its size field is a u16 count of 4-byte words. */
  public static final int MAX_HEADER_SIZE = 4 * 0xFFFF;

  public static final int PROTOCOL_THRIFT_BINARY = 0x00;
  public static final int PROTOCOL_THRIFT_COMPACT = 0x02;
  public static final int PROTOCOL_THRIFT_COMPACT_V2 = 0x03;
  public static final int PROTOCOL_KITEX_PROTOBUF = 0x04;
  public static final int PROTOCOL_THRIFT_STRUCT = 0x10;
  public static final int PROTOCOL_PROTOBUF_STRUCT = 0x11;

  public static final int INFO_PADDING = 0x00;
  public static final int INFO_KEY_VALUE = 0x01;
  public static final int INFO_INT_KEY_VALUE = 0x10;
  public static final int INFO_ACL_TOKEN = 0x11;

  public static final int FLAG_SUPPORT_OUT_OF_ORDER = 0x01;
  public static final int FLAG_STREAMING = 0x02;
  public static final int FLAG_DUPLEX_REVERSE = 0x08;
  public static final int FLAG_SASL = 0x10;

  private static final byte[] NO_TRANSFORMS = new byte[0];
  private static final byte[] KITEX_ORDER = {INFO_ACL_TOKEN, INFO_KEY_VALUE, INFO_INT_KEY_VALUE};

  private int flags;
  private int seqId;
  private int protocolId;
  private byte[] transforms = NO_TRANSFORMS;
  private final Map<Integer, String> intInfo = new LinkedHashMap<>();
  private final Map<String, String> strInfo = new LinkedHashMap<>();
  private String aclToken;
  private byte[] infoOrder = KITEX_ORDER;
  private int payloadOffset;

  public int flags() {
    return flags;
  }

  public TTHeader flags(int flags) {
    this.flags = flags & 0xFFFF;
    return this;
  }

  public int seqId() {
    return seqId;
  }

  public TTHeader seqId(int seqId) {
    this.seqId = seqId;
    return this;
  }

  public int protocolId() {
    return protocolId;
  }

  public TTHeader protocolId(int protocolId) {
    this.protocolId = protocolId & 0xFF;
    return this;
  }

  /** The transform ids (Kitex sends none). */
  public byte[] transforms() {
    return transforms.clone();
  }

  /** The int-key info block; see {@link IntKey}. Mutable. */
  public Map<Integer, String> intInfo() {
    return intInfo;
  }

  /** The string-key info block; see {@link StrKey}. Mutable. */
  public Map<String, String> strInfo() {
    return strInfo;
  }

  /** The ACL token block, or null. */
  public String aclToken() {
    return aclToken;
  }

  public TTHeader aclToken(String token) {
    this.aclToken = token;
    return this;
  }

  /** After {@link #decode}: the index in the frame's array where the payload starts. */
  public int payloadOffset() {
    return payloadOffset;
  }

  /**
   * Decodes the header of one whole frame, {@code frame[offset, offset + length)}, which starts
   * with its LENGTH field. The payload follows at {@link #payloadOffset()}.
   *
   * @throws WireException if the frame is truncated, inconsistent or not TTHeader
   */
  public static TTHeader decode(byte[] frame, int offset, int length) {
    if (length < META_SIZE + 2) {
      throw new WireException(
          "TTHeader frame truncated: "
              + length
              + " bytes, the fixed part alone needs "
              + (META_SIZE + 2));
    }
    int declared = Buffer.getInt(frame, offset);
    if (declared < 0 || (long) declared + 4 != length) {
      throw new WireException(
          "TTHeader LENGTH "
              + Integer.toUnsignedString(declared)
              + " disagrees with the frame's "
              + (length - 4)
              + " bytes");
    }
    int magic = Buffer.getUnsignedShort(frame, offset + 4);
    if (magic != MAGIC) {
      throw new WireException(
          String.format("not TTHeader: magic 0x%04x, expected 0x%04x", magic, MAGIC));
    }
    TTHeader h = new TTHeader();
    h.flags = Buffer.getUnsignedShort(frame, offset + 6);
    h.seqId = Buffer.getInt(frame, offset + 8);
    int headerSize = Buffer.getUnsignedShort(frame, offset + 12) * 4;
    if (headerSize < 2) {
      throw new WireException(
          "TTHeader HEADER SIZE "
              + headerSize
              + " is too small for the protocol id and transform count");
    }
    int start = offset + META_SIZE;
    int end = start + headerSize;
    if (headerSize > length - META_SIZE) {
      throw new WireException(
          "TTHeader HEADER SIZE "
              + headerSize
              + " runs past the frame ("
              + (length - META_SIZE)
              + " bytes left)");
    }
    h.protocolId = frame[start] & 0xFF;
    checkProtocolId(h.protocolId);
    int numTransforms = frame[start + 1] & 0xFF;
    int p = start + 2;
    if (numTransforms > end - p) {
      throw new WireException(
          "TTHeader declares "
              + numTransforms
              + " transforms but the header has "
              + (end - p)
              + " bytes left");
    }
    if (numTransforms > 0) {
      h.transforms = java.util.Arrays.copyOfRange(frame, p, p + numTransforms);
      p += numTransforms;
    }
    byte[] order = new byte[3];
    int seen = 0;
    while (p < end) {
      int infoId = frame[p++] & 0xFF;
      switch (infoId) {
        case INFO_PADDING -> {
          // zero bytes pad the header to a multiple of 4; Kitex skips them wherever they are
        }
        case INFO_KEY_VALUE -> {
          int count = readU16(frame, p, end, "string info count");
          p += 2;
          for (int i = 0; i < count; i++) {
            String k = readString(frame, p, end, "string info key");
            p += 2 + Buffer.getUnsignedShort(frame, p);
            String v = readString(frame, p, end, "string info value");
            p += 2 + Buffer.getUnsignedShort(frame, p);
            h.strInfo.put(k, v);
          }
          seen = note(order, seen, INFO_KEY_VALUE);
        }
        case INFO_INT_KEY_VALUE -> {
          int count = readU16(frame, p, end, "int info count");
          p += 2;
          for (int i = 0; i < count; i++) {
            int k = readU16(frame, p, end, "int info key");
            p += 2;
            String v = readString(frame, p, end, "int info value");
            p += 2 + Buffer.getUnsignedShort(frame, p);
            h.intInfo.put(k, v);
          }
          seen = note(order, seen, INFO_INT_KEY_VALUE);
        }
        case INFO_ACL_TOKEN -> {
          h.aclToken = readString(frame, p, end, "ACL token");
          p += 2 + Buffer.getUnsignedShort(frame, p);
          seen = note(order, seen, INFO_ACL_TOKEN);
        }
        default ->
            throw new WireException(
                String.format("TTHeader info block has unknown id 0x%02x", infoId));
      }
    }
    if (seen > 0) {
      h.infoOrder = java.util.Arrays.copyOf(order, seen);
    }
    h.payloadOffset = end;
    return h;
  }

  /**
   * Writes this header (LENGTH left zero) to {@code out} and returns the position of the LENGTH
   * field; append the payload, then call {@link #finish}.
   *
   * @throws WireException if a string is longer than the u16 length fields allow, or the header
   *     block exceeds {@link #MAX_HEADER_SIZE}
   */
  public int encode(Buffer out) {
    int start = out.skip(4);
    out.writeShort(MAGIC).writeShort(flags).writeInt(seqId);
    int sizeField = out.skip(2);
    int headerStart = out.size();
    out.writeByte(protocolId).writeByte(transforms.length);
    out.write(transforms, 0, transforms.length);
    boolean acl = false;
    boolean str = false;
    boolean ints = false;
    for (byte id : infoOrder) {
      switch (id) {
        case INFO_ACL_TOKEN -> acl = writeAcl(out, acl);
        case INFO_KEY_VALUE -> str = writeStrInfo(out, str);
        case INFO_INT_KEY_VALUE -> ints = writeIntInfo(out, ints);
        default -> throw new IllegalStateException("info id " + id);
      }
    }
    for (byte id : KITEX_ORDER) {
      switch (id) {
        case INFO_ACL_TOKEN -> acl = writeAcl(out, acl);
        case INFO_KEY_VALUE -> str = writeStrInfo(out, str);
        default -> ints = writeIntInfo(out, ints);
      }
    }
    int headerSize = out.size() - headerStart;
    int padding = (4 - headerSize % 4) % 4;
    for (int i = 0; i < padding; i++) {
      out.write(0);
    }
    headerSize += padding;
    if (headerSize > MAX_HEADER_SIZE) {
      throw new WireException(
          "TTHeader header block of " + headerSize + " bytes exceeds " + MAX_HEADER_SIZE);
    }
    out.setShort(sizeField, headerSize / 4);
    return start;
  }

  /** Sets the LENGTH field at {@code start} to cover everything written since. */
  public static void finish(Buffer out, int start) {
    out.setInt(start, out.size() - start - 4);
  }

  private boolean writeAcl(Buffer out, boolean done) {
    if (!done && aclToken != null) {
      out.writeByte(INFO_ACL_TOKEN);
      writeString(out, aclToken);
    }
    return true;
  }

  private boolean writeStrInfo(Buffer out, boolean done) {
    if (!done && !strInfo.isEmpty()) {
      out.writeByte(INFO_KEY_VALUE).writeShort(checkCount(strInfo.size()));
      for (Map.Entry<String, String> e : strInfo.entrySet()) {
        writeString(out, e.getKey());
        writeString(out, e.getValue());
      }
    }
    return true;
  }

  private boolean writeIntInfo(Buffer out, boolean done) {
    if (!done && !intInfo.isEmpty()) {
      out.writeByte(INFO_INT_KEY_VALUE).writeShort(checkCount(intInfo.size()));
      for (Map.Entry<Integer, String> e : intInfo.entrySet()) {
        int key = e.getKey();
        if (key < 0 || key > 0xFFFF) {
          throw new WireException("TTHeader int key out of range: " + key);
        }
        out.writeShort(key);
        writeString(out, e.getValue());
      }
    }
    return true;
  }

  private static int checkCount(int n) {
    if (n > 0xFFFF) {
      throw new WireException("TTHeader info block has " + n + " entries, more than 65535");
    }
    return n;
  }

  private static void writeString(Buffer out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0xFFFF) {
      throw new WireException("TTHeader string of " + b.length + " bytes exceeds 65535");
    }
    out.writeShort(b.length);
    out.write(b, 0, b.length);
  }

  private static int note(byte[] order, int seen, int id) {
    for (int i = 0; i < seen; i++) {
      if (order[i] == id) {
        return seen;
      }
    }
    order[seen] = (byte) id;
    return seen + 1;
  }

  private static int readU16(byte[] b, int p, int end, String what) {
    if (end - p < 2) {
      throw new WireException("TTHeader " + what + " truncated");
    }
    return Buffer.getUnsignedShort(b, p);
  }

  private static String readString(byte[] b, int p, int end, String what) {
    int len = readU16(b, p, end, what + " length");
    if (len > end - p - 2) {
      throw new WireException(
          "TTHeader "
              + what
              + " of "
              + len
              + " bytes runs past the header ("
              + (end - p - 2)
              + " left)");
    }
    return new String(b, p + 2, len, StandardCharsets.UTF_8);
  }

  private static void checkProtocolId(int id) {
    switch (id) {
      case PROTOCOL_THRIFT_BINARY,
          PROTOCOL_THRIFT_COMPACT_V2,
          PROTOCOL_KITEX_PROTOBUF,
          PROTOCOL_THRIFT_STRUCT,
          PROTOCOL_PROTOBUF_STRUCT -> {}
      default ->
          throw new WireException(
              "TTHeader protocol id " + id + " is not supported (Kitex accepts 0, 3, 4, 16, 17)");
    }
  }

  @Override
  public String toString() {
    return "TTHeader{seq="
        + seqId
        + ", flags="
        + flags
        + ", protocol="
        + protocolId
        + ", int="
        + intInfo
        + ", str="
        + strInfo
        + (aclToken != null ? ", acl=" + aclToken : "")
        + "}";
  }
}
