package io.weft.server.internal;

import io.weft.api.RpcException;
import io.weft.api.Status;
import io.weft.api.StatusCode;

/**
 * A unary handler returned null, so there is no response to send. The caller gets {@link
 * StatusCode#INTERNAL} "handler for {@code <method>} returned null"; over Thrift, a {@code
 * TApplicationException} of type MISSING_RESULT with that message.
 */
final class NullResultException extends RpcException {
  private static final long serialVersionUID = 1L;

  NullResultException(String method) {
    super(Status.of(StatusCode.INTERNAL, "handler for " + method + " returned null"));
  }
}
