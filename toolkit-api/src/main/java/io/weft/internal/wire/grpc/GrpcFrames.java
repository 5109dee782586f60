package io.weft.internal.wire.grpc;

import io.weft.api.Codec;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Buffer;
import java.io.IOException;

/**
 * gRPC's length-prefixed messages: a flag byte (1 if compressed), a big-endian u32 length, then the
 * (possibly compressed) message.
 */
public final class GrpcFrames {
  private GrpcFrames() {}

  /** Bytes of the prefix. */
  public static final int PREFIX = 5;

  /**
   * Appends one framed message to {@code out}.
   *
   * @param gzip whether to compress it
   * @param maxSize the largest message the peer accepts
   * @throws io.weft.api.RpcException {@code RESOURCE_EXHAUSTED} if it is larger, {@code INTERNAL}
   *     if it cannot be encoded
   */
  public static <T> void write(Buffer out, Codec<T> codec, T message, boolean gzip, int maxSize) {
    int start = out.skip(PREFIX);
    try {
      codec.encode(message, out);
    } catch (IOException e) {
      throw Status.of(StatusCode.INTERNAL, "cannot encode message: " + e.getMessage())
          .withCause(e)
          .asException();
    }
    int length = out.size() - start - PREFIX;
    if (gzip) {
      byte[] raw = java.util.Arrays.copyOfRange(out.array(), start + PREFIX, out.size());
      out.truncate(start + PREFIX);
      GrpcCompression.gzip(raw, 0, raw.length, out);
      length = out.size() - start - PREFIX;
    }
    if (length > maxSize) {
      out.truncate(start);
      throw Status.of(
              StatusCode.RESOURCE_EXHAUSTED,
              "message of " + length + " bytes exceeds the peer's limit of " + maxSize)
          .asException();
    }
    out.array()[start] = (byte) (gzip ? 1 : 0);
    Buffer.putInt(out.array(), start + 1, length);
  }
}
