package io.weft.client.internal;

import io.weft.api.RpcException;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.WireException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;

/** Turns what can go wrong on a client socket into the {@link RpcException} a caller sees. */
final class Failures {
  private Failures() {}

  static RpcException of(Throwable t, String address, boolean afterWrite) {
    if (t instanceof RpcException e) {
      return e;
    }
    if (t instanceof SocketTimeoutException) {
      return Status.of(StatusCode.DEADLINE_EXCEEDED, "deadline exceeded waiting for " + address)
          .asException();
    }
    if (Thread.currentThread().isInterrupted()) {
      return Status.of(StatusCode.CANCELLED, "interrupted while calling " + address)
          .withCause(t)
          .asException();
    }
    if (t instanceof WireException) {
      return Status.of(
              StatusCode.INTERNAL, "malformed reply from " + address + ": " + t.getMessage())
          .withCause(t)
          .asException();
    }
    String what =
        t instanceof EOFException || t.getMessage() == null ? "connection closed" : t.getMessage();
    if (t instanceof IOException || t instanceof java.io.UncheckedIOException) {
      Status s =
          Status.of(
                  StatusCode.UNAVAILABLE,
                  (afterWrite ? "connection to " : "cannot write to ")
                      + address
                      + " failed: "
                      + what)
              .withCause(t);
      return afterWrite ? s.asException() : new UnsentException(s);
    }
    return Status.of(StatusCode.INTERNAL, "call to " + address + " failed: " + t)
        .withCause(t)
        .asException();
  }

  static RpcException closedByPeer(String address) {
    return Status.of(
            StatusCode.UNAVAILABLE, "connection to " + address + " closed before the reply")
        .asException();
  }
}
