package io.weft.internal.wire.thrift;

import java.io.OutputStream;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TTransportException;

/**
 * The Thrift Binary protocols Weft reads and writes with: every Thrift payload Weft reads goes
 * through {@link #reader}, with Weft's limits and its checked string lengths.
 */
public final class ThriftProtocols {
  /** Limits for decoding: no message over 2 GiB, nesting up to {@link ThriftSkipper#MAX_DEPTH}. */
  static final TConfiguration CONFIG =
      TConfiguration.custom()
          .setMaxMessageSize(Integer.MAX_VALUE)
          .setMaxFrameSize(Integer.MAX_VALUE)
          .setRecursionLimit(ThriftSkipper.MAX_DEPTH)
          .build();

  private ThriftProtocols() {}

  /** A reading protocol over {@code data} ({@link SafeBinaryProtocol}). */
  public static TProtocol reader(byte[] data, int offset, int length) {
    try {
      return new SafeBinaryProtocol(new ArrayTransport(data, offset, length, CONFIG));
    } catch (TTransportException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A writing protocol (strict Binary) onto {@code out}. */
  public static TProtocol writer(OutputStream out) {
    try {
      return new TBinaryProtocol(new OutputTransport(out));
    } catch (TTransportException e) {
      throw new IllegalStateException(e);
    }
  }
}
