package io.weft.api;

/**
 * What every client-side stream offers besides sending and receiving: the server's response headers
 * and trailers once they arrive, and cancellation. Closing a stream that has not finished cancels
 * it.
 */
public interface ClientStream extends AutoCloseable {
  /**
   * Cancels the call: the server sees {@code CANCELLED}; this side's blocked operations fail with
   * it.
   */
  void cancel();

  /** The response headers; blocks until they arrive (empty for a trailers-only response). */
  Metadata headers();

  /** The trailers; empty until the call has ended. */
  Metadata trailers();

  /** Cancels the call if it has not ended. */
  @Override
  void close();
}
