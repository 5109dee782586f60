package io.weft.internal.wire.thrift;

import java.nio.charset.StandardCharsets;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocolException;
import org.apache.thrift.transport.TTransport;

/**
 * libthrift's {@link TBinaryProtocol} with its one unchecked length fixed: in 0.23.0, {@code
 * readString} takes its fast path for any length not above the bytes in the buffer, so a negative
 * length reaches {@code new String(...)} and throws {@code StringIndexOutOfBoundsException} instead
 * of a protocol error. Weft reads every Thrift payload with this class.
 */
final class SafeBinaryProtocol extends TBinaryProtocol {
  SafeBinaryProtocol(TTransport transport) {
    super(transport);
  }

  @Override
  public String readString() throws TException {
    int size = readI32();
    if (size < 0) {
      throw new TProtocolException(
          TProtocolException.NEGATIVE_SIZE, "negative string length " + size);
    }
    TTransport t = getTransport();
    if (t.getBytesRemainingInBuffer() >= size) {
      String s = new String(t.getBuffer(), t.getBufferPosition(), size, StandardCharsets.UTF_8);
      t.consumeBuffer(size);
      return s;
    }
    return readStringBody(size);
  }
}
