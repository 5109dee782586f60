package io.weft.internal.wire;

import java.nio.charset.StandardCharsets;

/**
 * Recognises the first bytes of a protocol other than the one a connection expects, so that an
 * error says what the peer is rather than what its bytes would mean as a frame: a TLS record on a
 * plaintext connection (a plaintext client against a TLS server gets a TLS alert back), or an
 * HTTP/1.x status line (a gRPC client against an HTTP/1.1 server).
 */
public final class ForeignProtocol {
  private ForeignProtocol() {}

  private static final byte[] HTTP1 = "HTTP/1.".getBytes(StandardCharsets.US_ASCII);

  /** The most of an HTTP/1.x status line quoted in a message. */
  private static final int MAX_QUOTED = 60;

  /**
   * What {@code b[off, off + len)} is, if it starts a TLS record or an HTTP/1.x response: "a TLS
   * record (the peer expects TLS)", "an HTTP/1.x response ("HTTP/1.1 400 Bad Request")"; null for
   * anything else. Needs 3 bytes to tell TLS, and the 7 of {@code HTTP/1.} (or all of them, when
   * fewer arrived) to tell HTTP/1.x.
   */
  public static String describe(byte[] b, int off, int len) {
    if (isTlsRecord(b, off, len)) {
      return "a TLS record (the peer expects TLS)";
    }
    if (len >= 4 && startsWithHttp1(b, off, len)) {
      return "an HTTP/1.x response" + quoteStatusLine(b, off, len);
    }
    return null;
  }

  /**
   * A TLS record header: content type 20-23 (change_cipher_spec, alert, handshake,
   * application_data), version 3.0-3.4.
   */
  private static boolean isTlsRecord(byte[] b, int off, int len) {
    return len >= 3
        && b[off] >= 20
        && b[off] <= 23
        && b[off + 1] == 3
        && b[off + 2] >= 0
        && b[off + 2] <= 4;
  }

  private static boolean startsWithHttp1(byte[] b, int off, int len) {
    for (int i = 0; i < Math.min(len, HTTP1.length); i++) {
      if (b[off + i] != HTTP1[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The status line as far as it arrived, printable ASCII only, in quotes; empty if only its start
   * arrived.
   */
  private static String quoteStatusLine(byte[] b, int off, int len) {
    int end = off;
    while (end < off + Math.min(len, MAX_QUOTED) && b[end] >= 0x20 && b[end] < 0x7f) {
      end++;
    }
    return end - off <= HTTP1.length
        ? ""
        : " (\"" + new String(b, off, end - off, StandardCharsets.US_ASCII) + "\")";
  }
}
