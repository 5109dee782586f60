package io.weft.server.internal;

import java.util.concurrent.ScheduledExecutorService;

/**
 * What serving one call needs of its server, on any transport: the methods, the limits, the
 * middleware, a timer for deadlines (never user code), and the largest request message.
 */
record CallServices(
    Registry registry,
    Admission admission,
    Invoker invoker,
    ScheduledExecutorService timer,
    int maxMessageSize) {}
