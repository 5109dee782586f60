package io.weft.server.internal;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.spi.ServerConnection;
import io.weft.internal.wire.ttheader.Framing;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A new connection whose protocol is not yet known. It peeks at the first bytes (never consuming
 * them) and hands the connection to the protocol they announce: HTTP/2, TTHeader Streaming,
 * TTHeader, Framed or unframed Thrift. A connection that sends bytes no protocol starts with, or
 * sends too few within the detection timeout, is closed with one log line.
 */
final class DetectingConnection implements ServerConnection {
  private static final System.Logger LOG = System.getLogger(DetectingConnection.class.getName());
  private static final int WANT = 8;
  private static final byte[] HTTP2_PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final ConnectionContext ctx;
  private final ConnectionServices services;
  private volatile ServerConnection delegate;
  private volatile boolean timedOut;
  private volatile boolean closing;

  DetectingConnection(ConnectionContext ctx, ConnectionServices services) {
    this.ctx = ctx;
    this.services = services;
  }

  @Override
  public void handle(Limit limit) throws InterruptedException {
    String peer = Peers.format(ctx.remotePeer().address());
    if (!services.connections().opened(peer)) {
      closeSocket();
      return;
    }
    try {
      detectAndServe(limit, peer);
    } finally {
      services.connections().closed();
    }
  }

  private void detectAndServe(Limit limit, String peer) throws InterruptedException {
    Duration timeout = services.detectionTimeout();
    ScheduledFuture<?> timer =
        services.timer().schedule(this::timeOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
    Framing framing = null;
    boolean http2;
    byte[] head = new byte[HTTP2_PREFACE.length];
    try {
      http2 = isHttp2(ctx.dataReader(), head);
      if (!http2) {
        framing = detect(ctx.dataReader(), head);
      }
    } catch (DataReader.InsufficientDataAvailableException
        | ServerConnectionException
        | UncheckedIOException e) {
      if (timedOut) {
        LOG.log(
            System.Logger.Level.WARNING,
            "closing connection from " + peer + ": no protocol identified within " + timeout);
      } else if (!closing) {
        LOG.log(
            System.Logger.Level.DEBUG,
            "connection from " + peer + " closed before identifying its protocol");
      }
      return;
    } finally {
      timer.cancel(false);
    }
    if (http2) {
      H2ServerConnection h2 =
          new H2ServerConnection(ctx, services.connections(), services.http2(), services.calls());
      delegate = h2;
      if (closing) {
        h2.close(false);
      }
      h2.handle(limit);
      return;
    }
    if (framing == null) {
      LOG.log(
          System.Logger.Level.WARNING,
          "closing connection from "
              + peer
              + ": first bytes "
              + HexFormat.of().formatHex(head, 0, Math.min(WANT, head.length))
              + " match no protocol served here (HTTP/2, TTHeader, Framed or unframed Thrift)");
      closeSocket();
      return;
    }
    if (framing == Framing.TTHEADER && isStreaming(head)) {
      TTStreamConnection streaming =
          new TTStreamConnection(ctx, services.calls(), services.maxFrameSize());
      delegate = streaming;
      if (closing) {
        streaming.close(false);
      }
      streaming.handle(limit);
      return;
    }
    SocketConnection conn =
        new SocketConnection(ctx, services.calls(), services.maxFrameSize(), framing);
    delegate = conn;
    if (closing) {
      conn.close(false);
    }
    conn.handle(limit);
  }

  /**
   * Whether the connection opens with the HTTP/2 client preface; peeks only as far as needed to
   * tell (a first byte other than 'P' answers at once).
   */
  private static boolean isHttp2(DataReader reader, byte[] head) {
    reader.ensureAvailable();
    while (true) {
      int n = Math.min(HTTP2_PREFACE.length, reader.available());
      reader.getBuffer(n).read(head, 0, n);
      for (int i = 0; i < n; i++) {
        if (head[i] != HTTP2_PREFACE[i]) {
          return false;
        }
      }
      if (n == HTTP2_PREFACE.length) {
        return true;
      }
      reader.pullData();
    }
  }

  /** Peeks until the framing is known or ruled out; fills {@code head} with what it saw. */
  private static Framing detect(DataReader reader, byte[] head) {
    reader.ensureAvailable();
    while (true) {
      int n = Math.min(WANT, reader.available());
      java.util.Arrays.fill(head, (byte) 0);
      reader.getBuffer(n).read(head, 0, n);
      if (!Framing.plausible(head[0])) {
        return null;
      }
      Framing f = Framing.detect(head, n);
      if (f == Framing.TTHEADER && n < WANT) {
        f = null; // bytes 6-7 (the flags) tell TTHeader Streaming from TTHeader
      }
      if (f != null) {
        return f;
      }
      if (n >= WANT) {
        return null;
      }
      reader.pullData();
    }
  }

  /** Whether a TTHeader connection's first frame has the streaming flag (Kitex StreamX). */
  private static boolean isStreaming(byte[] head) {
    int flags = (head[6] & 0xFF) << 8 | (head[7] & 0xFF);
    return (flags & io.weft.internal.wire.ttheader.TTHeader.FLAG_STREAMING) != 0;
  }

  private void timeOut() {
    if (delegate == null) {
      timedOut = true;
      closeSocket();
    }
  }

  private void closeSocket() {
    try {
      ctx.serverSocket().close();
    } catch (RuntimeException e) {
      // already closed
    }
  }

  @Override
  public Duration idleTime() {
    ServerConnection d = delegate;
    return d != null ? d.idleTime() : Duration.ZERO;
  }

  @Override
  public void close(boolean interrupt) {
    closing = true;
    ServerConnection d = delegate;
    if (d != null) {
      d.close(interrupt);
    } else {
      closeSocket();
    }
  }
}
