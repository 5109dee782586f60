package io.weft.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-call settings: a deadline and request metadata, nothing else (everything else is a client
 * option). Immutable; the {@code with*} methods return copies.
 */
public final class CallOptions {
  /** No deadline of its own (the client's RPC timeout applies) and no metadata. */
  public static final CallOptions DEFAULT = new CallOptions(null, null, new Metadata(), null, null);

  private final Deadline deadline;
  private final Duration timeout;
  private final Metadata metadata;
  private final String compression;
  private final ResponseMetadata capture;

  private CallOptions(Deadline deadline, Duration timeout, Metadata metadata, String compression, ResponseMetadata capture) {
    this.deadline = deadline;
    this.timeout = timeout;
    this.metadata = metadata;
    this.compression = compression;
    this.capture = capture;
  }

  /** Options with a timeout that starts when the call starts. */
  public static CallOptions timeout(Duration timeout) {
    return DEFAULT.withTimeout(timeout);
  }

  /** Options with an absolute deadline. */
  public static CallOptions deadline(Deadline deadline) {
    return DEFAULT.withDeadline(deadline);
  }

  /** Options that send {@code metadata} with the request. */
  public static CallOptions metadata(Metadata metadata) {
    return DEFAULT.withMetadata(metadata);
  }

  public CallOptions withTimeout(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("negative timeout: " + timeout);
    }
    return new CallOptions(null, timeout, metadata, compression, capture);
  }

  public CallOptions withDeadline(Deadline deadline) {
    return new CallOptions(Objects.requireNonNull(deadline), null, metadata, compression, capture);
  }

  public CallOptions withMetadata(Metadata metadata) {
    return new CallOptions(deadline, timeout, metadata.copy(), compression, capture);
  }

  /** A copy whose gRPC request messages are compressed with {@code encoding} ({@code "gzip"}). */
  public CallOptions withCompression(String encoding) {
    return new CallOptions(deadline, timeout, metadata, encoding, capture);
  }

  /** A copy with one more metadata pair. */
  public CallOptions withHeader(String key, String value) {
    return new CallOptions(deadline, timeout, metadata.copy().add(key, value), compression, capture);
  }

  /** A copy that records the response headers and trailers of a unary call in {@code sink}. */
  public CallOptions captureResponse(ResponseMetadata sink) {
    return new CallOptions(deadline, timeout, metadata, compression, Objects.requireNonNull(sink));
  }

  /** Where to record the response metadata, if anywhere. */
  public Optional<ResponseMetadata> responseCapture() {
    return Optional.ofNullable(capture);
  }

  /** The gRPC request compression, if set. */
  public Optional<String> compression() {
    return Optional.ofNullable(compression);
  }

  /** The deadline, if set with {@link #withDeadline}. */
  public Optional<Deadline> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** The timeout, if set with {@link #withTimeout}. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** The request metadata; do not modify. */
  public Metadata metadata() {
    return metadata;
  }

  /**
   * The deadline a call started now gets: this call's own, else {@code defaultTimeout} from now
   * if positive, then capped by {@code inherited} (the deadline of the call being served, if any).
   * Null when nothing limits the call.
   */
  public Deadline effectiveDeadline(Duration defaultTimeout, Deadline inherited) {
    Deadline d = deadline;
    if (d == null && timeout != null) {
      d = Deadline.after(timeout);
    }
    if (d == null && defaultTimeout != null && !defaultTimeout.isZero()) {
      d = Deadline.after(defaultTimeout);
    }
    return d == null ? inherited : d.min(inherited);
  }
}
