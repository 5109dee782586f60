package io.weft.internal.wire;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array that encoders append to, big-endian, with random access for patching length
 * fields after the fact. Unsynchronized: one encoder owns it at a time. It is an {@link
 * OutputStream} so that any codec can write to it; codecs that recognise it write straight into
 * {@link #array()}.
 */
public final class Buffer extends OutputStream {
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

  /**
   * A first capacity that holds a typical request or reply frame (headers plus a payload of a KiB
   * or so) without growing: every growth is an allocation and a copy.
   */
  public static final int TYPICAL_FRAME = 2048;

  private byte[] bytes;
  private int size;

  public Buffer() {
    this(256);
  }

  public Buffer(int initialCapacity) {
    bytes = new byte[Math.max(16, initialCapacity)];
  }

  /** The backing array; bytes {@code [0, size())} are the content. Valid until the next write. */
  public byte[] array() {
    return bytes;
  }

  public int size() {
    return size;
  }

  /** Empties the buffer, keeping its capacity. */
  public void reset() {
    size = 0;
  }

  /** Drops everything from {@code newSize} on. */
  public void truncate(int newSize) {
    if (newSize < 0 || newSize > size) {
      throw new IndexOutOfBoundsException(newSize);
    }
    size = newSize;
  }

  /** Makes room for {@code extra} more bytes without growing again. */
  public void ensureWritable(int extra) {
    int need = size + extra;
    if (need < 0 || need > MAX_ARRAY) {
      throw new WireException("message too large to encode: " + ((long) size + extra) + " bytes");
    }
    if (need > bytes.length) {
      int cap = bytes.length;
      while (cap < need) {
        cap = cap > MAX_ARRAY / 2 ? MAX_ARRAY : cap * 2;
      }
      bytes = Arrays.copyOf(bytes, cap);
    }
  }

  /** Reserves {@code n} bytes to be filled in later; returns their position. */
  public int skip(int n) {
    ensureWritable(n);
    int at = size;
    size += n;
    return at;
  }

  /**
   * Advances the size after the caller wrote {@code n} bytes into {@link #array()} at {@link
   * #size()}.
   */
  public void advance(int n) {
    if (n < 0 || size + n > bytes.length) {
      throw new IndexOutOfBoundsException(n);
    }
    size += n;
  }

  @Override
  public void write(int b) {
    ensureWritable(1);
    bytes[size++] = (byte) b;
  }

  @Override
  public void write(byte[] src, int off, int len) {
    ensureWritable(len);
    System.arraycopy(src, off, bytes, size, len);
    size += len;
  }

  public Buffer writeByte(int v) {
    write(v);
    return this;
  }

  public Buffer writeShort(int v) {
    ensureWritable(2);
    bytes[size++] = (byte) (v >>> 8);
    bytes[size++] = (byte) v;
    return this;
  }

  public Buffer writeInt(int v) {
    ensureWritable(4);
    putInt(bytes, size, v);
    size += 4;
    return this;
  }

  public Buffer writeLong(long v) {
    ensureWritable(8);
    for (int i = 7; i >= 0; i--) {
      bytes[size++] = (byte) (v >>> (i * 8));
    }
    return this;
  }

  /** Writes the UTF-8 bytes of {@code s}, with no length. */
  public Buffer writeUtf8(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    write(b, 0, b.length);
    return this;
  }

  /** Overwrites 4 bytes at {@code pos}. */
  public void setInt(int pos, int v) {
    if (pos < 0 || pos + 4 > size) {
      throw new IndexOutOfBoundsException(pos);
    }
    putInt(bytes, pos, v);
  }

  /** Overwrites 2 bytes at {@code pos}. */
  public void setShort(int pos, int v) {
    if (pos < 0 || pos + 2 > size) {
      throw new IndexOutOfBoundsException(pos);
    }
    bytes[pos] = (byte) (v >>> 8);
    bytes[pos + 1] = (byte) v;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  /** Reads a big-endian int at {@code pos} of {@code b}. */
  public static int getInt(byte[] b, int pos) {
    return (b[pos] & 0xff) << 24
        | (b[pos + 1] & 0xff) << 16
        | (b[pos + 2] & 0xff) << 8
        | (b[pos + 3] & 0xff);
  }

  /** Reads a big-endian unsigned short at {@code pos} of {@code b}. */
  public static int getUnsignedShort(byte[] b, int pos) {
    return (b[pos] & 0xff) << 8 | (b[pos + 1] & 0xff);
  }

  /** Writes a big-endian int at {@code pos} of {@code b}. */
  public static void putInt(byte[] b, int pos, int v) {
    b[pos] = (byte) (v >>> 24);
    b[pos + 1] = (byte) (v >>> 16);
    b[pos + 2] = (byte) (v >>> 8);
    b[pos + 3] = (byte) v;
  }
}
