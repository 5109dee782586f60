package io.weft.internal.wire.http2;

import io.weft.internal.wire.Buffer;

/**
 * One side's HTTP/2 settings (RFC 9113 section 6.5.2), with the protocol's defaults until a
 * SETTINGS frame says otherwise. Mutable; whoever owns a connection's copy guards it.
 */
public final class Settings {
  public static final int HEADER_TABLE_SIZE = 0x1;
  public static final int ENABLE_PUSH = 0x2;
  public static final int MAX_CONCURRENT_STREAMS = 0x3;
  public static final int INITIAL_WINDOW_SIZE = 0x4;
  public static final int MAX_FRAME_SIZE = 0x5;
  public static final int MAX_HEADER_LIST_SIZE = 0x6;

  public static final int DEFAULT_WINDOW = 65_535;
  public static final int MIN_FRAME = 16_384;
  public static final int MAX_FRAME = 16_777_215;
  public static final int MAX_WINDOW = Integer.MAX_VALUE;

  /** "Initially, there is no limit": read as the largest positive int. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  int headerTableSize = 4096;
  int enablePush = 1;
  int maxConcurrentStreams = UNLIMITED;
  int initialWindowSize = DEFAULT_WINDOW;
  int maxFrameSize = MIN_FRAME;
  int maxHeaderListSize = UNLIMITED;

  public int headerTableSize() {
    return headerTableSize;
  }

  public int maxConcurrentStreams() {
    return maxConcurrentStreams;
  }

  public int initialWindowSize() {
    return initialWindowSize;
  }

  public int maxFrameSize() {
    return maxFrameSize;
  }

  public int maxHeaderListSize() {
    return maxHeaderListSize;
  }

  /**
   * Applies one setting from a peer's SETTINGS frame, checking it as section 6.5.2 requires;
   * unknown identifiers are ignored.
   *
   * @throws Http2Exception a connection error for a value out of range
   */
  void apply(int id, long value) throws Http2Exception {
    switch (id) {
      case HEADER_TABLE_SIZE -> headerTableSize = (int) Math.min(value, Integer.MAX_VALUE);
      case ENABLE_PUSH -> {
        if (value > 1) {
          throw Http2Exception.connection(
              ErrorCode.PROTOCOL_ERROR, "SETTINGS_ENABLE_PUSH must be 0 or 1, not " + value);
        }
        enablePush = (int) value;
      }
      case MAX_CONCURRENT_STREAMS ->
          maxConcurrentStreams = (int) Math.min(value, Integer.MAX_VALUE);
      case INITIAL_WINDOW_SIZE -> {
        if (value > MAX_WINDOW) {
          throw Http2Exception.connection(
              ErrorCode.FLOW_CONTROL_ERROR,
              "SETTINGS_INITIAL_WINDOW_SIZE " + value + " is above 2^31-1");
        }
        initialWindowSize = (int) value;
      }
      case MAX_FRAME_SIZE -> {
        if (value < MIN_FRAME || value > MAX_FRAME) {
          throw Http2Exception.connection(
              ErrorCode.PROTOCOL_ERROR,
              "SETTINGS_MAX_FRAME_SIZE " + value + " is outside 2^14..2^24-1");
        }
        maxFrameSize = (int) value;
      }
      case MAX_HEADER_LIST_SIZE -> maxHeaderListSize = (int) Math.min(value, Integer.MAX_VALUE);
      default -> {
        // section 6.5.2: "An endpoint that receives a SETTINGS frame with any unknown or
        // unsupported identifier MUST ignore that setting."
      }
    }
  }

  /**
   * Appends a SETTINGS frame announcing every value that differs from the protocol's default (and
   * always ENABLE_PUSH when it is 0, since a client must say so).
   */
  void write(Buffer b) {
    int at = b.size();
    Frames.header(b, 0, Frames.SETTINGS, 0, 0);
    int start = b.size();
    if (headerTableSize != 4096) {
      b.writeShort(HEADER_TABLE_SIZE).writeInt(headerTableSize);
    }
    if (enablePush != 1) {
      b.writeShort(ENABLE_PUSH).writeInt(enablePush);
    }
    if (maxConcurrentStreams != UNLIMITED) {
      b.writeShort(MAX_CONCURRENT_STREAMS).writeInt(maxConcurrentStreams);
    }
    if (initialWindowSize != DEFAULT_WINDOW) {
      b.writeShort(INITIAL_WINDOW_SIZE).writeInt(initialWindowSize);
    }
    if (maxFrameSize != MIN_FRAME) {
      b.writeShort(MAX_FRAME_SIZE).writeInt(maxFrameSize);
    }
    if (maxHeaderListSize != UNLIMITED) {
      b.writeShort(MAX_HEADER_LIST_SIZE).writeInt(maxHeaderListSize);
    }
    int length = b.size() - start;
    b.array()[at] = (byte) (length >>> 16);
    b.array()[at + 1] = (byte) (length >>> 8);
    b.array()[at + 2] = (byte) length;
  }

  @Override
  public String toString() {
    return "Settings{headerTable="
        + headerTableSize
        + ", push="
        + enablePush
        + ", maxStreams="
        + maxConcurrentStreams
        + ", window="
        + initialWindowSize
        + ", maxFrame="
        + maxFrameSize
        + ", maxHeaderList="
        + maxHeaderListSize
        + "}";
  }
}
