package io.weft.server.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.weft.api.Codec;
import io.weft.api.Serialization;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Hand-written protobuf codecs for the few messages the server's built-in services (health,
 * reflection) exchange; the server module cannot use generated code of its own (the generator is
 * built after it).
 */
final class ProtoCodecs {
  private ProtoCodecs() {}

  interface Writer<T> {
    void write(T value, CodedOutputStream out) throws IOException;
  }

  interface Reader<T> {
    T read(CodedInputStream in) throws IOException;
  }

  static <T> Codec<T> of(Writer<T> writer, Reader<T> reader) {
    return new Codec<>() {
      @Override
      public Serialization serialization() {
        return Serialization.PROTOBUF;
      }

      @Override
      public void encode(T value, OutputStream out) throws IOException {
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        writer.write(value, cos);
        cos.flush();
      }

      @Override
      public T decode(byte[] data, int offset, int length) {
        try {
          return reader.read(CodedInputStream.newInstance(data, offset, length));
        } catch (IOException | RuntimeException e) {
          throw Status.of(StatusCode.INTERNAL, "invalid protobuf: " + e.getMessage()).asException();
        }
      }
    };
  }

  /**
   * Reads a message whose only interesting field is string field {@code number}; others are
   * skipped.
   */
  static String readStringField(CodedInputStream in, int number) throws IOException {
    String value = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == (number << 3 | 2)) {
        value = in.readStringRequireUtf8();
      } else {
        in.skipField(tag);
      }
    }
    return value;
  }
}
