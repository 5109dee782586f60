package io.weft.internal.wire.thrift;

import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Copies one Thrift Binary struct from a stream into a buffer without decoding it, to find where an
 * unframed message ends. Bounded in bytes (a length field is checked against what remains of the
 * budget before any byte is read for it) and in nesting depth.
 */
public final class ThriftSkipper {
  /** The deepest nesting of structs and containers accepted, as libthrift's default. */
  public static final int MAX_DEPTH = 64;

  private final InputStream in;
  private final Buffer out;
  private long budget;

  public ThriftSkipper(InputStream in, Buffer out, long budget) {
    this.in = in;
    this.out = out;
    this.budget = budget;
  }

  /** Copies one struct, up to and including its STOP byte. */
  public void skipStruct() throws IOException {
    skip(TType.STRUCT, 0);
  }

  private void skip(int type, int depth) throws IOException {
    switch (type) {
      case TType.BOOL, TType.BYTE -> copy(1);
      case TType.I16 -> copy(2);
      case TType.I32 -> copy(4);
      case TType.DOUBLE, TType.I64 -> copy(8);
      case TType.UUID -> copy(16);
      case TType.STRING -> {
        int len = copyInt();
        checkLength(len, 1, "string");
        copy(len);
      }
      case TType.STRUCT -> {
        checkDepth(depth);
        while (true) {
          int fieldType = copyByte();
          if (fieldType == TType.STOP) {
            return;
          }
          copy(2);
          skip(fieldType, depth + 1);
        }
      }
      case TType.MAP -> {
        checkDepth(depth);
        int keyType = copyByte();
        int valueType = copyByte();
        int count = copyInt();
        checkLength(count, 2, "map");
        for (int i = 0; i < count; i++) {
          skip(keyType, depth + 1);
          skip(valueType, depth + 1);
        }
      }
      case TType.SET, TType.LIST -> {
        checkDepth(depth);
        int elemType = copyByte();
        int count = copyInt();
        checkLength(count, 1, "list");
        for (int i = 0; i < count; i++) {
          skip(elemType, depth + 1);
        }
      }
      default -> throw new WireException("unknown Thrift type " + type + " in an unframed message");
    }
  }

  private void checkDepth(int depth) {
    if (depth >= MAX_DEPTH) {
      throw new WireException("Thrift message nests deeper than " + MAX_DEPTH);
    }
  }

  private void checkLength(int n, int minElementSize, String what) {
    if (n < 0 || (long) n * minElementSize > budget) {
      throw new WireException(
          "Thrift "
              + what
              + " length "
              + n
              + " is negative or exceeds the "
              + budget
              + " bytes left of the message limit");
    }
  }

  private int copyByte() throws IOException {
    spend(1);
    int b = in.read();
    if (b < 0) {
      throw new EOFException("connection closed inside an unframed Thrift message");
    }
    out.write(b);
    return b;
  }

  private int copyInt() throws IOException {
    int at = out.size();
    copy(4);
    return Buffer.getInt(out.array(), at);
  }

  private void copy(int n) throws IOException {
    spend(n);
    int done = 0;
    while (done < n) {
      // grow with the bytes that arrive, not with the length the message claims
      int chunk = Math.min(n - done, CHUNK);
      out.ensureWritable(chunk);
      int r = in.read(out.array(), out.size(), chunk);
      if (r < 0) {
        throw new EOFException("connection closed inside an unframed Thrift message");
      }
      out.advance(r);
      done += r;
    }
  }

  /** The most reserved in the output for one read. */
  private static final int CHUNK = 64 * 1024;

  private void spend(long n) {
    if (n > budget) {
      throw new WireException("unframed Thrift message exceeds the message size limit");
    }
    budget -= n;
  }

  /** Thrift's type ids (libthrift's {@code TType}, plus UUID). */
  static final class TType {
    static final int STOP = 0;
    static final int BOOL = 2;
    static final int BYTE = 3;
    static final int DOUBLE = 4;
    static final int I16 = 6;
    static final int I32 = 8;
    static final int I64 = 10;
    static final int STRING = 11;
    static final int STRUCT = 12;
    static final int MAP = 13;
    static final int SET = 14;
    static final int LIST = 15;
    static final int UUID = 16;

    private TType() {}
  }
}
