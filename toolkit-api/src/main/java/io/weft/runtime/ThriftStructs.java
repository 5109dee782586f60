package io.weft.runtime;

import io.weft.internal.wire.thrift.ThriftSkipper;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolException;
import org.apache.thrift.protocol.TProtocolUtil;

/**
 * Small helpers that generated Thrift structs call, kept here so that generated code stays short.
 * Not for hand-written code.
 */
public final class ThriftStructs {
  private ThriftStructs() {}

  /**
   * The remaining bytes of {@code b} as an array (libthrift reads {@code binary} as a ByteBuffer).
   */
  public static byte[] bytes(ByteBuffer b) {
    if (b.hasArray()
        && b.arrayOffset() == 0
        && b.position() == 0
        && b.remaining() == b.array().length) {
      return b.array();
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  /** Skips a field of an unknown id or unexpected type, bounded in nesting depth. */
  public static void skip(TProtocol in, byte type) throws TException {
    TProtocolUtil.skip(in, type, ThriftSkipper.MAX_DEPTH);
  }

  /** Fails a read or write whose required field is unset. */
  public static TProtocolException missingRequired(String field, String struct) {
    return new TProtocolException(
        TProtocolException.INVALID_DATA,
        "required field '" + field + "' of " + struct + " is unset");
  }

  /**
   * The error for writing a union with no field set: a peer could not tell which field it meant, so
   * it is refused at the writer, as Apache Thrift and Kitex do.
   */
  public static TProtocolException emptyUnion(String union) {
    return new TProtocolException(
        TProtocolException.INVALID_DATA,
        "union " + union + " has no field set; exactly one must be set to write it");
  }

  /** The text form of a binary value in {@code toString()}: hex, shortened past 128 bytes. */
  public static String hex(byte[] b) {
    if (b == null) {
      return "null";
    }
    if (b.length <= 128) {
      return HexFormat.of().formatHex(b);
    }
    return HexFormat.of().formatHex(Arrays.copyOf(b, 128)) + "...(" + b.length + " bytes)";
  }
}
