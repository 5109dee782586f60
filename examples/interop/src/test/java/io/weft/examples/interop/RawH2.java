package io.weft.examples.interop;

import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.http2.HpackDecoder;
import io.weft.internal.wire.http2.HpackException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bare HTTP/2 client for tests that must send what no real client sends: malformed gRPC messages,
 * bad headers. Requests are HPACK-encoded as plain literals; responses are decoded with Weft's
 * HPACK decoder (itself checked against RFC 7541's examples, h2spec and real peers). Confined to
 * the test thread.
 */
final class RawH2 implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final HpackDecoder hpack = new HpackDecoder(4096, 1 << 20);
  private int nextStream = 1;
  int goAways;

  RawH2(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
    out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    frame(0x4, 0, 0, new byte[0]);
  }

  /** Opens a stream with the given request headers (pseudo-headers are added); returns its id. */
  int open(String path, Map<String, String> headers, boolean endStream) throws IOException {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    // pseudo-headers by the HPACK static table, as Helidon insists: :method POST (3), :scheme http
    // (6),
    // then :path (4) and :authority (1) as literals with an indexed name
    block.write(0x83);
    block.write(0x86);
    block.write(0x04);
    string(block, path);
    block.write(0x01);
    string(block, "localhost");
    for (var e : headers.entrySet()) {
      literal(block, e.getKey(), e.getValue());
    }
    int id = nextStream;
    nextStream += 2;
    frame(0x1, 0x4 | (endStream ? 0x1 : 0), id, block.toByteArray());
    return id;
  }

  static Map<String, String> grpcHeaders() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("content-type", "application/grpc");
    h.put("te", "trailers");
    return h;
  }

  /** DATA frames of at most 16 KiB (the default SETTINGS_MAX_FRAME_SIZE). */
  void data(int stream, byte[] payload, boolean endStream) throws IOException {
    int off = 0;
    do {
      int n = Math.min(16_384, payload.length - off);
      boolean last = off + n == payload.length;
      frame(
          0x0,
          last && endStream ? 0x1 : 0,
          stream,
          java.util.Arrays.copyOfRange(payload, off, off + n));
      off += n;
    } while (off < payload.length);
  }

  void rst(int stream, int errorCode) throws IOException {
    frame(0x3, 0, stream, new Buffer().writeInt(errorCode).toByteArray());
  }

  /** A gRPC message: flag, 4-byte length, body. */
  static byte[] message(int flag, int declaredLength, byte[] body) {
    Buffer b = new Buffer();
    b.writeByte(flag).writeInt(declaredLength);
    b.write(body, 0, body.length);
    return b.toByteArray();
  }

  /** What came back on one stream until it ended. */
  record Response(
      Map<String, String> headers, Map<String, String> trailers, byte[] data, boolean reset) {
    String grpcStatus() {
      String s = trailers.get("grpc-status");
      return s != null ? s : headers.get("grpc-status");
    }

    String grpcMessage() {
      String s = trailers.get("grpc-message");
      return s != null ? s : headers.get("grpc-message");
    }
  }

  /**
   * Reads frames (answering SETTINGS and PING) until {@code stream} ends with END_STREAM or
   * RST_STREAM.
   */
  Response await(int stream) throws IOException {
    Map<String, String> headers = null;
    Map<String, String> trailers = new LinkedHashMap<>();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    boolean reset = false;
    boolean ended = false;
    while (!ended) {
      int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
      int type = in.readUnsignedByte();
      int flags = in.readUnsignedByte();
      int id = in.readInt() & 0x7FFFFFFF;
      byte[] payload = new byte[length];
      in.readFully(payload);
      switch (type) {
        case 0x0 -> {
          if (id == stream) {
            data.write(payload);
            ended = (flags & 0x1) != 0;
          }
          if (length > 0) {
            frame(0x8, 0, 0, new Buffer().writeInt(length).toByteArray());
            frame(0x8, 0, id, new Buffer().writeInt(length).toByteArray());
          }
        }
        case 0x1 -> {
          Map<String, String> decoded = decode(id, payload);
          if (id == stream) {
            if (headers == null) {
              headers = decoded;
            } else {
              trailers = decoded;
            }
            ended = (flags & 0x1) != 0;
          }
        }
        case 0x3 -> {
          if (id == stream) {
            reset = true;
            ended = true;
          }
        }
        case 0x4 -> {
          if ((flags & 0x1) == 0) {
            frame(0x4, 0x1, 0, new byte[0]);
          }
        }
        case 0x6 -> {
          if ((flags & 0x1) == 0) {
            frame(0x6, 0x1, 0, payload);
          }
        }
        case 0x7 -> goAways++;
        default -> {}
      }
    }
    return new Response(headers == null ? Map.of() : headers, trailers, data.toByteArray(), reset);
  }

  private Map<String, String> decode(int id, byte[] block) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      hpack.decode(block, 0, block.length, out::put);
    } catch (HpackException e) {
      throw new IOException("bad header block on stream " + id + ": " + e.getMessage(), e);
    }
    return out;
  }

  private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    Buffer b = new Buffer(9 + payload.length);
    b.writeByte(payload.length >>> 16).writeByte(payload.length >>> 8).writeByte(payload.length);
    b.writeByte(type).writeByte(flags).writeInt(stream);
    b.write(payload, 0, payload.length);
    out.write(b.array(), 0, b.size());
    out.flush();
  }

  private static void literal(ByteArrayOutputStream out, String name, String value) {
    out.write(0x00); // literal header field without indexing, new name
    string(out, name);
    string(out, value);
  }

  /** An HPACK string literal without Huffman coding (7-bit prefix length). */
  static void string(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    int n = b.length;
    if (n < 127) {
      out.write(n);
    } else {
      out.write(127);
      n -= 127;
      while (n >= 128) {
        out.write((n & 0x7F) | 0x80);
        n >>>= 7;
      }
      out.write(n);
    }
    out.write(b, 0, b.length);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
