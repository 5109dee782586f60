package io.weft.server.internal;

import io.helidon.common.buffers.BufferData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;

/**
 * A target for {@link io.helidon.common.socket.HelidonSocket#read}: the range of the engine's own
 * read buffer, so that a plain socket's bytes land there directly (Helidon's {@code DataReader}
 * would copy each read twice and allocate for it). Helidon's plain socket only ever calls {@link
 * #readFrom(InputStream)} on it; nothing else is supported. Confined to the connection's reader.
 */
final class DirectRead implements BufferData {
  private byte[] bytes;
  private int off;
  private int len;

  /** Aims the next read at {@code b[off, off + len)}. */
  DirectRead into(byte[] b, int off, int len) {
    this.bytes = b;
    this.off = off;
    this.len = len;
    return this;
  }

  @Override
  public int readFrom(InputStream in) {
    try {
      return in.read(bytes, off, len);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException(
        "a read target only: HelidonSocket.read fills it through readFrom(InputStream)");
  }

  @Override
  public int readFrom(ByteBuffer buf) {
    throw unsupported();
  }

  @Override
  public BufferData reset() {
    throw unsupported();
  }

  @Override
  public BufferData rewind() {
    throw unsupported();
  }

  @Override
  public BufferData clear() {
    throw unsupported();
  }

  @Override
  public void writeTo(OutputStream out) {
    throw unsupported();
  }

  @Override
  public int read() {
    throw unsupported();
  }

  @Override
  public int read(byte[] bytes, int position, int length) {
    throw unsupported();
  }

  @Override
  public String readString(int length, Charset charset) {
    throw unsupported();
  }

  @Override
  public boolean consumed() {
    throw unsupported();
  }

  @Override
  public BufferData write(int value) {
    throw unsupported();
  }

  @Override
  public int writeTo(ByteBuffer writeBuffer, int length) {
    throw unsupported();
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    throw unsupported();
  }

  @Override
  public void write(BufferData toWrite, int length) {
    throw unsupported();
  }

  @Override
  public String debugDataBinary() {
    return "DirectRead";
  }

  @Override
  public String debugDataHex(boolean fullBuffer) {
    return "DirectRead";
  }

  @Override
  public int available() {
    return 0;
  }

  @Override
  public void skip(int length) {
    throw unsupported();
  }

  @Override
  public int indexOf(byte aByte) {
    throw unsupported();
  }

  @Override
  public int lastIndexOf(byte aByte, int length) {
    throw unsupported();
  }

  @Override
  public BufferData trim(int x) {
    throw unsupported();
  }

  @Override
  public int capacity() {
    return len;
  }

  @Override
  public int get(int index) {
    throw unsupported();
  }
}
