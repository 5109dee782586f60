package io.weft.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-call settings: a deadline, request metadata and metainfo, compression (everything else is a
 * client option). Immutable; the {@code with*} methods return copies.
 */
public final class CallOptions {
  /** No deadline of its own (the client's RPC timeout applies) and no metadata. */
  public static final CallOptions DEFAULT =
      new CallOptions(null, null, new Metadata(), null, null, MetaInfo.EMPTY, null);

  private final Deadline deadline;
  private final Duration timeout;
  private final Metadata metadata;
  private final String compression;
  private final ResponseMetadata capture;
  private final MetaInfo metaInfo;
  private final String hashKey;

  private CallOptions(
      Deadline deadline,
      Duration timeout,
      Metadata metadata,
      String compression,
      ResponseMetadata capture,
      MetaInfo metaInfo,
      String hashKey) {
    this.deadline = deadline;
    this.timeout = timeout;
    this.metadata = metadata;
    this.compression = compression;
    this.capture = capture;
    this.metaInfo = metaInfo;
    this.hashKey = hashKey;
  }

  /** Options with a timeout that starts when the call starts. */
  public static CallOptions timeout(Duration timeout) {
    return DEFAULT.withTimeout(timeout);
  }

  /** Options with an absolute deadline. */
  public static CallOptions deadline(Deadline deadline) {
    return DEFAULT.withDeadline(deadline);
  }

  /**
   * Options that send {@code metadata} with the request: as TTHeader string headers or gRPC
   * headers. {@link Transport#FRAMED} and {@link Transport#BUFFERED} have no headers: there it is
   * not sent (as in Kitex).
   */
  public static CallOptions metadata(Metadata metadata) {
    return DEFAULT.withMetadata(metadata);
  }

  public CallOptions withTimeout(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("negative timeout: " + timeout);
    }
    return new CallOptions(null, timeout, metadata, compression, capture, metaInfo, hashKey);
  }

  public CallOptions withDeadline(Deadline deadline) {
    return new CallOptions(
        Objects.requireNonNull(deadline), null, metadata, compression, capture, metaInfo, hashKey);
  }

  public CallOptions withMetadata(Metadata metadata) {
    return new CallOptions(
        deadline, timeout, metadata.copy(), compression, capture, metaInfo, hashKey);
  }

  /** A copy whose gRPC request messages are compressed with {@code encoding} ({@code "gzip"}). */
  public CallOptions withCompression(String encoding) {
    return new CallOptions(deadline, timeout, metadata, encoding, capture, metaInfo, hashKey);
  }

  /**
   * A copy with one more metadata pair (not sent over {@link Transport#FRAMED} or {@link
   * Transport#BUFFERED}: see {@link #metadata}).
   */
  public CallOptions withHeader(String key, String value) {
    return new CallOptions(
        deadline,
        timeout,
        metadata.copy().add(key, value),
        compression,
        capture,
        metaInfo,
        hashKey);
  }

  /** A copy that records the response headers and trailers of a unary call in {@code sink}. */
  public CallOptions captureResponse(ResponseMetadata sink) {
    return new CallOptions(
        deadline, timeout, metadata, compression, Objects.requireNonNull(sink), metaInfo, hashKey);
  }

  /** A copy that sends the persistent metainfo value {@code key} (see {@link MetaInfo}). */
  public CallOptions withPersistent(String key, String value) {
    return new CallOptions(
        deadline,
        timeout,
        metadata,
        compression,
        capture,
        metaInfo.withPersistent(key, value),
        hashKey);
  }

  /**
   * A copy that sends the transient metainfo value {@code key}: to the callee only (see {@link
   * MetaInfo}).
   */
  public CallOptions withTransient(String key, String value) {
    return new CallOptions(
        deadline,
        timeout,
        metadata,
        compression,
        capture,
        metaInfo.withTransient(key, value),
        hashKey);
  }

  /** A copy whose {@link LoadBalancer#CONSISTENT_HASH} key is {@code key}. */
  public CallOptions withHashKey(String key) {
    return new CallOptions(
        deadline, timeout, metadata, compression, capture, metaInfo, Objects.requireNonNull(key));
  }

  /** The consistent-hashing key, if set. */
  public Optional<String> hashKey() {
    return Optional.ofNullable(hashKey);
  }

  /** The metainfo values this call sends besides those its caller forwards. */
  public MetaInfo metaInfo() {
    return metaInfo;
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
   * The deadline a call started now gets: this call's own, else {@code defaultTimeout} from now if
   * positive, then capped by {@code inherited} (the deadline of the call being served, if any).
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
