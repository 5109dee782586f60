package io.weft.internal.wire.http2;

/**
 * What the peer's HEADERS frames do to a connection, for {@link InboundFrames}: on a server a
 * request that opens a stream (checked, refused past the stream limit, answered 431 past the header
 * list limit) or a request's trailers; on a client a response's headers or trailers. Also what a
 * frame for a stream not in the table means ({@link #lateFrame}). Confined to the reader thread.
 */
final class InboundHeaders {
  private static final System.Logger LOG = System.getLogger(InboundHeaders.class.getName());

  private final Http2Connection c;

  InboundHeaders(Http2Connection connection) {
    this.c = connection;
  }

  /** A HEADERS frame (with its CONTINUATIONs) on {@code streamId}. */
  void headers(
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
          Http2Exception e = lateFrame(c, streamId, "HEADERS", true);
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
        Http2Exception e = lateFrame(c, streamId, "HEADERS", false);
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
  static Http2Exception lateFrame(
      Http2Connection c, int streamId, String type, boolean opensStreams) throws Http2Exception {
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
}
