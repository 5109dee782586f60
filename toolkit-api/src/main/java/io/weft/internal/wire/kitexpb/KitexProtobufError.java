package io.weft.internal.wire.kitexpb;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.weft.internal.wire.WireException;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The body of a Kitex Protobuf EXCEPTION message: Kitex's {@code ErrorProto { int32 TypeID = 1;
 * string Message = 2; }} ({@code kitex/pkg/remote/codec/protobuf/error.proto}). The type ids are
 * Thrift's {@code TApplicationException} types.
 *
 * @param typeId the error type, as {@code TApplicationException.getType()}
 * @param message the error text
 */
public record KitexProtobufError(int typeId, String message) {

  /** Appends the protobuf encoding. */
  public void encode(OutputStream out) throws IOException {
    CodedOutputStream cos = CodedOutputStream.newInstance(out, 64);
    if (typeId != 0) {
      cos.writeInt32(1, typeId);
    }
    if (!message.isEmpty()) {
      cos.writeString(2, message);
    }
    cos.flush();
  }

  /** Decodes an {@code ErrorProto}, skipping unknown fields. */
  public static KitexProtobufError decode(byte[] data, int offset, int length) {
    CodedInputStream in = CodedInputStream.newInstance(data, offset, length);
    int typeId = 0;
    String message = "";
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (tag) {
          case (1 << 3) -> typeId = in.readInt32();
          case (2 << 3) | 2 -> message = in.readStringRequireUtf8();
          default -> in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw new WireException("malformed Kitex Protobuf error: " + e.getMessage(), e);
    }
    return new KitexProtobufError(typeId, message);
  }
}
