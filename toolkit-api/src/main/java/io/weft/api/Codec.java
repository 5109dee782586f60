package io.weft.api;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Turns one message type into bytes and back: the body of a call, without any envelope or framing
 * (the transport adds those). Generated code provides one per message type; users rarely write one.
 * Implementations are stateless and thread-safe.
 *
 * @param <T> the message type
 */
public interface Codec<T> {
  /** The encoding family, which picks the payload format on the wire. */
  Serialization serialization();

  /**
   * Appends the encoding of {@code value} to {@code out}. Transports pass their own buffer here; an
   * implementation may recognise it for a faster path, but must work with any stream.
   */
  void encode(T value, OutputStream out) throws IOException;

  /**
   * Decodes exactly {@code length} bytes at {@code offset}.
   *
   * @throws RpcException with {@link StatusCode#INTERNAL} if the bytes are not a valid encoding
   */
  T decode(byte[] data, int offset, int length);
}
