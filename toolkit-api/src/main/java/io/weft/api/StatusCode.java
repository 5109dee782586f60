package io.weft.api;

/**
 * The closed set of outcomes of a call, numbered as gRPC numbers them. Every failure Weft reports,
 * on either transport, carries one of these; Thrift's {@code TApplicationException} types map onto
 * them both ways.
 *
 * <p>The numbers are part of the wire contract (gRPC's {@code grpc-status}) and never change.
 */
public enum StatusCode {
  /** Not an error: the call completed. */
  OK(0),
  /** The call was cancelled, typically by the caller. */
  CANCELLED(1),
  /** An error that fits no other code, or whose code was lost on the way. */
  UNKNOWN(2),
  /** The caller sent an argument the callee rejects, whatever the callee's state. */
  INVALID_ARGUMENT(3),
  /** The deadline passed before the call completed. The callee may still have run it. */
  DEADLINE_EXCEEDED(4),
  /** A requested entity was not found. */
  NOT_FOUND(5),
  /** An entity the caller tried to create already exists. */
  ALREADY_EXISTS(6),
  /** The caller may not do this. */
  PERMISSION_DENIED(7),
  /** A limit was reached: message size, concurrency, rate, memory. */
  RESOURCE_EXHAUSTED(8),
  /** The system is not in a state the operation needs. */
  FAILED_PRECONDITION(9),
  /** The operation was aborted, typically by a concurrency conflict. */
  ABORTED(10),
  /** The operation went past a valid range. */
  OUT_OF_RANGE(11),
  /** The callee does not implement this service or method. */
  UNIMPLEMENTED(12),
  /** An invariant broke: a handler threw, a message could not be decoded. */
  INTERNAL(13),
  /** The callee cannot be reached now; retrying (with backoff) may succeed. */
  UNAVAILABLE(14),
  /** Data was lost or corrupted. */
  DATA_LOSS(15),
  /** The caller has no valid credentials. */
  UNAUTHENTICATED(16);

  private static final StatusCode[] BY_VALUE = values();

  private final int value;

  StatusCode(int value) {
    this.value = value;
  }

  /** The number gRPC sends for this code in {@code grpc-status}. */
  public int value() {
    return value;
  }

  /** The code numbered {@code value}, or {@link #UNKNOWN} for a number outside the set. */
  public static StatusCode fromValue(int value) {
    return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : UNKNOWN;
  }

  /** Shorthand for {@code Status.of(this)}. */
  public Status toStatus() {
    return Status.of(this);
  }
}
