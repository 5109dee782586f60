package io.weft.runtime;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.weft.api.Codec;
import io.weft.api.Serialization;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Buffer;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The {@link Codec} of one protobuf message type. Stateless; generated code holds one per message
 * type.
 */
public final class ProtobufCodec<T extends MessageLite> implements Codec<T> {
  private final Parser<T> parser;

  private ProtobufCodec(Parser<T> parser) {
    this.parser = parser;
  }

  /**
   * The codec of the messages {@code parser} parses, e.g. {@code
   * ProtobufCodec.of(Request.parser())}.
   */
  public static <T extends MessageLite> ProtobufCodec<T> of(Parser<T> parser) {
    return new ProtobufCodec<>(parser);
  }

  @Override
  public Serialization serialization() {
    return Serialization.PROTOBUF;
  }

  @Override
  public void encode(T value, OutputStream out) throws IOException {
    if (out instanceof Buffer b) {
      int size = value.getSerializedSize();
      b.ensureWritable(size);
      CodedOutputStream cos = CodedOutputStream.newInstance(b.array(), b.size(), size);
      value.writeTo(cos);
      cos.checkNoSpaceLeft();
      b.advance(size);
    } else {
      value.writeTo(out);
    }
  }

  @Override
  public T decode(byte[] data, int offset, int length) {
    try {
      return parser.parseFrom(data, offset, length);
    } catch (InvalidProtocolBufferException e) {
      throw Status.of(StatusCode.INTERNAL, "invalid protobuf: " + e.getMessage())
          .withCause(e)
          .asException();
    }
  }
}
