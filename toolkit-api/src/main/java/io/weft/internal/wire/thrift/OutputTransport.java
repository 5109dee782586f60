package io.weft.internal.wire.thrift;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.thrift.transport.TEndpointTransport;
import org.apache.thrift.transport.TTransportException;

/**
 * A write-only libthrift transport that appends to an {@link OutputStream} (usually a Weft {@code
 * Buffer}).
 */
public final class OutputTransport extends TEndpointTransport {
  private final OutputStream out;

  public OutputTransport(OutputStream out) throws TTransportException {
    super(ThriftProtocols.CONFIG);
    this.out = out;
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
  public int read(byte[] buf, int off, int len) throws TTransportException {
    throw new TTransportException("OutputTransport is write-only");
  }

  @Override
  public void write(byte[] buf, int off, int len) throws TTransportException {
    try {
      out.write(buf, off, len);
    } catch (IOException e) {
      throw new TTransportException(e);
    }
  }
}
