package io.weft.client;

import io.weft.api.Codec;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.Serialization;
import io.weft.api.ServiceDefinition;
import io.weft.internal.wire.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A hand-built gRPC service of opaque byte messages, for tests that need messages of a chosen size
 * without generated code: {@code test.Blobs}, Protobuf-serialized as far as the wire says.
 */
final class Blobs {
  static final String SERVICE = "test.Blobs";

  /** Messages as they are: the bytes are the encoding. */
  static final Codec<byte[]> BYTES =
      new Codec<>() {
        @Override
        public Serialization serialization() {
          return Serialization.PROTOBUF;
        }

        @Override
        public void encode(byte[] value, OutputStream out) throws IOException {
          out.write(value);
        }

        @Override
        public byte[] decode(byte[] data, int offset, int length) {
          return Arrays.copyOfRange(data, offset, offset + length);
        }
      };

  /**
   * Unary: the reply is as long as the request's first four bytes say (0 for a shorter request).
   */
  static final MethodDescriptor<byte[], byte[]> SIZED = method("Sized", MethodKind.UNARY);

  /** Client streaming: the reply is empty, once the client has closed its side. */
  static final MethodDescriptor<byte[], byte[]> UPLOAD =
      method("Upload", MethodKind.CLIENT_STREAMING);

  /** Bidi streaming: each message answered with a message sized as {@link #SIZED} says. */
  static final MethodDescriptor<byte[], byte[]> CHAT = method("Chat", MethodKind.BIDI_STREAMING);

  private Blobs() {}

  private static MethodDescriptor<byte[], byte[]> method(String name, MethodKind kind) {
    return MethodDescriptor.<byte[], byte[]>builder()
        .serviceName("Blobs")
        .fullServiceName(SERVICE)
        .methodName(name)
        .kind(kind)
        .requestCodec(BYTES)
        .responseCodec(BYTES)
        .build();
  }

  /** A request of {@code bytes} bytes asking for a reply of {@code replySize} bytes. */
  static byte[] request(int bytes, int replySize) {
    byte[] b = new byte[Math.max(4, bytes)];
    Buffer.putInt(b, 0, replySize);
    return b;
  }

  private static byte[] reply(byte[] request) {
    return new byte[request.length < 4 ? 0 : Buffer.getInt(request, 0)];
  }

  /** The service. */
  static ServiceDefinition service() {
    return ServiceDefinition.builder("Blobs", SERVICE)
        .unary(SIZED, Blobs::reply)
        .clientStreaming(
            UPLOAD,
            stream -> {
              for (byte[] ignored : stream) {
                // read everything the client sends
              }
              stream.sendAndClose(new byte[0]);
            })
        .bidiStreaming(
            CHAT,
            stream -> {
              for (byte[] m : stream) {
                stream.send(reply(m));
              }
            })
        .build();
  }
}
