package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.http2.Frames;
import io.weft.internal.wire.http2.HpackDecoder;
import io.weft.internal.wire.http2.HpackEncoder;
import io.weft.internal.wire.http2.HpackException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A frame-level HTTP/2 client for attacks: it writes whatever frames a test builds (floods, resets,
 * windows that never open) and reads what the server sends on a thread of its own (a platform
 * thread, so that it never counts among the virtual threads {@link Leaks} watches) into a queue the
 * test waits on. It answers nothing by itself: no SETTINGS acknowledgement, no PING reply, no
 * WINDOW_UPDATE. Every RST_STREAM and GOAWAY code it sees is checked against RFC 9113's list
 * (0x0-0xd). Request header blocks go through an {@link HpackEncoder} with a dynamic table, so that
 * repeated requests cost a few bytes each, as a real client's do.
 */
final class H2Wire implements AutoCloseable {
  static final int DATA = Frames.DATA;
  static final int HEADERS = Frames.HEADERS;
  static final int RST_STREAM = Frames.RST_STREAM;
  static final int SETTINGS = Frames.SETTINGS;
  static final int PING = Frames.PING;
  static final int GOAWAY = Frames.GOAWAY;
  static final int WINDOW_UPDATE = Frames.WINDOW_UPDATE;
  static final int CONTINUATION = Frames.CONTINUATION;

  /** The RFC 9113 codes used here. */
  static final int NO_ERROR = 0x0;

  static final int FLOW_CONTROL_ERROR = 0x3;
  static final int CANCEL = 0x8;
  static final int ENHANCE_YOUR_CALM = 0xb;

  /** The pseudo-type of the last "frame": the server closed the connection (a read returned -1). */
  static final int END = -1;

  /** The pseudo-type of the last "frame": the connection was reset (a read threw). */
  static final int RESET = -2;

  /** One frame read, with its header block decoded (HEADERS); or the end of the connection. */
  record Frame(int type, int flags, int stream, byte[] payload, Map<String, String> fields) {
    boolean isEnd() {
      return type < 0;
    }

    boolean ack() {
      return (flags & 0x1) != 0;
    }

    boolean endStream() {
      return (flags & 0x1) != 0;
    }

    /** The error code of a RST_STREAM or GOAWAY. */
    int errorCode() {
      return switch (type) {
        case RST_STREAM -> Buffer.getInt(payload, 0);
        case GOAWAY -> Buffer.getInt(payload, 4);
        default -> throw new IllegalStateException("frame type " + type + " has no error code");
      };
    }

    /** A GOAWAY's debug data. */
    String debug() {
      return new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8);
    }

    /** A GOAWAY's last stream id. */
    int lastStreamId() {
      return Buffer.getInt(payload, 0) & 0x7FFFFFFF;
    }

    @Override
    public String toString() {
      return switch (type) {
        case END -> "END";
        case RESET -> "RESET(" + new String(payload, StandardCharsets.UTF_8) + ")";
        case RST_STREAM -> "RST_STREAM(" + stream + ", 0x" + Integer.toHexString(errorCode()) + ")";
        case GOAWAY -> "GOAWAY(0x" + Integer.toHexString(errorCode()) + ", " + debug() + ")";
        case HEADERS ->
            "HEADERS(" + stream + ", " + fields + (endStream() ? ", END_STREAM" : "") + ")";
        default ->
            "frame(type "
                + type
                + ", flags "
                + flags
                + ", stream "
                + stream
                + ", "
                + payload.length
                + " bytes)";
      };
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final HpackEncoder encoder = new HpackEncoder(4096, false);
  private final HpackDecoder decoder = new HpackDecoder(4096, 1 << 20);
  private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  private final List<String> badCodes = new CopyOnWriteArrayList<>();
  private final Map<Integer, AtomicInteger> resets = new ConcurrentHashMap<>();
  private volatile Thread reader;
  private int nextStream = 1;
  // a header block being assembled by the reader
  private Buffer block;
  private int blockStream;
  private int blockFlags;

  private H2Wire(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
  }

  /** Connects, sends the preface and an empty SETTINGS, and starts reading. */
  static H2Wire open(int port) throws IOException {
    return open(port, new byte[0], 0, true);
  }

  /**
   * Connects (with SO_RCVBUF {@code receiveBuffer} when positive), sends the preface and a SETTINGS
   * frame with {@code settings} (see {@link #settings}), and starts the reader if asked.
   */
  static H2Wire open(int port, byte[] settings, int receiveBuffer, boolean startReading)
      throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    s.setSoTimeout(0);
    H2Wire w = new H2Wire(s);
    Buffer b = new Buffer(64 + settings.length);
    b.write(Frames.PREFACE, 0, Frames.PREFACE.length);
    frame(b, SETTINGS, 0, 0, settings);
    w.write(b);
    if (startReading) {
      w.startReading();
    }
    return w;
  }

