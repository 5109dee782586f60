package io.weft.client.internal;

import io.weft.api.RpcException;
import io.weft.api.Status;

/**
 * A failure that proves the server never processed the call: no connection, the request not
 * (wholly) written, or an HTTP/2 stream the server refused. Only these are retried.
 *
 * <p>Internal: no user sees this class. Where a failure leaves the client (a call's result, a
 * stream's messages) it becomes a plain {@link RpcException} through {@link #plain}.
 */
final class UnsentException extends RpcException {
  private static final long serialVersionUID = 1L;

  UnsentException(Status status) {
    super(status);
  }

  /** The same failure as a plain {@code RpcException}: same status, trailers, cause and stack. */
  RpcException plain() {
    RpcException e = new RpcException(status(), trailers());
    e.setStackTrace(getStackTrace());
    return e;
  }

  /**
   * Runs {@code call}, turning an {@code UnsentException} that escapes it into a plain {@code
   * RpcException}.
   */
  static <T> T plain(java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (UnsentException e) {
      throw e.plain();
    }
  }
}
