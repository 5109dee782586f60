package io.weft.internal.wire.grpc;

/**
 * The {@code grpc-timeout} header: at most 8 ASCII digits and a unit ({@code H} hours, {@code M}
 * minutes, {@code S} seconds, {@code m} milliseconds, {@code u} microseconds, {@code n}
 * nanoseconds).
 */
public final class GrpcTimeout {
  private GrpcTimeout() {}

  private static final long MAX_VALUE = 99_999_999L;

  /**
   * The timeout in nanoseconds.
   *
   * @throws IllegalArgumentException if the value is not a valid grpc-timeout
   */
  public static long parseNanos(String value) {
    if (value == null || value.length() < 2 || value.length() > 9) {
      throw new IllegalArgumentException("invalid grpc-timeout: " + value);
    }
    long n = 0;
    for (int i = 0; i < value.length() - 1; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("invalid grpc-timeout: " + value);
      }
      n = n * 10 + (c - '0');
    }
    long unit =
        switch (value.charAt(value.length() - 1)) {
          case 'H' -> 3_600_000_000_000L;
          case 'M' -> 60_000_000_000L;
          case 'S' -> 1_000_000_000L;
          case 'm' -> 1_000_000L;
          case 'u' -> 1_000L;
          case 'n' -> 1L;
          default -> throw new IllegalArgumentException("invalid grpc-timeout unit: " + value);
        };
    return Math.multiplyHigh(n, unit) != 0 || n * unit < 0 ? Long.MAX_VALUE : n * unit;
  }

  /** The header value for {@code nanos} (at least 1 ns), in the finest unit that fits 8 digits. */
  public static String format(long nanos) {
    if (nanos < 1) {
      nanos = 1;
    }
    if (nanos <= MAX_VALUE) {
      return nanos + "n";
    }
    long v = nanos / 1_000;
    if (v <= MAX_VALUE) {
      return ceil(nanos, 1_000) + "u";
    }
    v = nanos / 1_000_000;
    if (v <= MAX_VALUE) {
      return ceil(nanos, 1_000_000) + "m";
    }
    v = nanos / 1_000_000_000L;
    if (v <= MAX_VALUE) {
      return ceil(nanos, 1_000_000_000L) + "S";
    }
    v = nanos / 60_000_000_000L;
    if (v <= MAX_VALUE) {
      return ceil(nanos, 60_000_000_000L) + "M";
    }
    return Math.min(MAX_VALUE, ceil(nanos, 3_600_000_000_000L)) + "H";
  }

  private static long ceil(long n, long unit) {
    return Math.min(MAX_VALUE, (n + unit - 1) / unit);
  }
}