  /**
   * The server side of an accepted connection (a TLS one is handshaken first): reads and checks the
   * client's preface, sends SETTINGS with {@code settings} unless it is null (a server that never
   * sends them), and starts reading.
   */
  static H2Wire accept(Socket s, byte[] settings) throws IOException {
    if (s instanceof javax.net.ssl.SSLSocket tls) {
      tls.startHandshake();
    }
    H2Wire w = new H2Wire(s);
    byte[] preface = new byte[Frames.PREFACE.length];
    w.in.readFully(preface);
    if (!Arrays.equals(preface, Frames.PREFACE)) {
      throw new IOException(
          "not an HTTP/2 client preface: " + new String(preface, StandardCharsets.ISO_8859_1));
    }
    if (settings != null) {
      w.frame(SETTINGS, 0, 0, settings);
    }
    return w.startReading();
  }

  /** A SETTINGS payload from (identifier, value) pairs. */
  static byte[] settings(int... idValue) {
    Buffer b = new Buffer(idValue.length * 3);
    for (int i = 0; i < idValue.length; i += 2) {
      b.writeShort(idValue[i]).writeInt(idValue[i + 1]);
    }
    return b.toByteArray();
  }

  /** Starts the reader thread (once); until then nothing is read from the socket. */
  synchronized H2Wire startReading() {
    if (reader == null) {
      reader = Thread.ofPlatform().daemon().name("h2wire-reader").start(this::readLoop);
    }
    return this;
  }

  Socket socket() {
    return socket;
  }

  // ---- writing (one test thread at a time) ----

  /** Appends a frame to {@code b}. */
  static Buffer frame(Buffer b, int type, int flags, int stream, byte[] payload) {
    Frames.header(b, payload.length, type, flags, stream);
    b.write(payload, 0, payload.length);
    return b;
  }

