package io.weft.client.internal;

import io.weft.api.RpcException;
import io.weft.api.Status;

/**
 * A failure that proves the server never processed the call: no connection, the request not
 * (wholly) written, or an HTTP/2 stream the server refused. Only these are retried.
 */
final class UnsentException extends RpcException {
  private static final long serialVersionUID = 1L;

  UnsentException(Status status) {
    super(status);
  }
}
