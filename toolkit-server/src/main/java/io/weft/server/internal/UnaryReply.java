package io.weft.server.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The one answer of a unary or oneway call: the handler's response, a middleware's own answer, or
 * an error, whichever claims it first; every later one is dropped. Exactly-once replying is this
 * class's property: a transport sends through {@link #send} or, for an error, only after {@link
 * #claim} returned true.
 *
 * @param <Resp> the response type
 */
abstract class UnaryReply<Resp> {
  private static final VarHandle CLAIMED;

  static {
    try {
      CLAIMED = MethodHandles.lookup().findVarHandle(UnaryReply.class, "claimed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // through CLAIMED
  private volatile boolean claimed;

  /**
   * Sends {@code response} unless an answer was already claimed; returns the bytes sent (0 if
   * none).
   */
  final long send(Resp response) {
    return claim() ? write(response) : 0;
  }

  /**
   * Takes the right to answer: true once, for the first caller; the caller then answers (with an
   * error).
   */
  final boolean claim() {
    return CLAIMED.compareAndSet(this, false, true);
  }

  /** Whether an answer was claimed (sent, or being sent). */
  final boolean claimed() {
    return claimed;
  }

  /**
   * Encodes and writes the response; returns its size in bytes (0 when the transport counts them
   * itself).
   */
  protected abstract long write(Resp response);
}