  /** Writes one frame now. */
  void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    write(frame(new Buffer(9 + payload.length), type, flags, stream, payload));
  }

  void write(Buffer b) throws IOException {
    out.write(b.array(), 0, b.size());
    out.flush();
  }

  /** Writes {@code b}; false if the connection is gone (the server closed or reset it). */
  boolean tryWrite(Buffer b) {
    try {
      write(b);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The next client stream id (odd, increasing). */
  int nextStreamId() {
    int id = nextStream;
    nextStream += 2;
    return id;
  }

  /**
   * A POST request's header block for {@code path} with {@code contentType}, through the dynamic
   * table.
   */
  byte[] requestBlock(String path, String contentType) {
    Buffer b = new Buffer(128);
    encoder.beginBlock(b);
    encoder.field(b, ":method", "POST", HpackEncoder.INDEX);
    encoder.field(b, ":scheme", "http", HpackEncoder.INDEX);
    encoder.field(b, ":path", path, HpackEncoder.INDEX);
    encoder.field(b, ":authority", "localhost", HpackEncoder.INDEX);
    encoder.field(b, "content-type", contentType, HpackEncoder.INDEX);
    if (contentType.startsWith("application/grpc")) {
      encoder.field(b, "te", "trailers", HpackEncoder.INDEX);
    }
    return b.toByteArray();
  }

  /**
   * A header block of {@code namesAndValues} (name, value, name, value...), through the dynamic
   * table.
   */
  byte[] block(String... namesAndValues) {
    Buffer b = new Buffer(128);
    encoder.beginBlock(b);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      encoder.field(b, namesAndValues[i], namesAndValues[i + 1], HpackEncoder.INDEX);
    }
    return b.toByteArray();
  }

  /**
   * Appends HEADERS opening a new stream (END_HEADERS; END_STREAM if asked) to {@code b}; returns
   * its id.
   */
  int open(Buffer b, String path, String contentType, boolean endStream) {
    int id = nextStreamId();
    frame(
        b,
        HEADERS,
        Frames.FLAG_END_HEADERS | (endStream ? Frames.FLAG_END_STREAM : 0),
        id,
        requestBlock(path, contentType));
    return id;
  }

  /** Opens a gRPC stream now; returns its id. */
  int openGrpc(String path, boolean endStream) throws IOException {
    Buffer b = new Buffer(128);
    int id = open(b, path, "application/grpc", endStream);
    write(b);
    return id;
  }

  /** A gRPC message: flag 0, length, body. */
  static byte[] grpcMessage(byte[] body) {
    Buffer b = new Buffer(5 + body.length);
    b.writeByte(0).writeInt(body.length);
    b.write(body, 0, body.length);
    return b.toByteArray();
  }

  static byte[] int32(int v) {
    return new Buffer(4).writeInt(v).toByteArray();
  }

  static byte[] ping(long opaque) {
    return new Buffer(8).writeLong(opaque).toByteArray();
  }

  // ---- reading ----

  /** Reads one frame on the calling thread (only before {@link #startReading}). */
  Frame readFrame() throws IOException {
    if (reader != null) {
      throw new IllegalStateException("the reader thread owns the socket");
    }
    return readOne();
  }

  private Frame readOne() throws IOException {
    while (true) {
      int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
      int type = in.readUnsignedByte();
      int flags = in.readUnsignedByte();
      int stream = in.readInt() & 0x7FFFFFFF;
      byte[] payload = new byte[length];
      in.readFully(payload);
      if (type == RST_STREAM || type == GOAWAY) {
        int code = type == RST_STREAM ? Buffer.getInt(payload, 0) : Buffer.getInt(payload, 4);
        if (code < 0 || code > 0xd) {
          badCodes.add(
              (type == RST_STREAM ? "RST_STREAM" : "GOAWAY")
                  + " code 0x"
                  + Integer.toHexString(code));
        }
        if (type == RST_STREAM) {
          resets.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
        }
      }
      if (type == HEADERS || type == CONTINUATION) {
        if (type == HEADERS) {
          block = new Buffer(Math.max(64, length));
          blockStream = stream;
          blockFlags = flags;
          int off = 0;
          int end = length;
          if ((flags & Frames.FLAG_PADDED) != 0) {
            off = 1;
            end -= payload[0] & 0xFF;
          }
          if ((flags & Frames.FLAG_PRIORITY) != 0) {
            off += 5;
          }
          block.write(payload, off, end - off);
        } else {
          block.write(payload, 0, payload.length);
        }
        if ((flags & Frames.FLAG_END_HEADERS) == 0) {
          continue;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        try {
          decoder.decode(block.array(), 0, block.size(), fields::put);
        } catch (HpackException e) {
          throw new IOException("bad header block from the server: " + e.getMessage(), e);
        }
        return new Frame(HEADERS, blockFlags, blockStream, block.toByteArray(), fields);
      }
      return new Frame(type, flags, stream, payload, Map.of());
    }
  }

  private void readLoop() {
    try {
      while (true) {
        frames.add(readOne());
      }
    } catch (EOFException e) {
      frames.add(new Frame(END, 0, 0, new byte[0], Map.of()));
    } catch (IOException e) {
      frames.add(
          new Frame(RESET, 0, 0, String.valueOf(e).getBytes(StandardCharsets.UTF_8), Map.of()));
    }
  }

  /** The next frame, within {@code within}; fails the test if none comes. */
  Frame next(Duration within) throws InterruptedException {
    Frame f = frames.poll(within.toNanos(), TimeUnit.NANOSECONDS);
    assertThat(f).as("a frame from the server within %s", within).isNotNull();
    return f;
  }

  /**
   * Skips frames until one matches {@code what} (and returns it), failing the test if the
   * connection ends first or nothing matches within {@code within}; {@code skipped} sees the others
   * (null for none).
   */
  Frame await(
      Predicate<Frame> what,
      String description,
      Duration within,
      java.util.function.Consumer<Frame> skipped)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    List<Frame> seen = new java.util.ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      Frame f = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
      assertThat(f).as("%s within %s (saw %s)", description, within, tail(seen)).isNotNull();
      if (what.test(f)) {
        return f;
      }
      assertThat(f.isEnd())
          .as("the connection ended before %s (saw %s)", description, tail(seen))
          .isFalse();
      seen.add(f);
      if (skipped != null) {
        skipped.accept(f);
      }
    }
  }

  private static List<Frame> tail(List<Frame> seen) {
    return seen.size() <= 10 ? seen : seen.subList(seen.size() - 10, seen.size());
  }

  /** The GOAWAY the server sends, within {@code within}; its code is an RFC 9113 code. */
  Frame awaitGoAway(Duration within) throws InterruptedException {
    Frame g = await(f -> f.type() == GOAWAY, "a GOAWAY", within, null);
    assertCodesValid();
    return g;
  }

  /**
   * Waits until the server has closed the connection (a read returned -1 or the connection was
   * reset), skipping any frames before that; fails the test if it is still open after {@code
   * within}.
   */
  void awaitClosed(Duration within) throws InterruptedException {
    startReading();
    await(Frame::isEnd, "the server closing the connection", within, null);
    assertCodesValid();
  }

  /** Every RST_STREAM and GOAWAY seen so far carried an RFC 9113 error code. */
  void assertCodesValid() {
    assertThat(badCodes).as("RST_STREAM/GOAWAY codes outside RFC 9113's 0x0-0xd").isEmpty();
  }

  /** RST_STREAM frames seen so far with {@code code}. */
  int resetsWith(int code) {
    AtomicInteger n = resets.get(code);
    return n == null ? 0 : n.get();
  }

  /** RST_STREAM frames seen so far, by code. */
  Map<Integer, Integer> resets() {
    Map<Integer, Integer> m = new java.util.TreeMap<>();
    resets.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  /** Frames read but not yet taken by {@link #next} or {@link #await}. */
  List<Frame> drained() {
    List<Frame> l = new java.util.ArrayList<>();
    frames.drainTo(l);
    return l;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    Thread r = reader;
    if (r != null) {
      try {
        r.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "H2Wire" + Arrays.asList(socket.getLocalPort(), socket.getPort());
  }
}
