package io.weft.internal.wire.grpc;

import io.weft.api.BizStatusException;
import io.weft.api.Deadline;
import io.weft.api.MetaInfo;
import io.weft.api.Metadata;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.BizStatus;
import io.weft.internal.wire.WireException;
import io.weft.internal.wire.http2.Fields;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Where a gRPC call's metadata meets HTTP/2 header blocks, both ways and on both sides: the request
 * headers (path, content type, {@code grpc-timeout}, encodings, user metadata, Kitex metainfo and
 * Kitex's caller and callee headers), the response headers, and the trailers ({@code grpc-status},
 * {@code grpc-message}, user trailers, Kitex's business status). The client and the server both map
 * through here and nowhere else.
 */
public final class GrpcCallMeta {
  /** What a Weft client calls itself in {@code user-agent}. */
  public static final String USER_AGENT = "weft-java/0.1";

  // the headers in which Kitex names caller and callee (its transmeta HTTP/2 keys)
  public static final String SOURCE_SERVICE = "source-service";
  public static final String SOURCE_METHOD = "source-method";
  public static final String DESTINATION_SERVICE = "destination-service";
  public static final String DESTINATION_METHOD = "destination-method";

  /**
   * The trailers of a call that ended OK with no trailers of its own: the common end of a call,
   * encoded once.
   */
  public static final Fields OK_TRAILERS = new Fields(1).add(GrpcHeaders.GRPC_STATUS, "0").freeze();

  private GrpcCallMeta() {}

  // ---- the request: written by the client, read by the server ----

  /**
   * A request's header block. {@code timeoutNanos} is the time left (negative: no deadline); {@code
   * callerService} empty leaves out Kitex's caller and callee headers, which a Kitex server reads
   * to know its caller.
   */
  public static Fields requestHeaders(
      String scheme,
      String path,
      String authority,
      boolean thrift,
      boolean gzip,
      long timeoutNanos,
      Metadata metadata,
      MetaInfo metaInfo,
      String callerService,
      String callerMethod,
      String destService,
      String destMethod) {
    Fields h = new Fields(12);
    h.add(":method", "POST").add(":scheme", scheme).add(":path", path).add(":authority", authority);
    h.add(
        GrpcHeaders.CONTENT_TYPE,
        thrift ? "application/grpc+thrift" : GrpcHeaders.APPLICATION_GRPC);
    h.add(GrpcHeaders.TE, "trailers");
    h.add(GrpcHeaders.USER_AGENT, USER_AGENT);
    h.add(GrpcHeaders.GRPC_ACCEPT_ENCODING, GrpcCompression.ACCEPT);
    if (gzip) {
      h.add(GrpcHeaders.GRPC_ENCODING, GrpcCompression.GZIP);
    }
    if (timeoutNanos >= 0) {
      h.add(GrpcHeaders.GRPC_TIMEOUT, GrpcTimeout.format(timeoutNanos));
    }
    addMetadata(h, metadata, null);
    if (!metaInfo.isEmpty()) {
      Metadata headers = new Metadata();
      metaInfo.toHttpHeaders(headers);
      addMetadata(h, headers, null);
    }
    if (!callerService.isEmpty()) {
      h.add(SOURCE_SERVICE, callerService);
      h.add(DESTINATION_SERVICE, destService);
      h.add(DESTINATION_METHOD, destMethod);
      if (!callerMethod.isEmpty()) {
        h.add(SOURCE_METHOD, callerMethod);
      }
    }
    return h;
  }

  /**
   * Whether a request header (lower case) is the call's metadata rather than gRPC's or HTTP/2's
   * own.
   */
  public static boolean isMetadata(String name) {
    return !GrpcHeaders.isReserved(name);
  }

  /**
   * The deadline of a {@code grpc-timeout} value, from now.
   *
   * @throws IllegalArgumentException if the value is malformed
   */
  public static Deadline deadline(String grpcTimeout) {
    return Deadline.after(GrpcTimeout.parseNanos(grpcTimeout), TimeUnit.NANOSECONDS);
  }

  /**
   * The Kitex metainfo among a request's metadata ({@code rpc-persist-}, {@code rpc-transit-}
   * headers).
   */
  public static MetaInfo metaInfo(Metadata metadata) {
    return MetaInfo.fromHttpHeaders(metadata);
  }

  // ---- the response: written by the server, read by the client ----

  /** A header block's metadata: every field but pseudo-headers and gRPC's own. */
  public static Metadata metadata(Fields fields) {
    return GrpcHeaders.metadata(fields);
  }

  /**
   * Adds {@code md} (null: nothing) but for reserved names and, if {@code except} is given, the
   * names it has.
   */
  public static void addMetadata(Fields f, Metadata md, Metadata except) {
    if (md == null) {
      return;
    }
    md.forEach((k, v) -> {
      boolean key = isKey(k); // the usual case: already a gRPC key, in lower case
      String name = key ? k : k.toLowerCase(Locale.ROOT);
      if (!GrpcHeaders.isReserved(name) && (except == null || except.get(name) == null)) {
        String bad = key ? invalidValue(name, v) : invalidPair(name, v);
        if (bad != null) {
          throw Status.of(StatusCode.INTERNAL, bad).asException();
        }
        f.add(name, v);
      }
    });
  }

  /**
   * Why gRPC cannot carry {@code md} (null: nothing to carry), or null if it can: the error message
   * for the first key or value that {@link #addMetadata} would refuse.
   */
  public static String invalidMetadata(Metadata md) {
    if (md == null) {
      return null;
    }
    String[] bad = new String[1];
    md.forEach((k, v) -> {
      boolean key = isKey(k);
      String name = key ? k : k.toLowerCase(Locale.ROOT);
      if (bad[0] == null && !GrpcHeaders.isReserved(name)) {
        bad[0] = key ? invalidValue(name, v) : invalidPair(name, v);
      }
    });
    return bad[0];
  }

  /** Whether {@code key} is a gRPC metadata key: {@code [0-9a-z-_.]}. */
  private static boolean isKey(String key) {
    for (int i = 0, n = key.length(); i < n; i++) {
      char c = key.charAt(i);
      if (c >= KEY_CHARS.length || !KEY_CHARS[c]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Why a metadata pair cannot travel over gRPC, or null if it can. gRPC's metadata keys are {@code
   * [0-9a-z-_.]} and its values printable ASCII (0x20–0x7E): HTTP/2 would carry other characters
   * mangled (a peer reads "?" for each), so a call refuses them, naming the key, as grpc-go does. A
   * {@code -bin} key's value is base64 ({@link Metadata#addBinary}), so the same rule holds for it.
   * TTHeader carries any UTF-8, so {@link Metadata} itself accepts them.
   */
  static String invalidPair(String name, String value) {
    if (!isKey(name)) {
      return "header key \""
          + name
          + "\" contains illegal characters not in [0-9a-z-_.] (gRPC metadata keys)";
    }
    return invalidValue(name, value);
  }

  /** As {@link #invalidPair} for a {@code name} known to be a valid key: the value's check. */
  private static String invalidValue(String name, String value) {
    // one comparison a character: below 0x20 wraps round to above 0x5e
    boolean printable = true;
    for (int i = 0, n = value.length(); i < n; i++) {
      printable &= (char) (value.charAt(i) - 0x20) <= 0x5e;
    }
    if (!printable) {
      return "header key \""
          + name
          + "\" contains value with non-printable ASCII characters (gRPC metadata values are"
          + " printable ASCII; send bytes base64-encoded under a key ending in "
          + Metadata.BINARY_SUFFIX
          + ")";
    }
    return null;
  }

  /** The characters of gRPC metadata keys, {@code [0-9a-z-_.]}, by their code. */
  private static final boolean[] KEY_CHARS = new boolean[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      KEY_CHARS[c] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      KEY_CHARS[c] = true;
    }
    KEY_CHARS['-'] = true;
    KEY_CHARS['_'] = true;
    KEY_CHARS['.'] = true;
  }

  /** Adds {@code grpc-status} and, when the status has a description, {@code grpc-message}. */
  public static void addStatus(Fields f, Status status) {
    f.add(GrpcHeaders.GRPC_STATUS, Integer.toString(status.code().value()));
    if (status.description().isPresent()) {
      f.add(GrpcHeaders.GRPC_MESSAGE, GrpcStatusMessages.encode(status.description().get()));
    }
  }

  /**
   * The status a call that failed with a business error ends with, as Kitex's gRPC server ends it:
   * INTERNAL with the business message, the code and extra put into {@code trailers}.
   */
  public static Status bizStatus(BizStatusException biz, Metadata trailers) {
    BizStatus.write(
        biz,
        false,
        (k, v) -> trailers.set(k, k.equals(BizStatusException.EXTRA_KEY) ? asciiJson(v) : v));
    return Status.of(StatusCode.INTERNAL, biz.getMessage());
  }

  /**
   * {@code json} with every character past ASCII written as a JSON unicode escape (backslash, u,
   * four hex digits), which means the same to every JSON reader (Kitex's included) and fits in gRPC
   * metadata (printable ASCII only). Outside strings JSON has no such characters, so escaping them
   * all is safe.
   */
  static String asciiJson(String json) {
    StringBuilder sb = null;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c > 0x7e) {
        if (sb == null) {
          sb = new StringBuilder(json.length() + 16).append(json, 0, i);
        }
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? json : sb.toString();
  }

  /**
   * The status trailers (or a trailers-only response) carry: {@code grpc-status} and {@code
   * grpc-message}.
   */
  public static Status status(Fields h) {
    String code = h.get(GrpcHeaders.GRPC_STATUS);
    if (code == null) {
      return Status.of(StatusCode.UNKNOWN, "the server sent no grpc-status");
    }
    StatusCode c;
    try {
      c = StatusCode.fromValue(Integer.parseInt(code.strip()));
    } catch (NumberFormatException e) {
      return Status.of(StatusCode.UNKNOWN, "malformed grpc-status " + code);
    }
    String msg = h.get(GrpcHeaders.GRPC_MESSAGE);
    return msg == null ? Status.of(c) : Status.of(c, GrpcStatusMessages.decode(msg));
  }

  /**
   * What a call that ended with {@code status} throws: a Kitex business error if the trailers carry
   * one.
   */
  public static RuntimeException failure(Status status, Metadata trailers) {
    if (trailers != null && trailers.containsKey(BizStatusException.STATUS_KEY)) {
      try {
        BizStatusException biz = BizStatus.read(trailers::get, status.description().orElse(""));
        if (biz != null) {
          return biz;
        }
      } catch (WireException e) {
        return Status.of(StatusCode.INTERNAL, e.getMessage()).asException(trailers);
      }
    }
    return status.asException(trailers);
  }
}
