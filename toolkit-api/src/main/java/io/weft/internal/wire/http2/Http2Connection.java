package io.weft.internal.wire.http2;

import io.weft.api.Deadline;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WriteCoalescer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One HTTP/2 connection, client or server side: Weft's engine (RFC 9113, HPACK by RFC 7541). It
 * reads frames on one thread (the server's connection thread in {@link #serve}, or a virtual thread
 * of its own on a client), keeps the stream states, both directions' flow-control windows and the
 * peer's settings, answers SETTINGS and PING, enforces the limits that keep a hostile peer from
 * costing more than the frames it sends (header blocks, pings, settings, resets, bytes held for a
 * peer that does not read), and ends with GOAWAY.
 *
 * <p>What the peer's frames do is {@link InboundFrames}'s part; this class keeps the state they
 * change and everything this side starts: the preface, writes, new streams, shutdown, keepalive.
 *
 * <p>Threads: the reader never runs user code (listeners must not block) and never blocks on a
 * write: what it sends is queued for a writer thread. The layer above writes from its own threads
 * through {@link Http2Stream#write}. One lock, {@link #lock}, guards all shared state; no bytes are
 * written while it is held, and listeners are called outside it. A client's stream openings also
 * hold {@link #writeLock}, which keeps HPACK blocks and stream ids in wire order (lock order:
 * writeLock before lock).
 */
public final class Http2Connection {
  private static final System.Logger LOG = System.getLogger(Http2Connection.class.getName());

  /**
   * Closed streams remembered, to tell late frames (ignored) from frames on streams that never
   * were.
   */
  static final long SHUTDOWN_PING = 0x7765667447L; // "weftG"

  /** The socket under a connection. */
  public interface Transport {
    /** Reads at least one byte, blocking; -1 at the end of the stream. */
    int read(byte[] b, int off, int len) throws IOException;

    /** Writes every byte (one thread at a time). */
    void write(byte[] b, int off, int len) throws IOException;

    /** Closes the socket; idempotent, never throws. */
    void close();
  }

  /** What a server does with the streams clients open. */
  public interface Acceptor {
    /**
     * A stream opened with {@code headers} (already checked against RFC 9113's rules). Reader
     * thread: must not block, and must set the stream's listener or reset it.
     */
    void accept(Http2Stream stream, Fields headers, boolean endStream);

    /** The connection is over; every stream on it has heard of it already. */
    default void closed(Http2Connection connection) {}
  }

  final boolean client;
  final Http2Config config;
  private final Transport transport;
  final String peer;
  final Acceptor acceptor;
  final WriteCoalescer out;
  final FrameReader reader;
  private final InboundFrames inbound = new InboundFrames(this);
  final HpackDecoder decoder;

  /** Client only (a server writes literals: {@link StatelessHpack}); guarded by writeLock. */
  private final HpackEncoder encoder;

  private final ReentrantLock writeLock = new ReentrantLock();
  final ReentrantLock lock = new ReentrantLock();
  final CountDownLatch settingsReceived = new CountDownLatch(1);

  // guarded by lock
  final IntMap<Http2Stream> streams = new IntMap<>(16);
  final ClosedStreams closed = new ClosedStreams();
  final Settings peerSettings = new Settings();
  long sendWindow = Settings.DEFAULT_WINDOW;
  int recvWindow;
  int credit;
  int lastPeerStreamId;
  int nextStreamId = 1;

  /**
   * Streams open; written under the lock, read without it where a moment's staleness does not
   * matter.
   */
  volatile int active;

  private int reserved;
  private long pending;
  final java.util.LinkedHashSet<Http2Stream> blocked = new java.util.LinkedHashSet<>();
  boolean shuttingDown;

  /** Streams above this id are refused (GOAWAY sent); MAX_VALUE until then. */
  int acceptUpTo = Integer.MAX_VALUE;

  boolean goAwayReceived;
  StreamException lost;
  long idleSince = System.nanoTime();
  volatile int peerMaxFrameSize = Settings.MIN_FRAME;
  volatile int peerHeaderTableSize = 4096;

  /**
   * The smallest SETTINGS_HEADER_TABLE_SIZE the peer set since the client's last header block
   * (reset under writeLock).
   */
  volatile int peerHeaderTableLow = 4096;

  private int appliedHeaderTableSize = 4096; // guarded by writeLock

  // confined to the reader thread
  /**
   * Set when the server sends headers or data: pings are fair again (grpc-java resets its enforcer
   * on every write).
   */
  volatile boolean strikesReset;

  // keepalive and shutdown timers
  final KeepAlive keepAlive;
  private volatile ScheduledFuture<?> closeTask;
  volatile boolean roomWanted;
  private final java.util.concurrent.atomic.AtomicBoolean heldFlushArmed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private Http2Connection(
      boolean client, Transport transport, String peer, Http2Config config, Acceptor acceptor) {
    this.client = client;
    this.transport = transport;
    this.peer = peer;
    this.config = config;
    this.acceptor = acceptor;
    this.out = new WriteCoalescer(transport::write, this::onRoom);
    this.reader =
        new FrameReader(
            transport::read,
            Http2Config.MAX_FRAME_SIZE,
            config.maxHeaderBlockBytes(),
            config.maxHeaderBlockFrames());
    this.decoder = new HpackDecoder(4096, config.maxHeaderListSize());
    this.encoder = client ? new HpackEncoder(4096, false) : null;
    this.recvWindow = config.connectionWindow();
    this.keepAlive = new KeepAlive(this);
  }

  /**
   * A server connection over {@code transport}, whose client's preface has not been read yet; run
   * it with {@link #serve}.
   */
  public static Http2Connection server(
      Transport transport, String peer, Http2Config config, Acceptor acceptor) {
    return new Http2Connection(false, transport, peer, config, acceptor);
  }

  /**
   * A client connection over {@code transport}: sends the preface and settings and starts the
   * reader thread. Wait for the server's settings with {@link #awaitSettings}.
   */
  public static Http2Connection client(Transport transport, String peer, Http2Config config)
      throws IOException {
    Http2Connection c = new Http2Connection(true, transport, peer, config, null);
    Buffer b = new Buffer(64);
    b.write(Frames.PREFACE, 0, Frames.PREFACE.length);
    c.writePreface(b);
    c.out.write(b);
    Thread.ofVirtual().name("weft-h2-reader " + peer).start(c::readLoop);
    c.keepAlive.start();
    return c;
  }

  /** Our SETTINGS and the WINDOW_UPDATE that opens the connection window past the default. */
  private void writePreface(Buffer b) {
    Settings ours = new Settings();
    ours.enablePush = 0;
    ours.initialWindowSize = config.streamWindow();
    ours.maxHeaderListSize = config.maxHeaderListSize();
    if (!client) {
      ours.maxConcurrentStreams = config.maxConcurrentStreams();
    }
    ours.write(b);
    if (config.connectionWindow() > Settings.DEFAULT_WINDOW) {
      Frames.windowUpdate(b, 0, config.connectionWindow() - Settings.DEFAULT_WINDOW);
    }
  }

  /** The peer, for log lines. */
  public String peer() {
    return peer;
  }

  // ---- server: the connection thread's loop ----

  /** Serves the connection on the calling thread until it ends. Never throws. */
  public void serve() {
    read(true);
  }

  private void readLoop() {
    read(false);
  }

  /**
   * The reader: a server first sends its preface and reads the client's; then frames until the end.
   */
  private void read(boolean server) {
    try {
      if (server) {
        Buffer b = new Buffer(64);
        writePreface(b);
        out.write(b);
        keepAlive.start();
        reader.readPreface();
      }
      inbound.readFrames();
    } catch (Http2Exception e) {
      connectionError(e);
    } catch (IOException e) {
      lose(e);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "HTTP/2 connection " + (client ? "to " : "from ") + peer + " failed",
          e);
      lose(new IOException(e.toString(), e));
    } finally {
      lose(null);
    }
  }

  /** The coalescer wrote a batch: wake writers waiting for socket room. Writer thread. */
  private void onRoom() {
    if (roomWanted && out.hasRoom()) {
      lock.lock();
      try {
        roomWanted = false;
        for (Http2Stream s : blocked) {
          s.signal(); // the reader's own senders (sendLater) wait for windows only, and ignore this
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Makes {@code s} wait for the connection window or socket room; false if room appeared meanwhile
   * (then the caller tries again instead of waiting). Holds the lock.
   */
  boolean blockOnConnection(Http2Stream s) {
    blocked.add(s);
    if (!out.hasRoom()) {
      roomWanted = true;
      return out.hasRoom()
          ? false
          : true; // the coalescer may have drained before it saw roomWanted
    }
    return true;
  }

  // ---- flood limits (reader thread) ----

  // ---- flow control: what the layer takes ----

  /** The layer took {@code n} bytes of {@code s}: return them to the windows. Any thread. */
  void consumed(Http2Stream s, int n) {
    if (n <= 0) {
      return;
    }
    int streamUpdate;
    int connUpdate;
    lock.lock();
    try {
      if (s.closed) {
        return; // credited when it closed
      }
      int m = Math.min(n, s.unconsumed);
      s.unconsumed -= m;
      s.credit += m;
      credit += m;
      streamUpdate = s.remoteEnd ? 0 : takeStreamCredit(s);
      connUpdate = takeConnectionCredit();
    } finally {
      lock.unlock();
    }
    sendCredit(s.id, streamUpdate, connUpdate);
  }

  /** The stream credit to return now, if enough has gathered. Holds the lock. */
  int takeStreamCredit(Http2Stream s) {
    if (s.credit < config.streamWindow() / 4) {
      return 0;
    }
    int n = s.credit;
    s.credit = 0;
    s.recvWindow += n;
    return n;
  }

  /** The connection credit to return now, if enough has gathered. Holds the lock. */
  int takeConnectionCredit() {
    if (credit < config.connectionWindow() / 4) {
      return 0;
    }
    int n = credit;
    credit = 0;
    recvWindow += n;
    return n;
  }

  void sendCredit(int streamId, int streamUpdate, int connUpdate) {
    if (streamUpdate == 0 && connUpdate == 0) {
      return;
    }
    Buffer b = new Buffer(32);
    if (connUpdate > 0) {
      Frames.windowUpdate(b, 0, connUpdate);
    }
    if (streamUpdate > 0) {
      Frames.windowUpdate(b, streamId, streamUpdate);
    }
    sendControl(b);
  }

  // ---- send limits ----

  /**
   * Charges {@code n} more waiting bytes of {@code s}; null if within the limits, else why not.
   * Holds the lock.
   */
  String charge(Http2Stream s, long n) {
    if (s.charged + n > config.maxPendingPerStream()) {
      return "a stream would hold "
          + (s.charged + n)
          + " bytes for a peer that does not read (limit "
          + config.maxPendingPerStream()
          + ")";
    }
    if (pending + n > config.maxPendingPerConnection()) {
      return "the connection's streams would hold "
          + (pending + n)
          + " bytes for a peer that does not read (limit "
          + config.maxPendingPerConnection()
          + ")";
    }
    SendBudget budget = config.budget();
    if (budget != null && !budget.tryTake(n)) {
      return "the server holds "
          + budget.held()
          + " bytes for peers that do not read (limit "
          + budget.limit()
          + ")";
    }
    pending += n;
    return null;
  }

  /** Holds the lock. */
  void uncharge(long n) {
    pending -= n;
    SendBudget budget = config.budget();
    if (budget != null) {
      budget.give(n);
    }
  }

  // ---- closing streams ----

  /** Counts streams opened (+1) and ended (-1). Holds the lock. */
  @SuppressWarnings(
      "NonAtomicVolatileUpdate") // every writer holds the lock; volatile only for reads without it
  void addActive(int delta) {
    active += delta;
  }

  /** Ends {@code s} in the table: both sides done, or reset. Holds the lock. */
  void close(Http2Stream s) {
    if (s.closed) {
      return;
    }
    s.closed = true;
    streams.remove(s.id);
    addActive(-1);
    credit +=
        s.unconsumed; // whatever the layer has not taken, it never will count against the window
    s.unconsumed = 0;
    closed.mark(
        s.id,
        s.resetSent
            ? ClosedStreams.RESET_SENT
            : s.resetReceived ? ClosedStreams.RESET_RECEIVED : ClosedStreams.ENDED);
    s.signal();
    blocked.remove(s);
    if (active == 0) {
      idleSince = System.nanoTime();
      if (shuttingDown || goAwayReceived) {
        scheduleClose();
      }
    }
  }

  /** The layer resets its stream: RST_STREAM unless it is over already. Any thread. */
  void resetFromLayer(Http2Stream s, ErrorCode code) {
    boolean send;
    lock.lock();
    try {
      send = resetLocked(s, code);
    } finally {
      lock.unlock();
    }
    if (send) {
      queueReset(s.id, code);
    }
  }

  /**
   * Marks {@code s} reset by this side; true if the caller must queue the RST_STREAM (false when it
   * was over already, or when a writer in progress will queue it after its frames). Holds the lock.
   */
  boolean resetLocked(Http2Stream s, ErrorCode code) {
    if (s.closed || s.resetSent) {
      return false;
    }
    s.resetSent = true;
    if (s.failure == null) {
      s.failure =
          new StreamException(
              StreamException.Kind.RESET_LOCALLY, code, "the stream was reset (" + code + ")");
    }
    close(s);
    if (s.writing) {
      s.deferredReset = code;
      return false;
    }
    return true;
  }

  void queueReset(int streamId, ErrorCode code) {
    Buffer b = new Buffer(16);
    Frames.rstStream(b, streamId, code);
    sendControl(b);
  }

  // ---- writing ----

  int peerMaxFrameSize() {
    return peerMaxFrameSize;
  }

  /**
   * Appends a header block for {@code streamId}: a server's as stateless literals (any thread), a
   * client's with its HPACK encoder (the caller holds writeLock and queues the bytes before
   * releasing it).
   */
  void encodeHeaders(Buffer b, int streamId, Fields fields, boolean endStream) {
    byte[] cached = fields.statelessBlock;
    if (!client && cached != null && peerHeaderTableSize >= 4096) {
      // a server's usual headers and trailers, encoded once: framed straight from the cache
      strikesReset = true;
      Frames.headers(b, streamId, cached, 0, cached.length, endStream, peerMaxFrameSize);
      return;
    }
    Buffer block = new Buffer(128 + fields.size() * 32);
    if (client) {
      if (!writeLock.isHeldByCurrentThread()) {
        throw new IllegalStateException(
            "a client writes header blocks only when it opens a stream");
      }
      int table = peerHeaderTableSize;
      int low = peerHeaderTableLow;
      if (table != appliedHeaderTableSize || low < table) {
        // RFC 7541 4.2: a size that went down and back up between two blocks is signalled as its
        // smallest, then its last
        if (low < table) {
          encoder.peerMaxTableSize(low);
        }
        encoder.peerMaxTableSize(table);
        appliedHeaderTableSize = table;
        peerHeaderTableLow = table;
      }
      encoder.beginBlock(block);
      for (int i = 0; i < fields.size(); i++) {
        String name = fields.name(i);
        encoder.field(block, name, fields.value(i), HpackEncoder.indexing(name));
      }
    } else {
      StatelessHpack.block(block, fields, peerHeaderTableSize);
      strikesReset =
          true; // the server answered: pings are fair again (grpc-java resets its enforcer on every
      // write)
    }
    Frames.headers(b, streamId, block.array(), 0, block.size(), endStream, peerMaxFrameSize);
  }

  /** Queues bytes from a layer thread (blocking only briefly while the socket is far behind). */
  void send(Buffer b, Http2Stream.Flush flush) throws StreamException {
    try {
      switch (flush) {
        case NOW -> out.write(b);
        case SOON -> out.writeSoon(b);
        case HELD -> {
          out.hold(b);
          if (!heldFlushArmed.getAndSet(true)) {
            // the writer promised to flush before it waits; if its next step is slow instead,
            // what it held leaves within a millisecond anyway
            ScheduledFuture<?> unused =
                config
                    .timer()
                    .schedule(
                        () -> {
                          heldFlushArmed.set(false);
                          out.flushHeldInBackground(); // throws nothing: the flush runs, and
                          // fails, on its own thread
                        },
                        1,
                        TimeUnit.MILLISECONDS);
          }
        }
      }
    } catch (IOException e) {
      throw lostNow(e);
    }
  }

  /**
   * Writes what writes with {@link Http2Stream.Flush#HELD} left queued (the caller is about to
   * wait). Any thread but the reader.
   */
  public void flushHeld() {
    try {
      out.flushHeld();
    } catch (IOException e) {
      lose(e);
    }
  }

  /** Queues a frame without ever blocking (the reader's path; also resets from any thread). */
  void sendControl(Buffer b) {
    if (lost != null) {
      return; // the reader may still be handling frames it read before the end
    }
    if (out.queued() > 2 * WriteCoalescer.MAX_QUEUED + config.maxQueuedControlFrames() * 17L) {
      // the peer does not read what it makes us send (Netty's and Go's control-frame limit)
      LOG.log(
          System.Logger.Level.WARNING,
          "closing HTTP/2 connection "
              + (client ? "to " : "from ")
              + peer
              + ": it does not read the acknowledgements its frames cause");
      lose(
          new IOException(
              "the peer does not read its acknowledgements (" + out.queued() + " bytes queued)"));
      return;
    }
    try {
      out.writeSoonWithoutWaiting(b);
    } catch (IOException e) {
      lose(e);
    }
  }

  // ---- client: opening streams ----

  /**
   * Waits for the server's first SETTINGS; false if the deadline (or {@code maxWait}) passed first,
   * or the connection ended ({@link #lostReason}).
   */
  public boolean awaitSettings(long maxWaitNanos) throws InterruptedException {
    return settingsReceived.await(maxWaitNanos, TimeUnit.NANOSECONDS) && lostCause() == null;
  }

  /**
   * Why the connection ended (closed by the peer, failed, or a connection error, which names what
   * the peer sent); null while it lives.
   */
  public String lostReason() {
    StreamException l = lostCause();
    return l == null ? null : l.getMessage();
  }

  /**
   * Reserves a stream slot under the peer's SETTINGS_MAX_CONCURRENT_STREAMS; false if none is free
   * or the connection cannot take streams.
   */
  public boolean tryReserve() {
    lock.lock();
    try {
      if (lost != null
          || goAwayReceived
          || shuttingDown
          || nextStreamId < 0
          || active + reserved >= peerSettings.maxConcurrentStreams) {
        return false;
      }
      reserved++;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Gives back a reservation that {@link #newStream} will not use. */
  public void unreserve() {
    lock.lock();
    try {
      reserved--;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Opens a stream on a reserved slot (always consumed, even when this throws): its HEADERS, and as
   * much of {@code data} as the windows allow, leave in one write; the rest follows as they open,
   * until {@code deadline}.
   */
  public Http2Stream newStream(
      Fields headers,
      byte[] data,
      int off,
      int len,
      boolean endStream,
      Http2Stream.Listener listener,
      Deadline deadline,
      boolean soon)
      throws StreamException {
    Http2Stream s;
    int n;
    boolean writer;
    Buffer b = new Buffer(256 + Math.min(len, 16 * 1024));
    writeLock.lock();
    try {
      lock.lock();
      try {
        reserved--;
        StreamException f = lostCause();
        if (f != null) {
          throw f;
        }
        if (goAwayReceived || shuttingDown || nextStreamId < 0) {
          throw new StreamException(
              StreamException.Kind.REFUSED,
              ErrorCode.REFUSED_STREAM,
              "the connection to " + peer + " is going away");
        }
        s =
            new Http2Stream(
                this, nextStreamId, peerSettings.initialWindowSize, config.streamWindow());
        nextStreamId += 2;
        s.listener = listener;
        streams.put(s.id, s);
        addActive(1);
        idleSince = 0;
        n =
            out.hasRoom()
                ? (int) Math.max(0, Math.min(Math.min(s.sendWindow, sendWindow), len))
                : 0;
        s.sendWindow -= n;
        sendWindow -= n;
        if (n == len && endStream) {
          s.localEnd = true;
        }
      } finally {
        lock.unlock();
      }
      encodeHeaders(b, s.id, headers, len == 0 && endStream);
      if (n > 0) {
        Frames.data(b, s.id, data, off, n, n == len && endStream, peerMaxFrameSize);
      }
      writer =
          out.enqueue(
              b.array(), 0, b.size(), true); // in HPACK and stream-id order, under writeLock
    } catch (IOException e) {
      throw lostNow(e);
    } finally {
      writeLock.unlock();
    }
    if (writer) {
      try {
        out.flush(soon); // outside writeLock: other streams open while this thread writes
      } catch (IOException e) {
        throw lostNow(e);
      }
    }
    if (n < len) {
      try {
        s.write(null, data, off + n, len - n, null, endStream, deadline, true);
      } catch (StreamException e) {
        s.reset(ErrorCode.CANCEL);
        throw e;
      }
    }
    return s;
  }

  // ---- lifecycle ----

  /**
   * Whether the connection still carries streams and may open more (client) or accept more
   * (server).
   */
  public boolean isAlive() {
    lock.lock();
    try {
      return lost == null && !goAwayReceived && !shuttingDown;
    } finally {
      lock.unlock();
    }
  }

  /** Streams open now (a snapshot: no lock taken). */
  public int activeStreams() {
    return active;
  }

  /** How long no stream has been open; zero while one is. */
  public long idleNanos() {
    lock.lock();
    try {
      return active > 0 || idleSince == 0 ? 0 : System.nanoTime() - idleSince;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The peer's GOAWAY with an error, for the reason streams failing with the connection give (null
   * if none came).
   */
  volatile String goAwayReason;

  /**
   * Set when the server ended the connection because this client pinged too often (grpc-java's
   * "too_many_pings").
   */
  volatile boolean tooManyPings;

  /**
   * Whether the server closed the connection because this client's keepalive pings came too often.
   */
  public boolean pingedTooOften() {
    return tooManyPings;
  }

  /** Why the connection is dead, or null while it lives. */
  StreamException lostCause() {
    return lost;
  }

  /**
   * Ends the connection gracefully: GOAWAY(NO_ERROR) so that the peer opens no more streams; the
   * open ones finish; then the socket closes. With streams open, a server first announces the
   * largest id and a PING, and names the real last stream once the PING returns (grpc-java's two
   * GOAWAYs), so that requests already in flight are not lost. Any thread.
   */
  public void shutdown() {
    boolean idle;
    lock.lock();
    try {
      if (shuttingDown || lost != null) {
        return;
      }
      shuttingDown = true;
      idle = active == 0;
    } finally {
      lock.unlock();
    }
    if (idle || client) {
      finalGoAway();
      closeGracefully();
      return;
    }
    Buffer b = new Buffer(40);
    Frames.goAway(b, Integer.MAX_VALUE, ErrorCode.NO_ERROR, "");
    Frames.ping(b, false, SHUTDOWN_PING);
    sendControl(b);
    ScheduledFuture<?> unused =
        config
            .timer()
            .schedule(this::finalGoAway, 1, TimeUnit.SECONDS); // runs once, never cancelled
  }

  /** Sends the GOAWAY naming the last stream this side will serve. */
  void finalGoAway() {
    int last;
    lock.lock();
    try {
      if (acceptUpTo != Integer.MAX_VALUE || lost != null) {
        return;
      }
      acceptUpTo = lastPeerStreamId;
      last = client ? 0 : lastPeerStreamId;
    } finally {
      lock.unlock();
    }
    Buffer b = new Buffer(32);
    Frames.goAway(b, last, ErrorCode.NO_ERROR, "");
    sendControl(b);
  }

  /** Closes once no stream is open (now, if none is). */
  void closeGracefully() {
    boolean now;
    lock.lock();
    try {
      now = active == 0;
    } finally {
      lock.unlock();
    }
    if (now) {
      scheduleClose();
    }
  }

  /**
   * Closes the socket once queued frames (the GOAWAY) are out: a client at once; a server after a
   * grace in which the client, having read the GOAWAY, closes first (closing on a client whose
   * request is still unread here could reset the connection before it reads the GOAWAY that tells
   * it the request was not processed). The reader goes on reading meanwhile. Holds the lock or not.
   */
  private void scheduleClose() {
    if (closeTask == null) {
      long grace = client ? 0 : TimeUnit.SECONDS.toMillis(1);
      closeTask =
          config
              .timer()
              .schedule(
                  () ->
                      Thread.ofVirtual()
                          .start(() -> {
                            out.awaitFlushed(TimeUnit.SECONDS.toNanos(1));
                            lose(null);
                          }),
                  grace,
                  TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Ends the connection at once: GOAWAY({@code code}) if it is still up, then the socket closes.
   * Any thread.
   */
  public void close(ErrorCode code, String why) {
    connectionError(Http2Exception.connection(code, why));
  }

  private void connectionError(Http2Exception e) {
    int last;
    lock.lock();
    try {
      if (lost != null) {
        return;
      }
      last = lastPeerStreamId;
    } finally {
      lock.unlock();
    }
    if (e.code() != ErrorCode.NO_ERROR) {
      LOG.log(
          System.Logger.Level.WARNING,
          "closing HTTP/2 connection "
              + (client ? "to " : "from ")
              + peer
              + " (GOAWAY "
              + e.code()
              + "): "
              + e.getMessage());
    }
    Buffer b = new Buffer(64);
    Frames.goAway(b, last, e.code(), e.getMessage());
    try {
      out.writeSoonWithoutWaiting(b);
      out.awaitFlushed(TimeUnit.SECONDS.toNanos(1));
    } catch (IOException ignored) {
      // closing anyway
    }
    lose(new IOException("connection error " + e.code() + ": " + e.getMessage()));
  }

  private StreamException lostNow(IOException e) {
    lose(e);
    return lost;
  }

  /**
   * The connection is over: close the socket, fail every stream (waking their waiters), tell the
   * listeners. {@code cause} null for an orderly end. Idempotent; any thread.
   */
  void lose(IOException cause) {
    List<Http2Stream> all = new ArrayList<>();
    lock.lock();
    try {
      if (lost != null) {
        return;
      }
      String why =
          cause == null
              ? "the connection " + (client ? "to " : "from ") + peer + " closed"
              : "the connection "
                  + (client ? "to " : "from ")
                  + peer
                  + " failed: "
                  + cause.getMessage();
      if (goAwayReason != null) {
        why += " after " + goAwayReason;
      }
      lost = new StreamException(StreamException.Kind.CONNECTION_LOST, ErrorCode.CANCEL, why);
      if (cause != null) {
        lost.initCause(cause);
      }
      streams.forEach(all::add);
      for (Http2Stream s : all) {
        if (s.failure == null) {
          s.failure = lost;
        }
        s.closed = true;
        s.signal();
      }
      streams.clear();
      blocked.clear();
      active = 0; // waiting writers give back their own charges as they wake
    } finally {
      lock.unlock();
    }
    transport.close();
    settingsReceived.countDown();
    keepAlive.stop();
    for (Http2Stream s : all) {
      Http2Stream.Listener l = s.listener;
      if (l != null) {
        l.reset(s, s.failure);
      }
    }
    if (acceptor != null) {
      acceptor.closed(this);
    }
  }

  @Override
  public String toString() {
    return "Http2Connection{" + (client ? "to " : "from ") + peer + "}";
  }
}
