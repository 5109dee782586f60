package io.weft.internal.wire.http2;

import java.util.concurrent.TimeUnit;

/**
 * Tells a flooding peer from a busy one, for {@link InboundFrames}: pings counted as grpc-java's
 * KeepAliveEnforcer counts them (only on a server that sets a permitted keepalive time), and stream
 * resets and SETTINGS frames per window (the rapid-reset and SETTINGS-flood defences). Past a limit
 * it throws the connection error that ends the connection with GOAWAY ENHANCE_YOUR_CALM. Confined
 * to the reader thread.
 */
final class PeerConduct {
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

  PeerConduct(Http2Connection connection) {
    this.c = connection;
  }

  /**
   * grpc-java's KeepAliveEnforcer: pings too close together earn strikes; the third strike ends the
   * connection.
   */
  void pingReceived() throws Http2Exception {
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

  /** A stream the peer reset (RST_STREAM), on a server. */
  void resetReceived() throws Http2Exception {
    count(true);
  }

  /** A SETTINGS frame (not an acknowledgement) from the peer. */
  void settingsReceived() throws Http2Exception {
    count(false);
  }

  /**
   * Counts a peer's stream reset or SETTINGS frame in the current window; too many end the
   * connection.
   */
  private void count(boolean reset) throws Http2Exception {
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
}
