package io.weft.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a call: a {@link StatusCode}, an optional human-readable description, and, locally
 * only, the cause. Immutable.
 *
 * <p>The description travels to the peer ({@code grpc-message}, or the message of a Thrift {@code
 * TApplicationException}); the cause never does. Derive statuses with {@link #withDescription} and
 * {@link #withCause}; raise them with {@link #asException()}.
 */
public final class Status {
  public static final Status OK = new Status(StatusCode.OK, null, null);
  public static final Status CANCELLED = new Status(StatusCode.CANCELLED, null, null);
  public static final Status UNKNOWN = new Status(StatusCode.UNKNOWN, null, null);
  public static final Status INVALID_ARGUMENT = new Status(StatusCode.INVALID_ARGUMENT, null, null);
  public static final Status DEADLINE_EXCEEDED =
      new Status(StatusCode.DEADLINE_EXCEEDED, null, null);
  public static final Status NOT_FOUND = new Status(StatusCode.NOT_FOUND, null, null);
  public static final Status RESOURCE_EXHAUSTED =
      new Status(StatusCode.RESOURCE_EXHAUSTED, null, null);
  public static final Status FAILED_PRECONDITION =
      new Status(StatusCode.FAILED_PRECONDITION, null, null);
  public static final Status UNIMPLEMENTED = new Status(StatusCode.UNIMPLEMENTED, null, null);
  public static final Status INTERNAL = new Status(StatusCode.INTERNAL, null, null);
  public static final Status UNAVAILABLE = new Status(StatusCode.UNAVAILABLE, null, null);

  private final StatusCode code;
  private final String description;
  private final Throwable cause;

  private Status(StatusCode code, String description, Throwable cause) {
    this.code = Objects.requireNonNull(code, "code");
    this.description = description;
    this.cause = cause;
  }

  /** A status with {@code code} and no description. */
  public static Status of(StatusCode code) {
    return new Status(code, null, null);
  }

  /** A status with {@code code} and {@code description}. */
  public static Status of(StatusCode code, String description) {
    return new Status(code, description, null);
  }

  public StatusCode code() {
    return code;
  }

  /** The description sent to the peer, if any. */
  public Optional<String> description() {
    return Optional.ofNullable(description);
  }

  /** The local cause, if any. It is never sent to the peer. */
  public Optional<Throwable> cause() {
    return Optional.ofNullable(cause);
  }

  public boolean isOk() {
    return code == StatusCode.OK;
  }

  /** This status with its description replaced. */
  public Status withDescription(String description) {
    return Objects.equals(this.description, description)
        ? this
        : new Status(code, description, cause);
  }

  /** This status with its local cause replaced. */
  public Status withCause(Throwable cause) {
    return Objects.equals(this.cause, cause) ? this : new Status(code, description, cause);
  }

  /** This status with {@code detail} appended to its description. */
  public Status augmentDescription(String detail) {
    if (detail == null) {
      return this;
    }
    return withDescription(description == null ? detail : description + "\n" + detail);
  }

  /** An unchecked exception carrying this status and no trailers. */
  public RpcException asException() {
    return new RpcException(this, new Metadata());
  }

  /** An unchecked exception carrying this status and {@code trailers}. */
  public RpcException asException(Metadata trailers) {
    return new RpcException(this, trailers);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Status s && s.code == code && Objects.equals(s.description, description);
  }

  @Override
  public int hashCode() {
    return Objects.hash(code, description);
  }

  @Override
  public String toString() {
    return description == null ? code.name() : code.name() + ": " + description;
  }
}
