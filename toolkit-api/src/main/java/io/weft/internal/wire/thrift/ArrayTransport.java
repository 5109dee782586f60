package io.weft.internal.wire.thrift;

import org.apache.thrift.TConfiguration;
import org.apache.thrift.transport.TEndpointTransport;
import org.apache.thrift.transport.TTransportException;

/**
 * A read-only libthrift transport over a slice of a byte array. It exposes the array to the
 * protocol ({@link #getBuffer()}), so that {@code TBinaryProtocol} reads in place, and it bounds
 * every container and string length by the bytes that remain, so that a lying length field fails
 * before it allocates.
 */
public final class ArrayTransport extends TEndpointTransport {
  private final byte[] buf;
  private int pos;
  private final int end;

  /**
   * Reads {@code length} bytes of {@code buf} from {@code offset}; {@code config} sets libthrift's
   * limits.
   */
  public ArrayTransport(byte[] buf, int offset, int length, TConfiguration config)
      throws TTransportException {
    super(config);
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
    updateKnownMessageSize(length);
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void open() {}

  @Override
  public void close() {}

  @Override
  public int read(byte[] dst, int off, int len) throws TTransportException {
    int n = Math.min(len, end - pos);
    if (n <= 0 && len > 0) {
      throw new TTransportException(
          TTransportException.END_OF_FILE,
          "Thrift message truncated: " + len + " more bytes expected");
    }
    System.arraycopy(buf, pos, dst, off, n);
    pos += n;
    return n;
  }

  @Override
  public void write(byte[] src, int off, int len) throws TTransportException {
    throw new TTransportException("ArrayTransport is read-only");
  }

  @Override
  public byte[] getBuffer() {
    return buf;
  }

  @Override
  public int getBufferPosition() {
    return pos;
  }

  @Override
  public int getBytesRemainingInBuffer() {
    return end - pos;
  }

  @Override
  public void consumeBuffer(int len) {
    pos += len;
  }

  @Override
  public void checkReadBytesAvailable(long numBytes) throws TTransportException {
    if (numBytes < 0 || numBytes > end - pos) {
      throw new TTransportException(
          TTransportException.MESSAGE_SIZE_LIMIT,
          "Thrift length field claims " + numBytes + " bytes but only " + (end - pos) + " remain");
    }
  }

  /** Bytes not yet read. */
  public int remaining() {
    return end - pos;
  }
}
