package io.weft.wire.thrift;

import io.weft.api.Codec;
import io.weft.api.Serialization;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TTransportException;

/**
 * The {@link Codec} of one Thrift struct type, in strict Thrift Binary. Stateless; generated code
 * holds one per {@code *_args} and {@code *_result} struct.
 */
public final class ThriftCodec<T extends ThriftStruct> implements Codec<T> {
  /** Limits for decoding: no message over 2 GiB, nesting up to {@link ThriftSkipper#MAX_DEPTH}. */
  static final TConfiguration CONFIG =
      TConfiguration.custom()
          .setMaxMessageSize(Integer.MAX_VALUE)
          .setMaxFrameSize(Integer.MAX_VALUE)
          .setRecursionLimit(ThriftSkipper.MAX_DEPTH)
          .build();

  private final Supplier<T> factory;

  private ThriftCodec(Supplier<T> factory) {
    this.factory = factory;
  }

  /** The codec of the struct type that {@code factory} makes fresh instances of. */
  public static <T extends ThriftStruct> ThriftCodec<T> of(Supplier<T> factory) {
    return new ThriftCodec<>(factory);
  }

  @Override
  public Serialization serialization() {
    return Serialization.THRIFT;
  }

  @Override
  public void encode(T value, OutputStream out) throws IOException {
    try {
      value.write(new TBinaryProtocol(new OutputTransport(out)));
    } catch (TException e) {
      throw new IOException("cannot encode " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public T decode(byte[] data, int offset, int length) {
    T value = factory.get();
    try {
      value.read(new SafeBinaryProtocol(new ArrayTransport(data, offset, length, CONFIG)));
    } catch (TException | RuntimeException e) {
      throw Status.of(StatusCode.INTERNAL, "cannot decode " + value.getClass().getSimpleName() + ": " + e.getMessage())
          .withCause(e)
          .asException();
    }
    return value;
  }

  /**
   * A reading protocol over {@code data} with Weft's limits and its checked string lengths
   * ({@link SafeBinaryProtocol}): what every Thrift payload Weft reads goes through.
   */
  public static TProtocol reader(byte[] data, int offset, int length) {
    try {
      return new SafeBinaryProtocol(new ArrayTransport(data, offset, length, CONFIG));
    } catch (TTransportException e) {
      throw new IllegalStateException(e);
    }
  }
}
