package io.weft.testing;

import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.http2.ErrorCode;
import io.weft.internal.wire.http2.Fields;
import io.weft.internal.wire.http2.Frames;
import io.weft.internal.wire.http2.HpackDecoder;
import io.weft.internal.wire.http2.HpackEncoder;
import io.weft.internal.wire.http2.HpackException;
import io.weft.internal.wire.http2.Settings;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The other end of an HTTP/2 connection, played by a test from a script over a real loopback
 * socket: {@link #client(int)} plays the client of a server-side {@link Http2Connection}, {@link
 * #server(ServerSocket)} the server of a client-side one. It sends exactly the frames the test asks
 * for (header blocks encoded with its own {@link HpackEncoder}, one per connection) and answers
 * nothing by itself, except SETTINGS and PING when {@link #autoAck(boolean) autoAck} is on.
 *
 * <p>A reader thread reads every frame the engine sends into a queue; header blocks (HEADERS and
 * its CONTINUATIONs) are decoded with an {@link HpackDecoder} once complete, on the frame that
 * completes them. The test takes frames with {@link #next}, {@link #await} (skipping others) or
 * {@link #poll}, and waits for the engine to close the socket with {@link #awaitClosed}. Every wait
 * has a timeout; none polls.
 *
 * <p>Writes throw {@link UncheckedIOException} once the socket is gone (flood tests stop on it).
 * Thread-safe: writes are serialized (an encode and its frame's write are one step, keeping the
 * HPACK dynamic table in wire order).
 */
public final class ScriptedPeer implements AutoCloseable {
  /** A frame type's name, for messages. */
  private static final String[] TYPES = {
    "DATA",
    "HEADERS",
    "PRIORITY",
    "RST_STREAM",
    "SETTINGS",
    "PUSH_PROMISE",
    "PING",
    "GOAWAY",
    "WINDOW_UPDATE",
    "CONTINUATION"
  };

  /**
   * The longest a frame may be from the engine: its peer's (our) SETTINGS_MAX_FRAME_SIZE is never
   * raised past 2^24-1.
   */
  private static final int MAX_FRAME = Settings.MAX_FRAME;

  /**
   * A frame the engine sent. {@code fields} is the decoded header block on the frame that completes
   * one, else null.
   */
  public record Frame(int type, int flags, int stream, byte[] payload, Fields fields) {
    public boolean has(int flag) {
      return (flags & flag) != 0;
    }

    public boolean isAck() {
      return (type == Frames.SETTINGS || type == Frames.PING) && has(Frames.FLAG_ACK);
    }

    public boolean endStream() {
      return (type == Frames.DATA || type == Frames.HEADERS) && has(Frames.FLAG_END_STREAM);
    }

    /** The error code of a RST_STREAM or GOAWAY, as sent (unknown codes are not mapped). */
    public int rawErrorCode() {
      return switch (type) {
        case Frames.RST_STREAM -> Buffer.getInt(payload, 0);
        case Frames.GOAWAY -> Buffer.getInt(payload, 4);
        default -> throw new IllegalStateException("no error code in " + this);
      };
    }

    /** The error code of a RST_STREAM or GOAWAY. */
    public ErrorCode errorCode() {
      int c = rawErrorCode();
      if (c < 0 || c > ErrorCode.HTTP_1_1_REQUIRED.code()) {
        throw new AssertionError("unknown error code 0x" + Integer.toHexString(c) + " in " + this);
      }
      return ErrorCode.of(c);
    }

    /** GOAWAY's last stream id. */
    public int lastStreamId() {
      require(Frames.GOAWAY);
      return Buffer.getInt(payload, 0) & 0x7FFFFFFF;
    }

    /** GOAWAY's debug data. */
    public String debug() {
      require(Frames.GOAWAY);
      return new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8);
    }

    /** WINDOW_UPDATE's increment. */
    public int increment() {
      require(Frames.WINDOW_UPDATE);
      return Buffer.getInt(payload, 0) & 0x7FFFFFFF;
    }

    /** PING's opaque data. */
    public long pingData() {
      require(Frames.PING);
      return getLong(payload, 0);
    }

    /** SETTINGS' parameters, in order (a repeated one keeps its last value). */
    public Map<Integer, Long> settings() {
      require(Frames.SETTINGS);
      Map<Integer, Long> m = new LinkedHashMap<>();
      for (int i = 0; i + 6 <= payload.length; i += 6) {
        m.put(
            Buffer.getUnsignedShort(payload, i),
            Integer.toUnsignedLong(Buffer.getInt(payload, i + 2)));
      }
      return m;
    }

    /** DATA's bytes without padding. */
    public byte[] data() {
      require(Frames.DATA);
      if (!has(Frames.FLAG_PADDED)) {
        return payload;
      }
      int pad = payload[0] & 0xFF;
      return Arrays.copyOfRange(payload, 1, payload.length - pad);
    }

    /** DATA's bytes as UTF-8. */
    public String text() {
      return new String(data(), StandardCharsets.UTF_8);
    }

    private void require(int t) {
      if (type != t) {
        throw new AssertionError("expected a " + typeName(t) + " frame, got " + this);
      }
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder(typeName(type)).append("[stream ").append(stream);
      if (flags != 0) {
        b.append(", flags 0x").append(Integer.toHexString(flags));
      }
      switch (type) {
        case Frames.RST_STREAM -> b.append(", ").append(codeName(rawErrorCode()));
        case Frames.GOAWAY ->
            b.append(", last ")
                .append(lastStreamId())
                .append(", ")
                .append(codeName(rawErrorCode()))
                .append(debug().isEmpty() ? "" : ", \"" + debug() + "\"");
        case Frames.WINDOW_UPDATE -> b.append(", +").append(increment());
        case Frames.PING -> b.append(", 0x").append(Long.toHexString(pingData()));
        case Frames.SETTINGS -> b.append(", ").append(settings());
        case Frames.DATA -> b.append(", ").append(payload.length).append(" bytes");
        default -> {
          if (fields != null) {
            b.append(", ").append(fields);
          } else {
            b.append(", ").append(payload.length).append(" bytes");
          }
        }
      }
      return b.append(']').toString();
    }

    private static String codeName(int c) {
      return c >= 0 && c <= ErrorCode.HTTP_1_1_REQUIRED.code()
          ? ErrorCode.of(c).name()
          : "0x" + Integer.toHexString(c);
    }
  }

  /** The end of the engine's bytes: EOF, a reset, or a broken read. */
  private record Closed(Throwable cause) {}

  public static String typeName(int type) {
    return type >= 0 && type < TYPES.length ? TYPES[type] : "TYPE_0x" + Integer.toHexString(type);
  }

  private final Socket socket;
  private final boolean clientRole;
  private final InputStream in;
  private final OutputStream out;
  private final Object writeLock = new Object();
  private final HpackEncoder encoder = new HpackEncoder(4096, false);
  private final HpackDecoder decoder = new HpackDecoder(4096, Integer.MAX_VALUE);
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final List<Frame> received = new CopyOnWriteArrayList<>();
  private volatile boolean autoAck;
  private volatile Closed closed; // the sentinel once taken from the queue
  private volatile boolean closing;

  // the reader thread's header block in progress
  private Buffer block;

  private ScriptedPeer(Socket socket, boolean clientRole) throws IOException {
    this.socket = socket;
    this.clientRole = clientRole;
    socket.setTcpNoDelay(true);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    Thread.ofPlatform().daemon().name("scripted-peer-reader").start(this::readLoop);
  }

  /**
   * Connects to a server-side engine listening on loopback {@code port} and plays its client (send
   * {@link #preface} first).
   */
  public static ScriptedPeer client(int port) throws IOException {
    return new ScriptedPeer(new Socket(InetAddress.getLoopbackAddress(), port), true);
  }

  /**
   * Accepts one connection from a client-side engine on {@code listener} (waiting at most 10 s) and
   * plays its server. The client's connection preface is read and checked before any frame.
   */
  public static ScriptedPeer server(ServerSocket listener) throws IOException {
    listener.setSoTimeout(10_000);
    return new ScriptedPeer(listener.accept(), false);
  }

  /** The socket the peer plays on (for a TLS socket: to read what was negotiated). */
  public Socket socket() {
    return socket;
  }

  /**
   * Whether SETTINGS and PING (not their ACKs) are acknowledged by the reader as they arrive. Off
   * by default.
   */
  public ScriptedPeer autoAck(boolean on) {
    autoAck = on;
    return this;
  }

  // ---- writing ----

  /** The client connection preface. */
  public ScriptedPeer preface() {
    return bytes(Frames.PREFACE);
  }

  /** A SETTINGS frame with these (id, value) pairs. */
  public ScriptedPeer settings(int... idValuePairs) {
    if (idValuePairs.length % 2 != 0) {
      throw new IllegalArgumentException("settings come in (id, value) pairs");
    }
    Buffer b = new Buffer(9 + idValuePairs.length * 3);
    Frames.header(b, idValuePairs.length * 3, Frames.SETTINGS, 0, 0);
    for (int i = 0; i < idValuePairs.length; i += 2) {
      b.writeShort(idValuePairs[i]).writeInt(idValuePairs[i + 1]);
    }
    return write(b);
  }

  public ScriptedPeer settingsAck() {
    return raw(Frames.SETTINGS, Frames.FLAG_ACK, 0, new byte[0]);
  }

  /** A header block of {@code fields} in one HEADERS frame (END_HEADERS is up to {@code flags}). */
  public ScriptedPeer headers(int stream, int flags, Fields fields) {
    synchronized (writeLock) {
      return headerBlock(stream, flags, encode(fields));
    }
  }

  /** A header block of these (name, value) pairs in one HEADERS frame. */
  public ScriptedPeer headers(int stream, int flags, String... nameValues) {
    return headers(stream, flags, fields(nameValues));
  }

  /** A padded HEADERS frame: {@code padding} zero bytes after the block (FLAG_PADDED is added). */
  public ScriptedPeer headersPadded(int stream, int flags, Fields fields, int padding) {
    synchronized (writeLock) {
      byte[] blockBytes = encode(fields);
      byte[] p = new byte[1 + blockBytes.length + padding];
      p[0] = (byte) padding;
      System.arraycopy(blockBytes, 0, p, 1, blockBytes.length);
      return raw(Frames.HEADERS, flags | Frames.FLAG_PADDED, stream, p);
    }
  }

  /**
   * Encodes {@code fields} with this connection's encoder, updating its dynamic table: the bytes
   * must then be sent, in order with other blocks (with {@link #headerBlock} and {@link
   * #continuation}).
   */
  public byte[] encode(Fields fields) {
    synchronized (writeLock) {
      Buffer b = new Buffer(64 + fields.size() * 32);
      encoder.beginBlock(b);
      for (int i = 0; i < fields.size(); i++) {
        encoder.field(b, fields.name(i), fields.value(i), HpackEncoder.INDEX);
      }
      return b.toByteArray();
    }
  }

  /**
   * The encoder itself, for tests that build blocks field by field (hold no other write meanwhile).
   */
  public HpackEncoder encoder() {
    return encoder;
  }

  /** A HEADERS frame carrying these header block bytes as they are. */
  public ScriptedPeer headerBlock(int stream, int flags, byte[] fragment) {
    return raw(Frames.HEADERS, flags, stream, fragment);
  }

  public ScriptedPeer continuation(int stream, int flags, byte[] fragment) {
    return raw(Frames.CONTINUATION, flags, stream, fragment);
  }

  public ScriptedPeer data(int stream, int flags, byte[] bytes) {
    return raw(Frames.DATA, flags, stream, bytes);
  }

  public ScriptedPeer data(int stream, int flags, String utf8) {
    return data(stream, flags, utf8.getBytes(StandardCharsets.UTF_8));
  }

  /** A padded DATA frame: {@code padding} zero bytes after the data (FLAG_PADDED is added). */
  public ScriptedPeer dataPadded(int stream, int flags, byte[] bytes, int padding) {
    byte[] p = new byte[1 + bytes.length + padding];
    p[0] = (byte) padding;
    System.arraycopy(bytes, 0, p, 1, bytes.length);
    return raw(Frames.DATA, flags | Frames.FLAG_PADDED, stream, p);
  }

  public ScriptedPeer rst(int stream, ErrorCode code) {
    return rst(stream, code.code());
  }

  public ScriptedPeer rst(int stream, int code) {
    return raw(Frames.RST_STREAM, 0, stream, int32(code));
  }

  public ScriptedPeer ping(boolean ack, long opaque) {
    Buffer b = new Buffer(17);
    Frames.ping(b, ack, opaque);
    return write(b);
  }

  public ScriptedPeer goAway(int lastStreamId, ErrorCode code) {
    return goAway(lastStreamId, code, "");
  }

  public ScriptedPeer goAway(int lastStreamId, ErrorCode code, String debug) {
    Buffer b = new Buffer(64);
    Frames.goAway(b, lastStreamId, code, debug);
    return write(b);
  }

  public ScriptedPeer windowUpdate(int stream, int increment) {
    return raw(Frames.WINDOW_UPDATE, 0, stream, int32(increment));
  }

  public ScriptedPeer priority(int stream, int dependency, boolean exclusive, int weight) {
    byte[] p = new byte[5];
    Buffer.putInt(p, 0, (exclusive ? 0x80000000 : 0) | dependency);
    p[4] = (byte) (weight - 1);
    return raw(Frames.PRIORITY, 0, stream, p);
  }

  /** Any frame, exactly as given (no check of the payload). */
  public ScriptedPeer raw(int type, int flags, int stream, byte[] payload) {
    Buffer b = new Buffer(Frames.HEADER_LENGTH + payload.length);
    Frames.header(b, payload.length, type, flags, stream);
    b.write(payload, 0, payload.length);
    return write(b);
  }

  /** Bytes as they are. */
  public ScriptedPeer bytes(byte[] bytes) {
    synchronized (writeLock) {
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("writing to the engine failed", e);
      }
    }
    return this;
  }

  private ScriptedPeer write(Buffer b) {
    return bytes(b.toByteArray());
  }

  /** Closes our side: the engine reads the end of the stream. */
  @Override
  public void close() {
    closing = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // closed
    }
  }

  // ---- scripts ----

  /**
   * The opening exchange: (client role) the preface, then our SETTINGS with these pairs; the
   * engine's SETTINGS, which we acknowledge; and the engine's ACK of ours (the engine applies
   * settings before it acknowledges them). Frames in between (the engine's connection
   * WINDOW_UPDATE) are skipped. Returns the engine's SETTINGS frame.
   */
  public Frame handshake(int... idValuePairs) {
    if (clientRole) {
      preface();
    }
    settings(idValuePairs);
    Duration t = Duration.ofSeconds(5);
    boolean gotSettings = false;
    boolean gotAck = false;
    Frame theirs = null;
    while (!gotSettings || !gotAck) {
      Frame f = await(x -> x.type() == Frames.SETTINGS, t);
      if (f.isAck()) {
        gotAck = true;
      } else if (!gotSettings) {
        gotSettings = true;
        theirs = f;
        if (!autoAck) {
          settingsAck();
        }
      }
    }
    return theirs;
  }

  // ---- reading ----

  /**
   * The next frame, waiting at most {@code timeout}; null if none came in time.
   *
   * @throws AssertionError if the engine closed the connection first
   */
  public Frame next(Duration timeout) {
    try {
      Object o =
          closed != null && queue.isEmpty()
              ? closed
              : queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (o instanceof Closed c) {
        closed = c;
        throw new AssertionError(
            "the engine closed the connection" + describe(c.cause()) + "; received: " + received,
            c.cause());
      }
      return (Frame) o;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * The next frame that matches, skipping others, or null if none came within {@code timeout}.
   *
   * @throws AssertionError if the engine closed the connection first
   */
  public Frame poll(Predicate<Frame> match, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = end - System.nanoTime();
      Frame f = next(Duration.ofNanos(Math.max(0, left)));
      if (f == null) {
        return null;
      }
      if (match.test(f)) {
        return f;
      }
    }
  }

  /**
   * The next frame that matches, skipping others.
   *
   * @throws AssertionError if none came within {@code timeout}, or the engine closed the connection
   *     first
   */
  public Frame await(Predicate<Frame> match, Duration timeout) {
    Frame f = poll(match, timeout);
    if (f == null) {
      throw new AssertionError(
          "no matching frame within " + timeout.toMillis() + " ms; received: " + received);
    }
    return f;
  }

  /** The next frame, which must come within 5 s. */
  public Frame expectNext() {
    Frame f = next(Duration.ofSeconds(5));
    if (f == null) {
      throw new AssertionError("no frame within 5 s; received: " + received);
    }
    return f;
  }

  /** The next frame of this type on this stream (others skipped), within 5 s. */
  public Frame expect(int type, int stream) {
    return await(f -> f.type() == type && f.stream() == stream, Duration.ofSeconds(5));
  }

  /** The next GOAWAY (others skipped), within 5 s; its code must be {@code code}. */
  public Frame expectGoAway(ErrorCode code) {
    Frame f = await(x -> x.type() == Frames.GOAWAY, Duration.ofSeconds(5));
    if (f.rawErrorCode() != code.code()) {
      throw new AssertionError(
          "expected GOAWAY " + code + ", got " + f + "; received: " + received);
    }
    return f;
  }

  /**
   * The next RST_STREAM on {@code stream} (others skipped), within 5 s; its code must be {@code
   * code}.
   */
  public Frame expectRst(int stream, ErrorCode code) {
    Frame f =
        await(x -> x.type() == Frames.RST_STREAM && x.stream() == stream, Duration.ofSeconds(5));
    if (f.rawErrorCode() != code.code()) {
      throw new AssertionError(
          "expected RST_STREAM "
              + code
              + " on stream "
              + stream
              + ", got "
              + f
              + "; received: "
              + received);
    }
    return f;
  }

  /**
   * Waits until the engine closes the connection (a read returns -1 or fails with a reset),
   * skipping frames meanwhile; false if it is still open after {@code timeout}.
   */
  public boolean awaitClosed(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        if (closed != null && queue.isEmpty()) {
          return true;
        }
        long left = end - System.nanoTime();
        Object o = queue.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
        if (o == null) {
          return false;
        }
        if (o instanceof Closed c) {
          closed = c;
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Every frame the engine has sent so far, in order, including those skipped or not yet taken. */
  public List<Frame> received() {
    return new ArrayList<>(received);
  }

  /**
   * Asserts that every RST_STREAM and GOAWAY the engine sent carries one of RFC 9113's codes (0x0
   * to 0xd); returns how many there were.
   */
  public int assertOnlyKnownErrorCodes() {
    int n = 0;
    for (Frame f : received) {
      if (f.type() == Frames.RST_STREAM || f.type() == Frames.GOAWAY) {
        int c = f.rawErrorCode();
        if (c < 0 || c > ErrorCode.HTTP_1_1_REQUIRED.code()) {
          throw new AssertionError("the engine sent " + f + ", with a code outside 0x0..0xd");
        }
        n++;
      }
    }
    return n;
  }

  private void readLoop() {
    Throwable end = null;
    try {
      DataInputStream d = new DataInputStream(in);
      if (!clientRole) {
        byte[] preface = new byte[Frames.PREFACE.length];
        d.readFully(preface);
        if (!Arrays.equals(preface, Frames.PREFACE)) {
          throw new IOException("bad client preface: " + HexFormat.of().formatHex(preface));
        }
      }
      byte[] header = new byte[Frames.HEADER_LENGTH];
      while (true) {
        int first = d.read();
        if (first < 0) {
          break; // EOF between frames
        }
        header[0] = (byte) first;
        d.readFully(header, 1, Frames.HEADER_LENGTH - 1);
        int length = (header[0] & 0xFF) << 16 | (header[1] & 0xFF) << 8 | (header[2] & 0xFF);
        if (length > MAX_FRAME) {
          throw new IOException("frame of " + length + " bytes");
        }
        int type = header[3] & 0xFF;
        int flags = header[4] & 0xFF;
        int stream = Buffer.getInt(header, 5) & 0x7FFFFFFF;
        byte[] payload = new byte[length];
        d.readFully(payload);
        Frame f = new Frame(type, flags, stream, payload, decodeIfComplete(type, flags, payload));
        received.add(f);
        queue.add(f);
        if (autoAck && !f.isAck()) {
          if (type == Frames.SETTINGS) {
            settingsAck();
          } else if (type == Frames.PING) {
            ping(true, f.pingData());
          }
        }
      }
    } catch (EOFException e) {
      end = e; // the engine closed inside a frame
    } catch (IOException | UncheckedIOException e) {
      end = e; // a reset, or our own close
    } catch (RuntimeException | Error e) {
      end = e;
    } finally {
      queue.add(new Closed(end));
    }
  }

  /** The decoded header block if this frame completes one; null otherwise. Reader thread. */
  private Fields decodeIfComplete(int type, int flags, byte[] p) throws IOException {
    if (type == Frames.HEADERS) {
      int off = 0;
      int end = p.length;
      if ((flags & Frames.FLAG_PADDED) != 0) {
        end -= p[0] & 0xFF;
        off = 1;
      }
      if ((flags & Frames.FLAG_PRIORITY) != 0) {
        off += 5;
      }
      block = new Buffer(Math.max(16, end - off));
      block.write(p, off, end - off);
    } else if (type == Frames.CONTINUATION) {
      if (block == null) {
        throw new IOException("CONTINUATION without HEADERS");
      }
      block.write(p, 0, p.length);
    } else {
      return null;
    }
    if ((flags & Frames.FLAG_END_HEADERS) == 0) {
      return null;
    }
    Fields fields = new Fields();
    try {
      decoder.decode(block.array(), 0, block.size(), fields::add);
    } catch (HpackException e) {
      throw new IOException("the engine sent a bad header block: " + e.getMessage(), e);
    } finally {
      block = null;
    }
    return fields;
  }

  private String describe(Throwable cause) {
    if (cause == null) {
      return " (end of stream)";
    }
    if (closing) {
      return " (we closed it)";
    }
    return cause instanceof SocketException ? " (" + cause.getMessage() + ")" : " (" + cause + ")";
  }

  // ---- small helpers ----

  /** Fields from (name, value) pairs. */
  public static Fields fields(String... nameValues) {
    if (nameValues.length % 2 != 0) {
      throw new IllegalArgumentException("fields come in (name, value) pairs");
    }
    Fields f = new Fields(nameValues.length / 2);
    for (int i = 0; i < nameValues.length; i += 2) {
      f.add(nameValues[i], nameValues[i + 1]);
    }
    return f;
  }

  /** Fields as (name, value) pairs, for assertions. */
  public static List<Map.Entry<String, String>> entries(Fields f) {
    List<Map.Entry<String, String>> l = new ArrayList<>();
    f.forEach((n, v) -> l.add(Map.entry(n, v)));
    return l;
  }

  private static byte[] int32(int v) {
    byte[] b = new byte[4];
    Buffer.putInt(b, 0, v);
    return b;
  }

  private static long getLong(byte[] b, int at) {
    return (long) Buffer.getInt(b, at) << 32 | (Buffer.getInt(b, at + 4) & 0xFFFFFFFFL);
  }
}
