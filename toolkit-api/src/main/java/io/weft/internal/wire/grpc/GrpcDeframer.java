package io.weft.internal.wire.grpc;

import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reassembles gRPC messages from DATA frames of any size. The length prefix is checked against the
 * limit before anything is allocated for it; compressed messages are inflated with the stream's
 * {@code grpc-encoding}. Confined to the thread that feeds it.
 */
public final class GrpcDeframer {
  private final int maxMessageSize;
  private final String encoding;
  private final byte[] prefix = new byte[GrpcFrames.PREFIX];
  private int prefixFill;

  /** What is allocated for a message before its bytes arrive. */
  private static final int EAGER_BYTES = 64 * 1024;

  private byte[] message;
  private int messageLength;
  private int messageFill;
  private boolean compressed;
  private int lastWireLength;

  /**
   * @param maxMessageSize the largest message accepted, compressed or not
   * @param encoding the stream's {@code grpc-encoding}, or null for none
   */
  public GrpcDeframer(int maxMessageSize, String encoding) {
    this.maxMessageSize = maxMessageSize;
    this.encoding = encoding;
  }

  /**
   * Consumes {@code len} bytes, passing each completed message (decompressed) to {@code sink}.
   *
   * @throws io.weft.api.RpcException {@code RESOURCE_EXHAUSTED} for a message over the limit,
   *     {@code INTERNAL} for a bad flag, a compressed message without an encoding, or bad gzip data
   */
  public void feed(byte[] data, int off, int len, Consumer<byte[]> sink) {
    int end = off + len;
    while (off < end) {
      if (message == null) {
        int n = Math.min(GrpcFrames.PREFIX - prefixFill, end - off);
        System.arraycopy(data, off, prefix, prefixFill, n);
        prefixFill += n;
        off += n;
        if (prefixFill < GrpcFrames.PREFIX) {
          return;
        }
        prefixFill = 0;
        int flag = prefix[0] & 0xFF;
        if (flag > 1) {
          throw Status.of(StatusCode.INTERNAL, "invalid gRPC message flag " + flag).asException();
        }
        compressed = flag == 1;
        if (compressed && (encoding == null || encoding.equals(GrpcCompression.IDENTITY))) {
          throw Status.of(StatusCode.INTERNAL, "compressed message without a grpc-encoding")
              .asException();
        }
        long length = Integer.toUnsignedLong(io.weft.internal.wire.Buffer.getInt(prefix, 1));
        if (length > maxMessageSize) {
          throw Status.of(
                  StatusCode.RESOURCE_EXHAUSTED,
                  "message of " + length + " bytes exceeds the limit of " + maxMessageSize)
              .asException();
        }
        // room for what has arrived, growing as more does: a prefix alone cannot make us allocate
        // its claim
        messageLength = (int) length;
        message = new byte[Math.min(messageLength, Math.max(end - off, EAGER_BYTES))];
        messageFill = 0;
      }
      int n = Math.min(messageLength - messageFill, end - off);
      if (messageFill + n > message.length) {
        message =
            Arrays.copyOf(
                message,
                (int)
                    Math.min(messageLength, Math.max((long) message.length * 2, messageFill + n)));
      }
      System.arraycopy(data, off, message, messageFill, n);
      messageFill += n;
      off += n;
      if (messageFill == messageLength) {
        complete(sink);
      }
    }
    if (message != null && messageFill == messageLength) {
      complete(sink);
    }
  }

  /**
   * The length on the wire (compressed, without the prefix) of the message last handed to the sink.
   */
  public int lastWireLength() {
    return lastWireLength;
  }

  private void complete(Consumer<byte[]> sink) {
    byte[] done = message;
    message = null;
    lastWireLength = messageLength;
    sink.accept(compressed ? GrpcCompression.gunzip(done, 0, done.length, maxMessageSize) : done);
  }

  /** Whether a message has started but not finished: at the end of the stream, that is an error. */
  public boolean hasPartialMessage() {
    return message != null || prefixFill > 0;
  }
}
