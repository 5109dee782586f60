package io.weft.internal.wire.http2;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How one side runs its HTTP/2 connections: what it advertises, what it tolerates and when it
 * pings. Immutable; {@link #builder} starts from the defaults given here, which follow grpc-java's
 * where it has one.
 *
 * @param maxConcurrentStreams streams the peer may open at once (SETTINGS_MAX_CONCURRENT_STREAMS;
 *     default unlimited); more are refused with RST_STREAM(REFUSED_STREAM)
 * @param streamWindow each stream's receive window (SETTINGS_INITIAL_WINDOW_SIZE; default 1 MiB, as
 *     grpc-java): bytes a peer may send on a stream before the reader takes them
 * @param connectionWindow the connection's receive window (default 4 MiB): bytes a peer may send
 *     over all streams before they are taken
 * @param maxHeaderListSize the largest decoded header list accepted (SETTINGS_MAX_HEADER_LIST_SIZE,
 *     RFC 9113 6.5.2 sizes; default 64 KiB)
 * @param maxHeaderBlockFrames the most frames one header block may take, HEADERS plus CONTINUATION,
 *     empty ones included (default 32)
 * @param maxPendingPerStream bytes one stream's sender may hold while it waits for the peer's
 *     flow-control window or the socket (default 16 MiB + 5, one largest message)
 * @param maxPendingPerConnection the same over all streams of a connection (default 32 MiB); past
 *     either limit the stream is reset with ENHANCE_YOUR_CALM instead of buffering
 * @param budget the same over all connections that share it (a server's; null for none)
 * @param keepAliveTime how long the connection may read nothing before it sends a PING (grpc-java's
 *     {@code keepAliveTime}; zero, the default, for never)
 * @param keepAliveTimeout how long a keepalive PING may go unanswered, with nothing else read,
 *     before the connection is closed (default 20 s)
 * @param permitKeepAliveTime pings closer together than this (while streams are open; 2 hours when
 *     none are) earn a strike, and a third strike ends the connection with GOAWAY ENHANCE_YOUR_CALM
 *     "too_many_pings", as grpc-java's server does; zero for no enforcement (default 5 min on a
 *     server, zero on a client)
 * @param maxResetsPerWindow streams the peer may reset within {@code resetWindow} before the
 *     connection ends with ENHANCE_YOUR_CALM (rapid reset, CVE-2023-44487; default 10,000 per 10 s)
 * @param maxSettingsPerWindow SETTINGS frames the peer may send within {@code resetWindow} (default
 *     100)
 * @param maxQueuedControlFrames acknowledgements and resets the reader may have queued for a peer
 *     that does not read them (default 10,000, as Netty and Go); past it, ENHANCE_YOUR_CALM
 * @param timer runs keepalive pings and closing grace periods; never user code
 */
public record Http2Config(
    int maxConcurrentStreams,
    int streamWindow,
    int connectionWindow,
    int maxHeaderListSize,
    int maxHeaderBlockFrames,
    long maxPendingPerStream,
    long maxPendingPerConnection,
    SendBudget budget,
    Duration keepAliveTime,
    Duration keepAliveTimeout,
    Duration permitKeepAliveTime,
    int maxResetsPerWindow,
    int maxSettingsPerWindow,
    Duration resetWindow,
    int maxQueuedControlFrames,
    ScheduledExecutorService timer) {

  /** Our SETTINGS_MAX_FRAME_SIZE: the protocol's default, which every peer handles. */
  public static final int MAX_FRAME_SIZE = Settings.MIN_FRAME;

  public Http2Config {
    if (streamWindow < 1 || connectionWindow < Settings.DEFAULT_WINDOW) {
      throw new IllegalArgumentException(
          "windows too small: stream " + streamWindow + ", connection " + connectionWindow);
    }
    if (maxConcurrentStreams < 0 || maxHeaderListSize < 1024 || maxHeaderBlockFrames < 1) {
      throw new IllegalArgumentException("bad HTTP/2 limits");
    }
    Objects.requireNonNull(keepAliveTime, "keepAliveTime");
    Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
    Objects.requireNonNull(permitKeepAliveTime, "permitKeepAliveTime");
    Objects.requireNonNull(resetWindow, "resetWindow");
    Objects.requireNonNull(timer, "timer");
  }

  public static Builder builder(ScheduledExecutorService timer) {
    return new Builder(timer);
  }

  /**
   * The largest header block accepted, compressed: the decoded limit with room for encoding
   * overhead.
   */
  int maxHeaderBlockBytes() {
    return maxHeaderListSize + maxHeaderListSize / 2 + 1024;
  }

  /** Collects an {@link Http2Config}. */
  public static final class Builder {
    private final ScheduledExecutorService timer;
    private int maxConcurrentStreams = Settings.UNLIMITED;
    private int streamWindow = 1 << 20;
    private int connectionWindow = 4 << 20;
    private int maxHeaderListSize = 64 << 10;
    private int maxHeaderBlockFrames = 32;
    private long maxPendingPerStream = (16 << 20) + 5;
    private long maxPendingPerConnection = 32 << 20;
    private SendBudget budget;
    private Duration keepAliveTime = Duration.ZERO;
    private Duration keepAliveTimeout = Duration.ofSeconds(20);
    private Duration permitKeepAliveTime = Duration.ZERO;
    private int maxResetsPerWindow = 10_000;
    private int maxSettingsPerWindow = 100;
    private Duration resetWindow = Duration.ofSeconds(10);
    private int maxQueuedControlFrames = 10_000;

    private Builder(ScheduledExecutorService timer) {
      this.timer = timer;
    }

    public Builder maxConcurrentStreams(int n) {
      maxConcurrentStreams = n;
      return this;
    }

    public Builder streamWindow(int bytes) {
      streamWindow = bytes;
      return this;
    }

    public Builder connectionWindow(int bytes) {
      connectionWindow = bytes;
      return this;
    }

    public Builder maxHeaderListSize(int bytes) {
      maxHeaderListSize = bytes;
      return this;
    }

    public Builder maxHeaderBlockFrames(int frames) {
      maxHeaderBlockFrames = frames;
      return this;
    }

    public Builder maxPending(long perStream, long perConnection, SendBudget shared) {
      maxPendingPerStream = perStream;
      maxPendingPerConnection = perConnection;
      budget = shared;
      return this;
    }

    public Builder keepAlive(Duration time, Duration timeout) {
      keepAliveTime = time;
      keepAliveTimeout = timeout;
      return this;
    }

    public Builder permitKeepAliveTime(Duration time) {
      permitKeepAliveTime = time;
      return this;
    }

    public Builder floodLimits(int resets, int settings, Duration window, int queuedControlFrames) {
      maxResetsPerWindow = resets;
      maxSettingsPerWindow = settings;
      resetWindow = window;
      maxQueuedControlFrames = queuedControlFrames;
      return this;
    }

    public Http2Config build() {
      return new Http2Config(
          maxConcurrentStreams,
          streamWindow,
          connectionWindow,
          maxHeaderListSize,
          maxHeaderBlockFrames,
          maxPendingPerStream,
          maxPendingPerConnection,
          budget,
          keepAliveTime,
          keepAliveTimeout,
          permitKeepAliveTime,
          maxResetsPerWindow,
          maxSettingsPerWindow,
          resetWindow,
          maxQueuedControlFrames,
          timer);
    }
  }
}
