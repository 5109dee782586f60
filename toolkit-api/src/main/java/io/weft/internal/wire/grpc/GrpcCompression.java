package io.weft.internal.wire.grpc;

import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Buffer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Message compression as gRPC negotiates it: {@code identity} and {@code gzip}. */
public final class GrpcCompression {
  private GrpcCompression() {}

  public static final String IDENTITY = "identity";
  public static final String GZIP = "gzip";

  /**
   * What Weft sends in {@code grpc-accept-encoding}. "identity" is listed because a Kitex gRPC
   * server answers with the first listed encoding it has a compressor for, and fails the call ("no
   * kitex compressor registered") when it has none and "identity" is not listed; Kitex registers no
   * gzip compressor by default.
   */
  public static final String ACCEPT = "gzip,identity";

  /** Whether Weft can decode messages compressed with {@code encoding}. */
  public static boolean supported(String encoding) {
    return encoding == null || encoding.equals(IDENTITY) || encoding.equals(GZIP);
  }

  /**
   * Whether {@code acceptEncoding} (a {@code grpc-accept-encoding} value) lists {@code encoding}.
   */
  public static boolean accepts(String acceptEncoding, String encoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String e : acceptEncoding.split(",")) {
      if (e.strip().equals(encoding)) {
        return true;
      }
    }
    return false;
  }

  /** Gzips {@code len} bytes into {@code out}. */
  public static void gzip(byte[] data, int off, int len, Buffer out) {
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
      gz.write(data, off, len);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Gunzips a message, refusing to inflate past {@code maxSize} bytes.
   *
   * @throws io.weft.api.RpcException {@code RESOURCE_EXHAUSTED} past the limit, {@code INTERNAL}
   *     for bad data
   */
  public static byte[] gunzip(byte[] data, int off, int len, int maxSize) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data, off, len), 8192)) {
      Buffer out = new Buffer(Math.min(maxSize, Math.max(256, len * 4)));
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) > 0) {
        if ((long) out.size() + n > maxSize) {
          throw Status.of(
                  StatusCode.RESOURCE_EXHAUSTED,
                  "decompressed message exceeds the limit of " + maxSize + " bytes")
              .asException();
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw Status.of(StatusCode.INTERNAL, "cannot decompress message: " + e.getMessage())
          .withCause(e)
          .asException();
    }
  }
}
