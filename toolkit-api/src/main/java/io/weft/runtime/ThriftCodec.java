package io.weft.runtime;

import io.weft.api.Codec;
import io.weft.api.Serialization;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.thrift.ThriftProtocols;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;
import org.apache.thrift.TException;

/**
 * The {@link Codec} of one Thrift struct type, in strict Thrift Binary. Stateless; generated code
 * holds one per {@code *_args} and {@code *_result} struct.
 */
public final class ThriftCodec<T extends ThriftStruct> implements Codec<T> {
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
      value.write(ThriftProtocols.writer(out));
    } catch (TException e) {
      throw new IOException(
          "cannot encode " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public T decode(byte[] data, int offset, int length) {
    T value = factory.get();
    try {
      value.read(ThriftProtocols.reader(data, offset, length));
    } catch (TException | RuntimeException e) {
      throw Status.of(
              StatusCode.INTERNAL,
              "cannot decode " + value.getClass().getSimpleName() + ": " + e.getMessage())
          .withCause(e)
          .asException();
    }
    return value;
  }
}
