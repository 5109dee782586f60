package io.weft.internal.wire.http2;

import io.weft.internal.wire.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the peer's frames do to a connection: the reader thread's half of {@link Http2Connection}
 * (OkHttp's {@code ReaderRunnable}). It reads frames with the connection's {@link FrameReader},
 * applies each to the connection's state under its lock, hands stream events to listeners outside
 * it, answers what needs an answer (acknowledgements, resets) without ever waiting to write, and
 * keeps the counters that tell a flooding peer from a busy one (pings as grpc-java's
 * KeepAliveEnforcer counts them, SETTINGS, stream resets). Confined to the reader thread.
 */
final class InboundFrames implements FrameReader.Handler {
  private static final System.Logger LOG = System.getLogger(InboundFrames.class.getName());

  /**
   * A ping the peer may send at any time without a strike while no stream is open (grpc-java: 2
   * hours).
   */
  private static final long IMPLICIT_PERMIT_NANOS = TimeUnit.HOURS.toNanos(2);

  private static final int MAX_PING_STRIKES = 2;

  private final Http2Connection c;
  private long lastValidPing = System.nanoTime() - IMPLICIT_PERMIT_NANOS;
  private int pingStrikes;
  private long floodWindowStart = System.nanoTime();
  private int resetsInWindow;
  private int settingsInWindow;

  InboundFrames(Http2Connection connection) {
    this.c = connection;
  }

  void readFrames() throws IOException, Http2Exception {
    if (c.client) {
      String foreign = c.reader.foreignStart();
      if (foreign != null) {
        throw Http2Exception.connection(
            ErrorCode.PROTOCOL_ERROR, "the server answered with " + foreign + ", not HTTP/2");
      }
    }
    if (c.reader.peekType() != Frames.SETTINGS && c.reader.peekType() != -1) {
      throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "the first frame is not SETTINGS");
    }
    while (true) {
      try {
        if (!c.reader.next(this)) {
          return;
        }
        c.keepAlive.read();
      } catch (Http2Exception e) {
        if (e.isConnectionError()) {
          throw e;
        }
        streamError(e);
      }
    }
  }

  @Override
  public void data(int streamId, byte[] b, int off, int len, int flowLength, boolean endStream)
      throws Http2Exception {
    Http2Stream s;
    int connUpdate;
    int streamUpdate = 0;
    Http2Exception error = null;
    c.lock.lock();
    try {
      if (flowLength > c.recvWindow) {
        throw Http2Exception.connection(
            ErrorCode.FLOW_CONTROL_ERROR,
            "DATA of "
                + flowLength
                + " bytes past the connection window ("
                + c.recvWindow
                + " left)");
      }
      c.recvWindow -= flowLength;
      s = c.streams.get(streamId);
      if (s == null || s.remoteEnd || flowLength > s.recvWindow) {
        c.credit += flowLength; // no one will take these bytes
        if (s == null) {
          error = lateFrame(streamId, "DATA", false);
        } else {
          error =
              Http2Exception.stream(
                  streamId,
                  s.remoteEnd ? ErrorCode.STREAM_CLOSED : ErrorCode.FLOW_CONTROL_ERROR,
                  s.remoteEnd
                      ? "DATA after the peer's END_STREAM"
                      : "DATA of "
                          + flowLength
                          + " bytes past the stream window ("
                          + s.recvWindow
                          + " left)");
        }
        s = null;
      } else {
        s.recvWindow -= flowLength;
        int padding = flowLength - len;
        s.unconsumed += len;
        if (padding > 0) {
          c.credit += padding;
          s.credit += padding;
        }
        s.dataReceived += len;
        if (s.contentLength >= 0
            && (s.dataReceived > s.contentLength
                || (endStream && s.dataReceived != s.contentLength))) {
          error =
              Http2Exception.stream(
                  streamId,
                  ErrorCode.PROTOCOL_ERROR,
                  "DATA of " + s.dataReceived + " bytes against content-length " + s.contentLength);
          s = null;
        } else if (endStream) {
          s.remoteEnd = true;
          if (s.localEnd) {
            c.close(s);
          }
        } else if (padding > 0) {
          streamUpdate = c.takeStreamCredit(s);
        }
      }
      connUpdate = c.takeConnectionCredit();
    } finally {
      c.lock.unlock();
    }
    c.sendCredit(streamId, streamUpdate, connUpdate);
    if (error != null) {
      throw error;
    }
    if (s != null) {
      Http2Stream.Listener l = s.listener;
      if (l != null) {
        l.data(s, b, off, len, endStream);
      }
    }
  }

  @Override
  public void headers(
      int streamId, byte[] block, int off, int len, boolean endStream, boolean selfDependent)
      throws Http2Exception {
    Fields fields = new Fields(8);
    boolean complete;
    try {
      complete = c.decoder.decode(block, off, len, fields::add);
    } catch (HpackException e) {
      throw Http2Exception.connection(
          ErrorCode.COMPRESSION_ERROR,
          "bad header block on stream " + streamId + ": " + e.getMessage());
    }
    if (c.client) {
      responseHeaders(streamId, fields, complete, endStream);
    } else {
      requestHeaders(streamId, fields, complete, endStream, selfDependent);
    }
  }

  private void requestHeaders(
      int streamId, Fields fields, boolean complete, boolean endStream, boolean selfDependent)
      throws Http2Exception {
    Http2Stream s = null;
    Http2Stream.Listener existing = null;
    boolean tooLarge = false;
    c.lock.lock();
    try {
      s = c.streams.get(streamId);
      if (s != null) {
        // trailers
        if (s.remoteEnd) {
          throw Http2Exception.stream(
              streamId, ErrorCode.STREAM_CLOSED, "HEADERS after the peer's END_STREAM");
        }
        if (!endStream) {
          throw Http2Exception.stream(
              streamId, ErrorCode.PROTOCOL_ERROR, "trailers without END_STREAM");
        }
        String why =
            complete ? HeaderRules.checkTrailers(fields) : "trailers over the header list limit";
        if (why != null) {
          throw Http2Exception.stream(
              streamId, ErrorCode.PROTOCOL_ERROR, "malformed trailers: " + why);
        }
        if (s.contentLength >= 0 && s.dataReceived != s.contentLength) {
          throw Http2Exception.stream(
              streamId,
              ErrorCode.PROTOCOL_ERROR,
              "DATA of " + s.dataReceived + " bytes against content-length " + s.contentLength);
        }
        s.remoteEnd = true;
        if (s.localEnd) {
          c.close(s);
        }
        existing = s.listener;
      } else {
        if ((streamId & 1) == 0) {
          throw Http2Exception.connection(
              ErrorCode.PROTOCOL_ERROR, "a client opened stream " + streamId + ", an even id");
        }
        if (streamId <= c.lastPeerStreamId) {
          Http2Exception e = lateFrame(streamId, "HEADERS", true);
          if (e != null) {
            throw e;
          }
          return;
        }
        c.lastPeerStreamId = streamId;
        if (streamId > c.acceptUpTo || c.lost != null) {
          c.closed.mark(streamId, ClosedStreams.RESET_SENT);
          c.queueReset(streamId, ErrorCode.REFUSED_STREAM);
          return;
        }
        if (!complete) {
          // RFC 9113 section 10.5.1: answer 431; gRPC clients read the status from the same block
          s = open(streamId, endStream);
          s.listener = Http2Stream.DISCARD;
          tooLarge = true;
          return;
        }
        String why = HeaderRules.checkRequest(fields);
        long contentLength = HeaderRules.contentLength(fields);
        if (why == null && contentLength == -2) {
          why = "content-length is not a number";
        }
        if (why == null && selfDependent) {
          why = "the stream depends on itself";
        }
        if (why != null) {
          throw Http2Exception.stream(
              streamId, ErrorCode.PROTOCOL_ERROR, "malformed request: " + why);
        }
        if (c.active >= c.config.maxConcurrentStreams()) {
          c.closed.mark(streamId, ClosedStreams.RESET_SENT);
          c.queueReset(streamId, ErrorCode.REFUSED_STREAM);
          LOG.log(
              System.Logger.Level.WARNING,
              "refused stream "
                  + streamId
                  + " from "
                  + c.peer
                  + ": "
                  + c.active
                  + " streams already open (SETTINGS_MAX_CONCURRENT_STREAMS "
                  + c.config.maxConcurrentStreams()
                  + ")");
          return;
        }
        s = open(streamId, endStream);
        s.contentLength = contentLength;
        if (endStream && contentLength > 0) {
          c.close(s);
          throw Http2Exception.stream(
              streamId,
              ErrorCode.PROTOCOL_ERROR,
              "END_STREAM with content-length " + contentLength + " and no DATA");
        }
      }
    } finally {
      c.lock.unlock();
      if (tooLarge) {
        LOG.log(
            System.Logger.Level.WARNING,
            "answering stream "
                + streamId
                + " from "
                + c.peer
                + " with 431: its headers exceed "
                + c.config.maxHeaderListSize()
                + " bytes");
        s.sendLater(
            new Fields(4)
                .add(":status", "431")
                .add("content-type", "application/grpc")
                .add("grpc-status", "8")
                .add(
                    "grpc-message",
                    "request headers exceed " + c.config.maxHeaderListSize() + " bytes"),
            new byte[0]);
        if (!endStream) {
          s.reset(ErrorCode.NO_ERROR);
        }
      }
    }
    if (tooLarge || s == null) {
      return;
    }
    if (existing != null) {
      existing.headers(s, fields, true);
      return;
    }
    c.acceptor.accept(s, fields, endStream);
    if (s.listener == null) {
      s.reset(ErrorCode.INTERNAL_ERROR);
    }
  }

  private void responseHeaders(int streamId, Fields fields, boolean complete, boolean endStream)
      throws Http2Exception {
    Http2Stream s;
    c.lock.lock();
    try {
      s = c.streams.get(streamId);
      if (s == null) {
        Http2Exception e = lateFrame(streamId, "HEADERS", false);
        if (e != null) {
          throw e;
        }
        return;
      }
      if (s.remoteEnd) {
        throw Http2Exception.stream(
            streamId, ErrorCode.STREAM_CLOSED, "HEADERS after the server's END_STREAM");
      }
      String why;
      if (!complete) {
        why =
            "response headers over the header list limit of "
                + c.config.maxHeaderListSize()
                + " bytes";
      } else if (s.headersReceived) {
        why = !endStream ? "trailers without END_STREAM" : HeaderRules.checkTrailers(fields);
      } else {
        why = HeaderRules.checkResponse(fields);
        String status = fields.get(":status");
        if (why == null && status != null && status.length() == 3 && status.charAt(0) == '1') {
          if (endStream) {
            why = "an informational response with END_STREAM";
          } else {
            return; // 1xx: the final response follows
          }
        }
      }
      if (why != null) {
        throw Http2Exception.stream(
            streamId, ErrorCode.PROTOCOL_ERROR, "malformed response: " + why);
      }
      s.headersReceived = true;
      if (endStream) {
        s.remoteEnd = true;
        if (s.localEnd || s.resetSent) {
          c.close(s);
        }
      }
    } finally {
      c.lock.unlock();
    }
    Http2Stream.Listener l = s.listener;
    if (l != null) {
      l.headers(s, fields, endStream);
    }
  }

  /** A new stream the peer opened. Holds the lock. */
  private Http2Stream open(int id, boolean endStream) {
    Http2Stream s =
        new Http2Stream(c, id, c.peerSettings.initialWindowSize, c.config.streamWindow());
    s.remoteEnd = endStream;
    c.streams.put(id, s);
    c.addActive(1);
    c.idleSince = 0;
    return s;
  }

  /**
   * What a DATA or HEADERS frame for a stream not in the table means (RFC 9113 section 5.1): on an
   * idle stream, or (HEADERS) on one that was never opened, a connection error (thrown); on one
   * this side reset, or one long forgotten, nothing: the frame crossed our RST_STREAM on the wire
   * (null); on one that ended otherwise, a stream error STREAM_CLOSED (returned). Holds the lock.
   */
  private Http2Exception lateFrame(int streamId, String type, boolean opensStreams)
      throws Http2Exception {
    boolean idle =
        c.client
            ? streamId >= c.nextStreamId || (streamId & 1) == 0
            : streamId > c.lastPeerStreamId;
    if (idle) {
      throw Http2Exception.connection(
          ErrorCode.PROTOCOL_ERROR, type + " on stream " + streamId + ", which is idle");
    }
    Integer how = c.closed.how(streamId);
    if (how == null) {
      if (opensStreams && streamId > c.closed.oldest()) {
        throw Http2Exception.connection(
            ErrorCode.PROTOCOL_ERROR,
            "HEADERS opening stream "
                + streamId
                + " after stream "
                + c.lastPeerStreamId
                + " (ids must increase)");
      }
      return null;
    }
    if (how == ClosedStreams.RESET_SENT) {
      return null;
    }
    if (opensStreams) {
      // a request's HEADERS again on a stream the client ended or reset: the client has lost track
      // of its streams
      throw Http2Exception.connection(
          ErrorCode.STREAM_CLOSED, "HEADERS on closed stream " + streamId);
    }
    c.closed.mark(streamId, ClosedStreams.RESET_SENT); // one RST_STREAM per stream is enough
    return Http2Exception.stream(
        streamId, ErrorCode.STREAM_CLOSED, type + " on closed stream " + streamId);
  }

  @Override
  public void priority(int streamId, int dependency) throws Http2Exception {
    if (dependency == streamId) {
      throw Http2Exception.stream(
          streamId, ErrorCode.PROTOCOL_ERROR, "stream " + streamId + " depends on itself");
    }
    // priorities are advice (RFC 9113 deprecates the scheme); Weft sends in arrival order
  }

  @Override
  public void rstStream(int streamId, int errorCode) throws Http2Exception {
    Http2Stream s;
    StreamException why;
    c.lock.lock();
    try {
      s = c.streams.get(streamId);
      if (s == null) {
        boolean idle = c.client ? streamId >= c.nextStreamId : streamId > c.lastPeerStreamId;
        if (idle) {
          throw Http2Exception.connection(
              ErrorCode.PROTOCOL_ERROR, "RST_STREAM on stream " + streamId + ", which is idle");
        }
        return;
      }
      ErrorCode code = ErrorCode.of(errorCode);
      s.resetReceived = true;
      why =
          code == ErrorCode.REFUSED_STREAM && c.client
              ? new StreamException(
                  StreamException.Kind.REFUSED,
                  code,
                  "the server refused the stream; it was not processed")
              : new StreamException(
                  StreamException.Kind.RESET_BY_PEER,
                  code,
                  "the peer reset the stream (" + code + ")");
      s.failure = why;
      c.close(s);
    } finally {
      c.lock.unlock();
    }
    Http2Stream.Listener l = s.listener;
    if (l != null) {
      l.reset(s, why);
    }
    if (!c.client) {
      // only once the listener has heard: the stream has left the table, so the connection's end
      // would not tell it
      countFlood(true);
    }
  }

  @Override
  public void settings(boolean ack, byte[] b, int off, int len) throws Http2Exception {
    if (ack) {
      return;
    }
    countFlood(false);
    List<Http2Stream> wake = new ArrayList<>();
    Buffer reply = new Buffer(16);
    Frames.settingsAck(reply);
    IOException failed = null;
    c.lock.lock();
    try {
      for (int i = off; i < off + len; i += 6) {
        int id = Buffer.getUnsignedShort(b, i);
        long value = Integer.toUnsignedLong(Buffer.getInt(b, i + 2));
        int oldWindow = c.peerSettings.initialWindowSize;
        c.peerSettings.apply(id, value);
        int delta = c.peerSettings.initialWindowSize - oldWindow;
        if (delta != 0) {
          // section 6.9.2: every stream's send window moves by the difference, and may go negative
          Http2Exception[] overflow = {null};
          c.streams.forEach(s -> {
            s.sendWindow += delta;
            if (s.sendWindow > Settings.MAX_WINDOW && overflow[0] == null) {
              overflow[0] =
                  Http2Exception.connection(
                      ErrorCode.FLOW_CONTROL_ERROR,
                      "SETTINGS_INITIAL_WINDOW_SIZE overflows stream " + s.id);
            }
            wake.add(s);
          });
          if (overflow[0] != null) {
            throw overflow[0];
          }
        }
      }
      c.peerMaxFrameSize = c.peerSettings.maxFrameSize;
      c.peerHeaderTableSize = c.peerSettings.headerTableSize;
      if (c.peerSettings.headerTableSize < c.peerHeaderTableLow) {
        c.peerHeaderTableLow = c.peerSettings.headerTableSize;
      }
      // queue the ACK before any writer can use the new windows, so that the peer reads it
      // before the frames those windows allow; queueing writes nothing and never waits
      try {
        c.out.writeSoonWithoutWaiting(reply);
      } catch (IOException e) {
        failed = e;
      }
      for (Http2Stream s : wake) {
        s.signal();
      }
    } finally {
      c.lock.unlock();
    }
    if (failed != null) {
      c.lose(failed);
      return;
    }
    c.settingsReceived.countDown();
    for (Http2Stream s : wake) {
      if (s.hasLater()) {
        s.drainLater(null);
      }
    }
  }

  @Override
  public void pushPromise(int streamId) throws Http2Exception {
    throw Http2Exception.connection(
        ErrorCode.PROTOCOL_ERROR,
        c.client
            ? "PUSH_PROMISE although SETTINGS_ENABLE_PUSH is 0"
            : "PUSH_PROMISE from a client");
  }

  @Override
  public void ping(boolean ack, long opaque) throws Http2Exception {
    if (ack) {
      if (opaque == KeepAlive.PING) {
        c.keepAlive.acked();
      } else if (opaque == Http2Connection.SHUTDOWN_PING) {
        c.finalGoAway();
      }
      return;
    }
    if (!c.client && c.config.permitKeepAliveTime().toNanos() > 0) {
      checkPing();
    }
    Buffer pong = new Buffer(17);
    Frames.ping(pong, true, opaque);
    c.sendControl(pong);
  }

  /**
   * grpc-java's KeepAliveEnforcer: pings too close together earn strikes; the third strike ends the
   * connection.
   */
  private void checkPing() throws Http2Exception {
    long now = System.nanoTime();
    if (c.strikesReset) {
      c.strikesReset = false;
      pingStrikes = 0;
      lastValidPing = now - IMPLICIT_PERMIT_NANOS;
    }
    boolean calls;
    c.lock.lock();
    try {
      calls = c.active > 0;
    } finally {
      c.lock.unlock();
    }
    long permit = calls ? c.config.permitKeepAliveTime().toNanos() : IMPLICIT_PERMIT_NANOS;
    if (now - lastValidPing >= permit) {
      lastValidPing = now;
      return;
    }
    if (++pingStrikes > MAX_PING_STRIKES) {
      throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "too_many_pings");
    }
  }

  @Override
  public void goAway(int lastStreamId, int errorCode, String debug) throws Http2Exception {
    List<Http2Stream> refused = new ArrayList<>();
    boolean done;
    c.lock.lock();
    try {
      c.goAwayReceived = true;
      if (c.client) {
        c.streams.forEach(s -> {
          if (s.id > lastStreamId) {
            refused.add(s);
          }
        });
        for (Http2Stream s : refused) {
          s.failure =
              new StreamException(
                  StreamException.Kind.REFUSED,
                  ErrorCode.REFUSED_STREAM,
                  "the server is going away (GOAWAY "
                      + ErrorCode.of(errorCode)
                      + (debug.isEmpty() ? "" : " " + debug)
                      + "); the call was not processed");
          c.close(s);
        }
      }
      done = c.active == 0;
    } finally {
      c.lock.unlock();
    }
    if (errorCode != 0) {
      c.goAwayReason =
          "GOAWAY "
              + ErrorCode.of(errorCode)
              + (debug.isEmpty() ? "" : " \"" + debug + "\"")
              + " from the peer";
    }
    if (c.client
        && errorCode == ErrorCode.ENHANCE_YOUR_CALM.code()
        && debug.contains("too_many_pings")) {
      c.tooManyPings = true;
    }
    if (errorCode != 0) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "GOAWAY "
              + ErrorCode.of(errorCode)
              + " from "
              + c.peer
              + (debug.isEmpty() ? "" : ": " + debug));
    }
    for (Http2Stream s : refused) {
      Http2Stream.Listener l = s.listener;
      if (l != null) {
        l.reset(s, s.failure);
      }
    }
    if (done) {
      c.closeGracefully();
    }
  }

  @Override
  public void windowUpdate(int streamId, int increment) throws Http2Exception {
    List<Http2Stream> wake;
    c.lock.lock();
    try {
      if (streamId == 0) {
        if (increment == 0) {
          throw Http2Exception.connection(
              ErrorCode.PROTOCOL_ERROR, "connection WINDOW_UPDATE of 0");
        }
        c.sendWindow += increment;
        if (c.sendWindow > Settings.MAX_WINDOW) {
          throw Http2Exception.connection(
              ErrorCode.FLOW_CONTROL_ERROR, "connection window above 2^31-1");
        }
        wake = drainBlocked();
      } else {
        Http2Stream s = c.streams.get(streamId);
        if (s == null) {
          boolean idle = c.client ? streamId >= c.nextStreamId : streamId > c.lastPeerStreamId;
          if (idle) {
            throw Http2Exception.connection(
                ErrorCode.PROTOCOL_ERROR,
                "WINDOW_UPDATE on stream " + streamId + ", which is idle");
          }
          return;
        }
        if (increment == 0) {
          throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE of 0");
        }
        s.sendWindow += increment;
        if (s.sendWindow > Settings.MAX_WINDOW) {
          throw Http2Exception.stream(
              streamId, ErrorCode.FLOW_CONTROL_ERROR, "stream window above 2^31-1");
        }
        s.signal();
        wake = s.hasLater() ? List.of(s) : List.of();
      }
    } finally {
      c.lock.unlock();
    }
    for (Http2Stream s : wake) {
      if (s.hasLater()) {
        s.drainLater(null);
      }
    }
  }

  /**
   * Wakes the streams waiting for the connection window or socket room; returns those the reader
   * itself feeds. Holds the lock.
   */
  private List<Http2Stream> drainBlocked() {
    if (c.blocked.isEmpty()) {
      return List.of();
    }
    List<Http2Stream> later = null;
    for (Http2Stream s : c.blocked) {
      if (s.hasLater()) {
        if (later == null) {
          later = new ArrayList<>();
        }
        later.add(s);
      } else {
        s.signal();
      }
    }
    c.blocked.clear();
    return later == null ? List.of() : later;
  }

  /**
   * Counts a peer's stream reset or SETTINGS frame in the current window; too many end the
   * connection.
   */
  private void countFlood(boolean reset) throws Http2Exception {
    long now = System.nanoTime();
    if (now - floodWindowStart > c.config.resetWindow().toNanos()) {
      floodWindowStart = now;
      resetsInWindow = 0;
      settingsInWindow = 0;
    }
    if (reset
        ? ++resetsInWindow > c.config.maxResetsPerWindow()
        : ++settingsInWindow > c.config.maxSettingsPerWindow()) {
      throw Http2Exception.connection(
          ErrorCode.ENHANCE_YOUR_CALM,
          reset
              ? "more than "
                  + c.config.maxResetsPerWindow()
                  + " streams reset within "
                  + c.config.resetWindow().toSeconds()
                  + " s (rapid reset)"
              : "more than "
                  + c.config.maxSettingsPerWindow()
                  + " SETTINGS frames within "
                  + c.config.resetWindow().toSeconds()
                  + " s");
    }
  }

  /**
   * A stream error found in the peer's frames: reset the stream, tell its listener, go on. Reader
   * thread.
   */
  private void streamError(Http2Exception e) {
    Http2Stream s;
    boolean send;
    c.lock.lock();
    try {
      s = c.streams.get(e.streamId());
      if (s != null) {
        s.failure =
            new StreamException(StreamException.Kind.RESET_LOCALLY, e.code(), e.getMessage());
        send = c.resetLocked(s, e.code());
      } else {
        c.closed.mark(e.streamId(), ClosedStreams.RESET_SENT);
        send = true;
      }
    } finally {
      c.lock.unlock();
    }
    LOG.log(
        e.code() == ErrorCode.STREAM_CLOSED
            ? System.Logger.Level.DEBUG
            : System.Logger.Level.WARNING,
        "resetting stream "
            + e.streamId()
            + " from "
            + c.peer
            + " ("
            + e.code()
            + "): "
            + e.getMessage());
    if (send) {
      c.queueReset(e.streamId(), e.code());
    }
    if (s != null) {
      Http2Stream.Listener l = s.listener;
      if (l != null) {
        l.reset(s, s.failure);
      }
    }
  }
}
