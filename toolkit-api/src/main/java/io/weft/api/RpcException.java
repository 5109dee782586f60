package io.weft.api;

/**
 * The one exception every Weft failure arrives as: a {@link Status}, plus any trailing metadata the
 * peer sent with it. Unchecked, so that generated stubs read like plain method calls.
 *
 * <p>Exceptions that an IDL declares ({@code throws} in Thrift) are not {@code RpcException}s: they
 * are generated as subclasses of {@link DeclaredException} and arrive as themselves.
 */
public class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Status status;
  private final transient Metadata trailers;

  public RpcException(Status status) {
    this(status, new Metadata());
  }

  public RpcException(Status status, Metadata trailers) {
    super(status.toString(), status.cause().orElse(null));
    this.status = status;
    this.trailers = trailers;
  }

  public Status status() {
    return status;
  }

  /** Shorthand for {@code status().code()}. */
  public StatusCode code() {
    return status.code();
  }

  /** The metadata the peer sent with the status (gRPC trailers, TTHeader string headers). */
  public Metadata trailers() {
    return trailers;
  }

  /**
   * The status an arbitrary throwable stands for: its own status if it is an {@code RpcException},
   * else {@link StatusCode#INTERNAL} with the throwable's message.
   */
  public static Status statusOf(Throwable t) {
    if (t instanceof RpcException e) {
      return e.status();
    }
    String message = t.getMessage();
    return Status.of(StatusCode.INTERNAL, message != null ? message : t.getClass().getName())
        .withCause(t);
  }
}
