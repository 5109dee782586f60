package io.weft.server.internal;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.http.http2.FlowControl;
import io.weft.wire.Buffer;
import io.weft.wire.WriteCoalescer;
import io.weft.wire.grpc.H2Frames;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sits between the socket and Helidon's HTTP/2 connection and drops the client frames that
 * Helidon 4.5.0 wrongly treats as connection errors: a RST_STREAM or DATA frame for a stream that
 * is already closed (reset by either side, or ended by both). RFC 9113 section 5.1 says such frames
 * are to be ignored, since they cross the other side's RST_STREAM or END_STREAM on the wire;
 * Helidon answers them with GOAWAY(PROTOCOL_ERROR) and so kills every call on the connection,
 * which grpc-java clients trigger whenever a cancel or deadline races a response.
 *
 * <p>It also owns the connection's inbound flow-control window. Helidon 4.5.0 returns connection
 * window from every stream's thread through an unsynchronized counter, so under concurrent calls
 * it sends WINDOW_UPDATEs of 0 or credits the same bytes twice, and grpc-java closes the
 * connection ("Window size overflow for stream: 0"). So Helidon's connection-level WINDOW_UPDATEs
 * are dropped, and the filter grants {@value #CONNECTION_WINDOW} bytes itself: a stream's bytes are
 * credited back once Weft's call has taken them ({@link #consumed}), or when the stream closes
 * (whatever was still queued for it will never be read), and a dropped frame's at once.
 *
 * <p>It is also where the connection's bytes leave: Helidon's frames (written whole, one per call)
 * and Weft's gRPC frames ({@link #send}) share one {@link WriteCoalescer}, so that the frames of
 * concurrent calls go out in one system call.
 *
 * <p>Threads: the read side runs on Helidon's connection thread; the write side on whichever
 * thread writes (one at a time, by the coalescer). The stream table is guarded by {@link #streamsLock}.
 */
final class H2FrameFilter {
  private static final int PREFACE_LENGTH = 24;
  private static final int CLIENT_RST = 1;
  private static final int SERVER_RST = 2;
  private static final int CLIENT_END = 4;
  private static final int SERVER_END = 8;
  /** Closed streams remembered for late frames; older ones are forgotten. */
  private static final int CLOSED_MEMORY = 4096;
  /** The SETTINGS_MAX_FRAME_SIZE Weft's server advertises. */
  static final int MAX_FRAME = 16_384;
  /** The connection's inbound window (Helidon's default stream window, as Helidon would grant). */
  static final int CONNECTION_WINDOW = 1 << 20;
  /** Credit is returned in WINDOW_UPDATEs of at least this much, so that a busy connection sends few. */
  private static final int CREDIT_BATCH = CONNECTION_WINDOW / 4;
  private static final int DEFAULT_WINDOW = 65_535;

  private final ConnectionContext ctx;
  private final InputStream in;
  private final DataWriter out;
  private final WriteCoalescer output;
  private final ReentrantLock windowLock = new ReentrantLock();
  private final ReentrantLock streamsLock = new ReentrantLock();
  private final Map<Integer, StreamState> streams = new HashMap<>();
  private final ArrayDeque<Integer> closedOrder = new ArrayDeque<>();
  private final byte[] header = new byte[9];
  /** Streams the client opened that have not closed yet (an estimate: forgotten ids are not tracked). */
  private volatile int openStreams;
  /** Connection window taken by the client and handed back, not yet sent in a WINDOW_UPDATE; guarded by streamsLock. */
  private int credit;
  /** Whether Helidon's SETTINGS went out, and the WINDOW_UPDATE that opens the connection window after it; write side only. */
  private boolean windowOpened;
  private boolean prefaceDone;
  private long dropped;

  private H2FrameFilter(ConnectionContext ctx) {
    this.ctx = ctx;
    this.in = new DataReaderInputStream(ctx.dataReader());
    this.out = ctx.dataWriter();
    this.output = new WriteCoalescer((b, off, len) -> out.writeNow(BufferData.create(b, off, len)));
  }

  /** A connection context whose reader and writer pass through a new filter. */
  static ConnectionContext wrap(ConnectionContext ctx) {
    return new H2FrameFilter(ctx).new Context();
  }

  /** The filter of a connection context that {@link #wrap} made. */
  static H2FrameFilter of(ConnectionContext ctx) {
    return ((Context) ctx).filter();
  }

  /**
   * Queues whole frames of Weft's own for the socket; they leave with whatever else is queued, in
   * one write. Returns once queued: another thread may be the one that writes them.
   */
  void send(Buffer frames) throws IOException {
    observeServer(frames.array(), 0, frames.size());
    output.write(frames);
  }

  /**
   * Whether other calls are open on this connection, so that a call's last frames are worth
   * sending {@code soon}: replies that finish meanwhile then share one system call.
   */
  boolean othersOpen() {
    return openStreams > 1;
  }

  /** As {@link #send(Buffer)}; when {@code soon}, the write is left to another thread, so that more frames can join it. */
  void send(Buffer frames, boolean soon) throws IOException {
    observeServer(frames.array(), 0, frames.size());
    output.write(frames, soon);
  }

  /**
   * Takes up to {@code wanted} bytes (and at most one frame's worth) of a stream's send window and
   * of the connection's, atomically with the other streams of this connection; 0 when either is shut.
   */
  int takeWindow(FlowControl.Outbound flowControl, int wanted) {
    windowLock.lock();
    try {
      int n = Math.min(Math.min(wanted, flowControl.maxFrameSize()), flowControl.getRemainingWindowSize());
      if (n > 0) {
        flowControl.decrementWindowSize(n);
      }
      return Math.max(n, 0);
    } finally {
      windowLock.unlock();
    }
  }

  /** Frames dropped so far (for tests and statistics). */
  long dropped() {
    return dropped;
  }

  // ---- read side: Helidon's connection thread ----

  /** The next chunk of bytes for Helidon: the preface, or one whole frame that is not dropped; null at the end. */
  private byte[] next() {
    try {
      if (!prefaceDone) {
        prefaceDone = true;
        byte[] preface = new byte[PREFACE_LENGTH];
        return readFully(preface, true) ? preface : null;
      }
      while (true) {
        if (!readFully(header, true)) {
          return null;
        }
        int length = frameLength(header, 0);
        int type = header[3] & 0xFF;
        int flags = header[4] & 0xFF;
        int streamId = Buffer.getInt(header, 5) & 0x7FFFFFFF;
        if (length > MAX_FRAME) {
          throw new IOException("HTTP/2 frame of " + length + " bytes exceeds SETTINGS_MAX_FRAME_SIZE " + MAX_FRAME);
        }
        byte[] frame = new byte[9 + length];
        System.arraycopy(header, 0, frame, 0, 9);
        readFully(frame, 9, length);
        if (streamId != 0 && (type == 0x0 || type == 0x3) && !admit(type, streamId, length)) {
          dropped++;
          continue;
        }
        noteClient(type, flags, streamId);
        return frame;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void noteClient(int type, int flags, int streamId) {
    if (streamId == 0) {
      return;
    }
    if (type == 0x3) {
      mark(streamId, CLIENT_RST);
    } else if ((type == 0x0 || type == 0x1) && (flags & 0x1) != 0) {
      mark(streamId, CLIENT_END);
    } else if (type == 0x1) {
      mark(streamId, 0);
    }
  }

  /**
   * Whether a client DATA or RST_STREAM frame goes on to Helidon: not when its stream is closed.
   * A DATA frame's bytes count against the stream until Weft's call takes them; a dropped one's,
   * or one for a stream never seen (Helidon rejects it), are credited back at once.
   */
  private boolean admit(int type, int streamId, int length) {
    int update;
    boolean pass;
    streamsLock.lock();
    try {
      StreamState s = streams.get(streamId);
      pass = s == null || !closed(s.bits);
      if (type == 0x0 && length > 0) {
        if (pass && s != null) {
          s.unconsumed += length;
        } else {
          credit += length;
        }
      }
      update = takeCredit();
    } finally {
      streamsLock.unlock();
    }
    sendCredit(update);
    return pass;
  }

  /**
   * Weft's call on {@code streamId} has taken a DATA frame of {@code length} bytes (as counted on
   * the wire, padding included) from Helidon: the connection window it held is the client's again.
   * Called from the stream's thread.
   */
  void consumed(int streamId, int length) {
    int update;
    streamsLock.lock();
    try {
      StreamState s = streams.get(streamId);
      if (s == null || closed(s.bits) || length <= 0) {
        return; // credited when it closed
      }
      int n = Math.min(length, s.unconsumed);
      s.unconsumed -= n;
      credit += n;
      update = takeCredit();
    } finally {
      streamsLock.unlock();
    }
    sendCredit(update);
  }

  /** The credit to send now, if enough has gathered; under streamsLock. */
  private int takeCredit() {
    if (credit < CREDIT_BATCH) {
      return 0;
    }
    int n = credit;
    credit = 0;
    return n;
  }

  /** Sends a connection WINDOW_UPDATE of {@code n} (none if 0); never blocks, so the reader may call it. */
  private void sendCredit(int n) {
    if (n > 0) {
      Buffer update = new Buffer(16);
      H2Frames.windowUpdate(update, 0, n);
      try {
        output.writeSoonWithoutWaiting(update);
      } catch (IOException e) {
        // the connection is failing: its next read or write ends it
      }
    }
  }

  private static boolean closed(int state) {
    return (state & (CLIENT_RST | SERVER_RST)) != 0 || (state & (CLIENT_END | SERVER_END)) == (CLIENT_END | SERVER_END);
  }

  private void mark(int streamId, int bit) {
    int update;
    streamsLock.lock();
    try {
      StreamState s = streams.get(streamId);
      boolean known = s != null;
      if (!known) {
        s = new StreamState();
        streams.put(streamId, s);
      }
      int before = s.bits;
      s.bits |= bit;
      boolean nowClosed = !closed(before) && closed(s.bits);
      if (!known && !closed(s.bits)) {
        openStreams++;
      }
      if (known && nowClosed) {
        openStreams--;
      }
      if (nowClosed) {
        credit += s.unconsumed; // whatever Helidon still holds for the stream, no call will take
        s.unconsumed = 0;
        closedOrder.add(streamId);
        if (closedOrder.size() > CLOSED_MEMORY) {
          streams.remove(closedOrder.poll());
        }
      }
      update = takeCredit();
    } finally {
      streamsLock.unlock();
    }
    sendCredit(update);
  }

  /** What the filter knows of one stream; guarded by streamsLock. */
  private static final class StreamState {
    /** CLIENT_RST, SERVER_RST, CLIENT_END, SERVER_END. */
    int bits;
    /** DATA bytes read for the stream that Weft's call has not taken yet. */
    int unconsumed;
  }

  private boolean readFully(byte[] b, boolean endAllowed) throws IOException {
    int n = in.read(b, 0, b.length);
    if (n < 0) {
      if (endAllowed) {
        return false;
      }
      throw new EOFException("connection closed inside a frame");
    }
    readFully(b, n, b.length - n);
    return true;
  }

  private void readFully(byte[] b, int off, int len) throws IOException {
    int end = off + len;
    while (off < end) {
      int n = in.read(b, off, end - off);
      if (n < 0) {
        throw new EOFException("connection closed inside a frame");
      }
      off += n;
    }
  }

  // ---- write side ----

  /**
   * Notes the streams that whole frames in {@code b} reset or end, when they are queued rather than
   * when written: from then on, the client's frames for those streams are late ones.
   */
  private void observeServer(byte[] b, int off, int len) {
    int at = off;
    int end = off + len;
    while (at + 9 <= end) {
      int length = frameLength(b, at);
      int type = b[at + 3] & 0xFF;
      int flags = b[at + 4] & 0xFF;
      int streamId = Buffer.getInt(b, at + 5) & 0x7FFFFFFF;
      if (streamId != 0) {
        if (type == 0x3) {
          mark(streamId, SERVER_RST);
        } else if ((type == 0x0 || type == 0x1) && (flags & 0x1) != 0) {
          mark(streamId, SERVER_END);
        }
      }
      at += 9 + length;
    }
  }

  /**
   * Helidon's frames with its connection-level WINDOW_UPDATEs taken out, and the filter's own
   * opening one put after Helidon's first SETTINGS (the bytes unchanged when there is neither).
   */
  private byte[] ownConnectionWindow(byte[] b) {
    Buffer out = null;
    int copied = 0; // b[0, copied) is in out, or needs no change
    for (int at = 0; at + 9 <= b.length; at += 9 + frameLength(b, at)) {
      int type = b[at + 3] & 0xFF;
      boolean connection = (Buffer.getInt(b, at + 5) & 0x7FFFFFFF) == 0;
      boolean drop = connection && type == 0x8;
      boolean open = connection && type == 0x4 && (b[at + 4] & 0x1) == 0 && !windowOpened;
      if (!drop && !open) {
        continue;
      }
      if (out == null) {
        out = new Buffer(b.length + 16);
      }
      int next = Math.min(at + 9 + frameLength(b, at), b.length);
      out.write(b, copied, (drop ? at : next) - copied);
      copied = next;
      if (open) {
        windowOpened = true;
        H2Frames.windowUpdate(out, 0, CONNECTION_WINDOW - DEFAULT_WINDOW);
      }
    }
    if (out == null) {
      return b;
    }
    out.write(b, copied, b.length - copied);
    return java.util.Arrays.copyOf(out.array(), out.size());
  }

  private static int frameLength(byte[] b, int at) {
    return (b[at] & 0xFF) << 16 | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF);
  }

  /** Helidon's own frames: queued with Weft's, and written before the call returns. */
  private final class FilteringWriter implements DataWriter {
    @Override
    public void write(BufferData... buffers) {
      writeNow(buffers);
    }

    @Override
    public void write(BufferData buffer) {
      writeNow(buffer);
    }

    @Override
    public void writeNow(BufferData... buffers) {
      writeNow(BufferData.create(buffers));
    }

    @Override
    public void writeNow(BufferData buffer) {
      byte[] bytes = new byte[buffer.available()];
      buffer.read(bytes);
      bytes = ownConnectionWindow(bytes);
      if (bytes.length == 0) {
        return;
      }
      observeServer(bytes, 0, bytes.length);
      try {
        output.write(bytes, 0, bytes.length, true);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The connection as Helidon's HTTP/2 connection sees it: every byte in and out passes the filter. */
  private final class Context implements ConnectionContext {
    private final DataReader reader = new DataReader(H2FrameFilter.this::next);
    private final DataWriter writer = new FilteringWriter();

    H2FrameFilter filter() {
      return H2FrameFilter.this;
    }

    @Override
    public ListenerContext listenerContext() {
      return ctx.listenerContext();
    }

    @Override
    public ExecutorService executor() {
      return ctx.executor();
    }

    @Override
    public DataWriter dataWriter() {
      return writer;
    }

    @Override
    public DataReader dataReader() {
      return reader;
    }

    @Override
    public Router router() {
      return ctx.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
      return ctx.proxyProtocolData();
    }

    @Override
    public HelidonSocket serverSocket() {
      return ctx.serverSocket();
    }

    @Override
    public PeerInfo remotePeer() {
      return ctx.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
      return ctx.localPeer();
    }

    @Override
    public boolean isSecure() {
      return ctx.isSecure();
    }

    @Override
    public String socketId() {
      return ctx.socketId();
    }

    @Override
    public String childSocketId() {
      return ctx.childSocketId();
    }
  }
}
