package io.weft.client.internal;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Header;
import io.helidon.http.http2.Http2Flag;
import io.helidon.http.http2.Http2FrameData;
import io.helidon.http.http2.Http2FrameHeader;
import io.helidon.http.http2.Http2FrameTypes;
import io.helidon.http.http2.Http2Headers;
import io.helidon.http.http2.Http2HuffmanDecoder;
import io.helidon.http.http2.Http2HuffmanEncoder;
import io.weft.api.Deadline;
import io.weft.api.RpcException;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.wire.Buffer;
import io.weft.wire.WriteCoalescer;
import io.weft.wire.grpc.H2Frames;
import io.weft.wire.grpc.HpackLiterals;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A client HTTP/2 connection (cleartext, prior knowledge) carrying many gRPC streams. Weft's own,
 * on Helidon's HPACK: Helidon's webclient request API is half-duplex, and owning the connection
 * lets a unary call go out as one socket write (HEADERS, DATA and END_STREAM together).
 *
 * <p>Threads: one reader virtual thread per connection decodes frames and hands them to streams; it
 * never runs user code and never blocks on a write (its acknowledgements and window updates are
 * left to a writer thread). Every byte leaves through one {@link WriteCoalescer}, so concurrent
 * calls share system calls; a new stream's HEADERS are written under {@link #writeLock}, which keeps
 * them in HPACK order (a unary call's HEADERS and DATA in one write). Flow
 * control: the connection window is reopened as soon as data arrives; a stream's window only as its
 * reader takes messages, so a slow reader holds the sender back.
 */
final class H2Connection {
  private static final System.Logger LOG = System.getLogger(H2Connection.class.getName());
  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  static final int DEFAULT_WINDOW = 65_535;
  /** What this client advertises as each stream's receive window. */
  static final int STREAM_WINDOW = 1 << 20;
  /** The connection receive window this client opens right after the preface. */
  static final int CONNECTION_WINDOW = 16 << 20;
  private static final int MAX_FRAME = 16_384;
  private static final int MAX_HEADER_BLOCK = 256 * 1024;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String address;
  private final String authority;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final WriteCoalescer output;
  private final ReentrantLock windowLock = new ReentrantLock();
  private final Condition windowOpened = windowLock.newCondition();
  private final Map<Integer, H2Stream> streams = new ConcurrentHashMap<>();
  private final CountDownLatch settingsReceived = new CountDownLatch(1);
  private final Http2Headers.DynamicTable encoderTable = Http2Headers.DynamicTable.create(4096);
  private final Http2Headers.DynamicTable decoderTable = Http2Headers.DynamicTable.create(4096);
  private final Http2HuffmanEncoder huffmanEncoder = Http2HuffmanEncoder.create();
  private final Http2HuffmanDecoder huffmanDecoder = Http2HuffmanDecoder.create();

  // guarded by writeLock
  private int nextStreamId = 1;
  // confined to the reader thread
  private int connectionUnacked;
  // guarded by windowLock
  private long connectionSendWindow = DEFAULT_WINDOW;
  private int peerInitialWindow = DEFAULT_WINDOW;
  private volatile int peerMaxFrameSize = MAX_FRAME;
  private volatile long peerMaxConcurrentStreams = Integer.MAX_VALUE;
  /** Streams open or reserved on this connection. */
  private final java.util.concurrent.atomic.AtomicInteger slots = new java.util.concurrent.atomic.AtomicInteger();
  private volatile RpcException failure;
  private volatile boolean goingAway;
  private volatile int lastGoodStreamId = Integer.MAX_VALUE;

  private H2Connection(Socket socket, HostPort target) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.out = socket.getOutputStream();
    this.output = new WriteCoalescer(out::write);
    this.address = target.toString();
    this.authority = target.toString();
  }

  /**
   * Connects, sends the preface and settings, and waits for the server's settings.
   *
   * @throws RpcException {@code UNAVAILABLE} or {@code DEADLINE_EXCEEDED}
   */
  static H2Connection open(HostPort target, Dialer dialer, Deadline deadline) {
    long connectTimeoutMillis = 10_000;
    Socket s = dialer.dial(target, deadline, dialer.isTls() ? "h2" : null);
    H2Connection c;
    try {
      c = new H2Connection(s, target);
      c.start();
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing to do
      }
      throw new UnsentException(Status.of(StatusCode.UNAVAILABLE, "HTTP/2 handshake with " + target + " failed: " + e.getMessage()).withCause(e));
    }
    try {
      long handshake = Math.max(connectTimeoutMillis, 1000);
      boolean deadlineFirst = deadline != null && deadline.remainingMillis() < handshake;
      long wait = deadlineFirst ? Math.max(1, deadline.remainingMillis()) : handshake;
      if (!c.settingsReceived.await(wait, TimeUnit.MILLISECONDS)) {
        c.fail(deadlineFirst
            ? Status.of(StatusCode.DEADLINE_EXCEEDED, "deadline passed during the HTTP/2 handshake with " + target).asException()
            : new UnsentException(Status.of(StatusCode.UNAVAILABLE, "no HTTP/2 SETTINGS from " + target + " (is it an HTTP/2 server?)")));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      c.fail(Status.of(StatusCode.CANCELLED, "interrupted while connecting").asException());
    }
    RpcException f = c.failure;
    if (f != null) {
      throw f;
    }
    return c;
  }

  private void start() throws IOException {
    Buffer b = new Buffer(64);
    b.write(PREFACE, 0, PREFACE.length);
    // SETTINGS: ENABLE_PUSH=0, INITIAL_WINDOW_SIZE, MAX_HEADER_LIST_SIZE
    int settings = H2Frames.header(b, 18, 0x4, 0, 0);
    b.writeShort(0x2).writeInt(0);
    b.writeShort(0x4).writeInt(STREAM_WINDOW);
    b.writeShort(0x6).writeInt(MAX_HEADER_BLOCK);
    assert b.size() - settings == 18;
    H2Frames.header(b, 4, 0x8, 0, 0);
    b.writeInt(CONNECTION_WINDOW - DEFAULT_WINDOW);
    output.write(b);
    Thread.ofVirtual().name("weft-h2-reader " + address).start(this::readLoop);
  }

  String address() {
    return address;
  }

  /** Whether a new stream may start here: alive, not going away, under the server's stream limit. */
  boolean hasCapacity() {
    return failure == null && !goingAway && slots.get() < peerMaxConcurrentStreams;
  }

  /**
   * Reserves room for one stream under the server's limit, for the {@link #open} that follows;
   * false if there is none. Checking and opening in two steps would let concurrent callers open
   * past the limit, which Helidon answers by closing the whole connection.
   */
  boolean tryReserve() {
    while (failure == null && !goingAway) {
      int n = slots.get();
      if (n >= peerMaxConcurrentStreams) {
        return false;
      }
      if (slots.compareAndSet(n, n + 1)) {
        return true;
      }
    }
    return false;
  }

  boolean isAlive() {
    return failure == null && !goingAway;
  }

  int activeStreams() {
    return slots.get();
  }

  /**
   * Opens a stream: registers it and writes its HEADERS (and, if given, its first DATA frames) in
   * one socket write. With {@code endStream} the request side is closed at once (unary and
   * server-streaming calls).
   */
  H2Stream open(Http2Headers headers, Buffer firstData, boolean endStream, int maxInbound) {
    boolean[] registered = {false};
    try {
      return openReserved(headers, firstData, endStream, maxInbound, registered);
    } finally {
      if (!registered[0]) {
        slots.decrementAndGet(); // the reservation was never used by a stream
      }
    }
  }

  private H2Stream openReserved(Http2Headers headers, Buffer firstData, boolean endStream, int maxInbound, boolean[] registered) {
    checkUsable();
    int dataLength = firstData == null ? 0 : firstData.size();
    Buffer frame = new Buffer(256 + dataLength + 9 * (1 + dataLength / MAX_FRAME));
    H2Stream stream;
    boolean dataSent;
    writeLock.lock();
    try {
      checkUsable();
      int id = nextStreamId;
      if (id < 0) {
        goingAway = true;
        throw Status.of(StatusCode.UNAVAILABLE, "stream ids exhausted on " + address).asException();
      }
      nextStreamId += 2;
      windowLock.lock();
      try {
        stream = new H2Stream(this, id, peerInitialWindow, maxInbound);
        // the first message goes out with the HEADERS when the windows already allow all of it
        dataSent = dataLength == 0 || (dataLength <= connectionSendWindow && dataLength <= stream.sendWindow);
        if (dataSent && dataLength > 0) {
          connectionSendWindow -= dataLength;
          stream.sendWindow -= dataLength;
        }
      } finally {
        windowLock.unlock();
      }
      streams.put(id, stream);
      registered[0] = true; // from here the stream owns the reservation: streamClosed returns it
      byte[] encoded = headerBlock(headers);
      H2Frames.headers(frame, id, encoded, encoded.length, endStream && dataLength == 0, peerMaxFrameSize);
      if (dataSent && dataLength > 0) {
        appendData(frame, stream, firstData.array(), 0, dataLength, endStream);
      } else if (endStream && dataLength == 0) {
        stream.localClosed();
      }
      // queued under the lock: the bytes must leave in HPACK order. Alone on the connection, the call
      // writes at once; among others, a writer thread sends it with whatever they queue meanwhile
      output.write(frame, streams.size() > 1);
    } catch (IOException e) {
      throw writeFailed(e);
    } finally {
      writeLock.unlock();
    }
    if (!dataSent) {
      writeData(stream, firstData.array(), 0, dataLength, endStream, null, false);
    }
    return stream;
  }

  /**
   * Writes DATA for {@code stream}, waiting for flow-control window as needed. DATA needs no
   * HPACK order, so only the coalescer orders it; {@code soon} leaves the system call to a writer
   * thread, so that a stream's next messages (and other streams') can join it.
   *
   * @throws RpcException when the stream or the connection fails while waiting or writing
   */
  void writeData(H2Stream stream, byte[] data, int off, int len, boolean endStream, Deadline deadline, boolean soon) {
    Buffer frame = new Buffer(Math.min(len, peerMaxFrameSize) + 16);
    while (true) {
      int allowed = awaitWindow(stream, len, deadline);
      try {
        checkUsable();
        stream.checkWritable();
        frame.reset();
        int n = appendData(frame, stream, data, off, Math.min(len, allowed), endStream && allowed >= len);
        off += n;
        len -= n;
        output.write(frame, soon && len == 0);
        if (len == 0) {
          return;
        }
      } catch (IOException e) {
        throw writeFailed(e);
      }
    }
  }

  private RpcException writeFailed(IOException e) {
    RpcException err = Status.of(StatusCode.UNAVAILABLE, "cannot write to " + address + ": " + e.getMessage()).withCause(e).asException();
    fail(err);
    return err;
  }

  /** An empty DATA frame with END_STREAM: the request side is done. */
  void writeEndStream(H2Stream stream) {
    writeData(stream, new byte[0], 0, 0, true, null, true);
  }

  void writeRst(int streamId, int errorCode) {
    Buffer b = new Buffer(16);
    H2Frames.rstStream(b, streamId, errorCode);
    writeControl(b);
  }

  void writeWindowUpdate(int streamId, int increment) {
    if (increment <= 0) {
      return;
    }
    Buffer b = new Buffer(16);
    H2Frames.windowUpdate(b, streamId, increment);
    writeControl(b);
  }

  /**
   * Writes a small control frame. The reader thread writes these too, and it must never block on
   * a full socket (a writer may be waiting for the other side, which waits for this reader), so the
   * system call is left to a writer thread.
   */
  private void writeControl(Buffer b) {
    if (failure != null) {
      return;
    }
    try {
      output.writeSoonWithoutWaiting(b);
    } catch (IOException e) {
      writeFailed(e);
    }
  }

  /** Waits until both windows allow at least one byte; returns how many may be sent now, and takes them. */
  private int awaitWindow(H2Stream stream, int wanted, Deadline deadline) {
    if (wanted == 0) {
      return 0;
    }
    windowLock.lock();
    try {
      while (true) {
        checkUsable();
        stream.checkWritable();
        long allowed = Math.min(Math.min(connectionSendWindow, stream.sendWindow), Math.min(wanted, peerMaxFrameSize));
        if (allowed > 0) {
          connectionSendWindow -= allowed;
          stream.sendWindow -= allowed;
          return (int) allowed;
        }
        try {
          if (deadline == null) {
            windowOpened.await();
          } else {
            long left = deadline.remainingNanos();
            if (left <= 0) {
              throw Status.of(StatusCode.DEADLINE_EXCEEDED, "deadline exceeded waiting for flow control on " + address).asException();
            }
            windowOpened.awaitNanos(left);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw Status.of(StatusCode.CANCELLED, "interrupted while sending to " + address).asException();
        }
      }
    } finally {
      windowLock.unlock();
    }
  }

  /** Wakes writers waiting for window (on updates, and when a stream or the connection fails). */
  void signalWindow() {
    windowLock.lock();
    try {
      windowOpened.signalAll();
    } finally {
      windowLock.unlock();
    }
  }

  /** Appends DATA frames (already counted against the windows) for up to {@code len} bytes; returns the count. */
  private int appendData(Buffer frame, H2Stream stream, byte[] data, int off, int len, boolean endStream) {
    int max = peerMaxFrameSize;
    int done = 0;
    do {
      int n = Math.min(max, len - done);
      boolean last = done + n == len;
      H2Frames.header(frame, n, H2Frames.DATA, last && endStream ? H2Frames.END_STREAM : 0, stream.id());
      frame.write(data, off + done, n);
      done += n;
    } while (done < len);
    if (endStream) {
      stream.localClosed();
    }
    return done;
  }

  /** The HPACK block of {@code headers}: Helidon's encoder, unless a field would trip its Huffman bug (see {@link HpackLiterals}). */
  private byte[] headerBlock(Http2Headers headers) {
    if (!huffmanSafe(headers)) {
      return HpackLiterals.block(fields(headers));
    }
    BufferData block = BufferData.growing(256);
    headers.write(encoderTable, huffmanEncoder, block);
    byte[] encoded = new byte[block.available()];
    block.read(encoded);
    return encoded;
  }

  /** Whether Helidon's encoder writes every field of {@code headers} correctly (checked without allocating: it runs per call). */
  private static boolean huffmanSafe(Http2Headers headers) {
    if (!HpackLiterals.fieldSafe(headers.path()) || !HpackLiterals.fieldSafe(headers.authority())) {
      return false;
    }
    for (Header h : headers.httpHeaders()) {
      if (!HpackLiterals.fieldSafe(h.name())) {
        return false;
      }
      for (String v : h.allValues()) {
        if (!HpackLiterals.fieldSafe(v)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The request's fields as name, value, name, value, … (pseudo-headers first). */
  private static List<String> fields(Http2Headers headers) {
    List<String> fields = new ArrayList<>(List.of(
        ":method", headers.method().text(), ":scheme", headers.scheme(), ":path", headers.path(), ":authority", headers.authority()));
    for (Header h : headers.httpHeaders()) {
      for (String v : h.allValues()) {
        fields.add(h.name().toLowerCase(Locale.ROOT));
        fields.add(v);
      }
    }
    return fields;
  }

  private void checkUsable() {
    RpcException f = failure;
    if (f != null) {
      throw f;
    }
  }

  void streamClosed(H2Stream stream) {
    if (streams.remove(stream.id()) != null) {
      slots.decrementAndGet();
    }
  }

  // ---- the reader thread ----

  private void readLoop() {
    byte[] header = new byte[9];
    List<byte[]> headerBlock = new ArrayList<>();
    int headerBlockStream = 0;
    int headerBlockSize = 0;
    boolean headerBlockEnd = false;
    try {
      while (true) {
        if (!readFully(header, true)) {
          fail(Status.of(StatusCode.UNAVAILABLE, "connection to " + address + " closed").asException());
          return;
        }
        int length = (header[0] & 0xFF) << 16 | (header[1] & 0xFF) << 8 | (header[2] & 0xFF);
        int type = header[3] & 0xFF;
        int flags = header[4] & 0xFF;
        int streamId = Buffer.getInt(header, 5) & 0x7FFFFFFF;
        if (length > MAX_FRAME) {
          throw new IOException("frame of " + length + " bytes exceeds SETTINGS_MAX_FRAME_SIZE " + MAX_FRAME);
        }
        byte[] payload = new byte[length];
        readFully(payload, false);
        if (headerBlockStream != 0 && type != 0x9) {
          throw new IOException("expected CONTINUATION for stream " + headerBlockStream + ", got frame type " + type);
        }
        switch (type) {
          case 0x0 -> onData(streamId, flags, payload);
          case 0x1 -> {
            int off = 0;
            int end = payload.length;
            if ((flags & 0x8) != 0) {
              int pad = payload[0] & 0xFF;
              off = 1;
              end -= pad;
            }
            if ((flags & 0x20) != 0) {
              off += 5;
            }
            if (off > end) {
              throw new IOException("bad HEADERS padding");
            }
            byte[] fragment = java.util.Arrays.copyOfRange(payload, off, end);
            headerBlock.clear();
            headerBlock.add(fragment);
            headerBlockSize = fragment.length;
            headerBlockEnd = (flags & 0x1) != 0;
            if ((flags & 0x4) != 0) {
              onHeaders(streamId, headerBlock, headerBlockEnd);
            } else {
              headerBlockStream = streamId;
            }
          }
          case 0x9 -> {
            if (streamId != headerBlockStream || headerBlockStream == 0) {
              throw new IOException("unexpected CONTINUATION on stream " + streamId);
            }
            headerBlock.add(payload);
            headerBlockSize += payload.length;
            if (headerBlockSize > MAX_HEADER_BLOCK) {
              throw new IOException("header block over " + MAX_HEADER_BLOCK + " bytes");
            }
            if ((flags & 0x4) != 0) {
              headerBlockStream = 0;
              onHeaders(streamId, headerBlock, headerBlockEnd);
            }
          }
          case 0x3 -> {
            H2Stream s = streams.get(streamId);
            if (s != null && payload.length >= 4) {
              s.onReset(Buffer.getInt(payload, 0));
            }
          }
          case 0x4 -> {
            if ((flags & 0x1) == 0) {
              onSettings(payload);
            }
          }
          case 0x6 -> {
            if ((flags & 0x1) == 0) {
              Buffer pong = new Buffer(17);
              H2Frames.header(pong, 8, 0x6, 0x1, 0);
              pong.write(payload, 0, Math.min(8, payload.length));
              writeControl(pong);
            }
          }
          case 0x7 -> onGoAway(payload);
          case 0x8 -> onWindowUpdate(streamId, payload);
          default -> {
            // PRIORITY, PUSH_PROMISE (disabled) and unknown frames are ignored
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      fail(Status.of(StatusCode.UNAVAILABLE, "connection to " + address + " failed: " + e.getMessage()).withCause(e).asException());
    }
  }

  private void onData(int streamId, int flags, byte[] payload) {
    int off = 0;
    int end = payload.length;
    if ((flags & 0x8) != 0 && payload.length > 0) {
      off = 1;
      end -= payload[0] & 0xFF;
    }
    // the connection window is reopened at once (in batches); the stream's only as its reader consumes
    connectionUnacked += payload.length;
    if (connectionUnacked >= CONNECTION_WINDOW / 2) {
      writeWindowUpdate(0, connectionUnacked);
      connectionUnacked = 0;
    }
    H2Stream s = streams.get(streamId);
    if (s == null) {
      return;
    }
    s.onData(payload, off, Math.max(off, end), payload.length, (flags & 0x1) != 0);
  }

  private void onHeaders(int streamId, List<byte[]> fragments, boolean endStream) {
    Http2FrameData[] frames = new Http2FrameData[fragments.size()];
    for (int i = 0; i < frames.length; i++) {
      byte[] f = fragments.get(i);
      frames[i] = new Http2FrameData(Http2FrameHeader.create(f.length, Http2FrameTypes.HEADERS, Http2Flag.HeaderFlags.create(0), streamId),
          BufferData.create(f));
    }
    H2Stream s = streams.get(streamId);
    // HPACK must see every header block, even of streams already gone, to keep its table in step
    Http2Headers headers = Http2Headers.create(s != null ? s.helidonView() : new H2Stream.HpackStream(streamId), decoderTable, huffmanDecoder, frames);
    if (s != null) {
      s.onHeaders(headers, endStream);
    }
  }

  private void onSettings(byte[] p) throws IOException {
    if (p.length % 6 != 0) {
      throw new IOException("SETTINGS frame of " + p.length + " bytes");
    }
    for (int i = 0; i < p.length; i += 6) {
      int id = Buffer.getUnsignedShort(p, i);
      long value = Integer.toUnsignedLong(Buffer.getInt(p, i + 2));
      switch (id) {
        case 0x1 -> {
          writeLock.lock();
          try {
            encoderTable.protocolMaxTableSize(Math.min(value, 4096));
          } finally {
            writeLock.unlock();
          }
        }
        case 0x3 -> peerMaxConcurrentStreams = value;
        case 0x4 -> {
          if (value > Integer.MAX_VALUE) {
            throw new IOException("SETTINGS_INITIAL_WINDOW_SIZE " + value + " is too large");
          }
          windowLock.lock();
          try {
            int delta = (int) value - peerInitialWindow;
            peerInitialWindow = (int) value;
            for (H2Stream s : streams.values()) {
              s.sendWindow += delta;
            }
            windowOpened.signalAll();
          } finally {
            windowLock.unlock();
          }
        }
        case 0x5 -> {
          if (value < 16_384 || value > 16_777_215) {
            throw new IOException("bad SETTINGS_MAX_FRAME_SIZE " + value);
          }
          peerMaxFrameSize = (int) value;
        }
        default -> {
          // ENABLE_PUSH, MAX_HEADER_LIST_SIZE and unknown settings need nothing here
        }
      }
    }
    Buffer ack = new Buffer(9);
    H2Frames.header(ack, 0, 0x4, 0x1, 0);
    writeControl(ack);
    settingsReceived.countDown();
  }

  private void onWindowUpdate(int streamId, byte[] p) throws IOException {
    if (p.length != 4) {
      throw new IOException("WINDOW_UPDATE of " + p.length + " bytes");
    }
    int increment = Buffer.getInt(p, 0) & 0x7FFFFFFF;
    windowLock.lock();
    try {
      if (streamId == 0) {
        connectionSendWindow += increment;
      } else {
        H2Stream s = streams.get(streamId);
        if (s != null) {
          s.sendWindow += increment;
        }
      }
      windowOpened.signalAll();
    } finally {
      windowLock.unlock();
    }
  }

  private void onGoAway(byte[] p) {
    goingAway = true;
    lastGoodStreamId = p.length >= 4 ? Buffer.getInt(p, 0) & 0x7FFFFFFF : 0;
    int code = p.length >= 8 ? Buffer.getInt(p, 4) : 0;
    for (H2Stream s : streams.values()) {
      if (s.id() > lastGoodStreamId) {
        s.fail(new UnsentException(Status.of(StatusCode.UNAVAILABLE, "the server is going away (GOAWAY " + code + "); the call was not processed")));
      }
    }
  }

  /** Fails the connection and every stream on it. */
  void fail(RpcException e) {
    if (failure == null) {
      failure = e;
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
    for (H2Stream s : streams.values()) {
      s.fail(failure);
    }
    settingsReceived.countDown();
    signalWindow();
  }

  void close() {
    fail(Status.of(StatusCode.UNAVAILABLE, "client closed").asException());
  }

  private boolean readFully(byte[] b, boolean endAllowed) throws IOException {
    int off = 0;
    while (off < b.length) {
      int n = in.read(b, off, b.length - off);
      if (n < 0) {
        if (off == 0 && endAllowed) {
          return false;
        }
        throw new EOFException("connection closed inside a frame");
      }
      off += n;
    }
    return true;
  }
}
