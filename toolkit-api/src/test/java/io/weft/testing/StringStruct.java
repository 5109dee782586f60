package io.weft.testing;

import io.weft.api.Codec;
import io.weft.api.Serialization;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A hand-written codec, for tests of the server and client that use no generated code: a Thrift
 * struct holding one string field with the given id, {@code 0x0b id:i16 length:i32 bytes 0x00}
 * (field 1 is a request's {@code _args} struct, field 0 a response's {@code _result} struct).
 * Anything else fails with INTERNAL, as a generated codec would.
 */
public final class StringStruct implements Codec<String> {
  private final short fieldId;

  public StringStruct(int fieldId) {
    this.fieldId = (short) fieldId;
  }

  @Override
  public Serialization serialization() {
    return Serialization.THRIFT;
  }

  @Override
  public void encode(String value, OutputStream out) throws IOException {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    out.write(new byte[] {11, (byte) (fieldId >> 8), (byte) fieldId});
    out.write(
        new byte[] {
          (byte) (b.length >>> 24),
          (byte) (b.length >>> 16),
          (byte) (b.length >>> 8),
          (byte) b.length
        });
    out.write(b);
    out.write(0);
  }

  @Override
  public String decode(byte[] data, int offset, int length) {
    boolean ok =
        length >= 8
            && data[offset] == 11
            && ((data[offset + 1] & 0xff) << 8 | (data[offset + 2] & 0xff)) == fieldId
            && Buffer.getInt(data, offset + 3) == length - 8
            && data[offset + length - 1] == 0;
    if (!ok) {
      throw Status.of(StatusCode.INTERNAL, "not a struct of one string field " + fieldId)
          .asException();
    }
    return new String(data, offset + 7, length - 8, StandardCharsets.UTF_8);
  }

  /** The encoding of {@code value}, as bytes. */
  public byte[] bytes(String value) {
    Buffer out = new Buffer();
    try {
      encode(value, out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
