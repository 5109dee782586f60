package io.weft.server.internal;

import io.weft.internal.wire.http2.Http2Config;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a new connection needs of its server: the open-connection count, a timer (never user code)
 * and the time allowed for detecting its protocol, the limits and HTTP/2 settings of each protocol,
 * and what its calls need.
 */
record ConnectionServices(
    OpenConnections connections,
    ScheduledExecutorService timer,
    Duration detectionTimeout,
    int maxFrameSize,
    Http2Config http2,
    CallServices calls) {}
