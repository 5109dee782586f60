package io.weft.internal.wire.http2;

import io.weft.internal.wire.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the peer's frames do to a connection: the reader thread's half of {@link Http2Connection}
 * (OkHttp's {@code ReaderRunnable}). It reads frames with the connection's {@link FrameReader},
 * applies each to the connection's state under its lock, hands stream events to listeners outside
 * it, answers what needs an answer (acknowledgements, resets) without ever waiting to write, and
 * has {@link PeerConduct} tell a flooding peer from a busy one; HEADERS frames are {@link
 * InboundHeaders}'. Confined to the reader thread.
 */
final class InboundFrames implements FrameReader.Handler {
  private static final System.Logger LOG = System.getLogger(InboundFrames.class.getName());

  private final Http2Connection c;
  private final InboundHeaders headers;
  private final PeerConduct conduct;

  InboundFrames(Http2Connection connection) {
    this.c = connection;
    this.headers = new InboundHeaders(connection);
    this.conduct = new PeerConduct(connection);
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
          error = InboundHeaders.lateFrame(c, streamId, "DATA", false);
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
    headers.headers(streamId, block, off, len, endStream, selfDependent);
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
      conduct.resetReceived();
    }
  }

  @Override
  public void settings(boolean ack, byte[] b, int off, int len) throws Http2Exception {
    if (ack) {
      return;
    }
    conduct.settingsReceived();
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
      conduct.pingReceived();
    }
    Buffer pong = new Buffer(17);
    Frames.ping(pong, true, opaque);
    c.sendControl(pong);
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
