package io.weft.internal.wire.grpc;

import java.util.Set;

/** gRPC's header names and content types, and which headers are not user metadata. */
public final class GrpcHeaders {
  private GrpcHeaders() {}

  public static final String CONTENT_TYPE = "content-type";
  public static final String TE = "te";
  public static final String USER_AGENT = "user-agent";
  public static final String GRPC_STATUS = "grpc-status";
  public static final String GRPC_MESSAGE = "grpc-message";
  public static final String GRPC_TIMEOUT = "grpc-timeout";
  public static final String GRPC_ENCODING = "grpc-encoding";
  public static final String GRPC_ACCEPT_ENCODING = "grpc-accept-encoding";
  public static final String APPLICATION_GRPC = "application/grpc";

  private static final Set<String> RESERVED =
      Set.of(
          CONTENT_TYPE,
          TE,
          GRPC_STATUS,
          GRPC_MESSAGE,
          GRPC_TIMEOUT,
          GRPC_ENCODING,
          GRPC_ACCEPT_ENCODING,
          "connection",
          "host",
          "content-length",
          "transfer-encoding",
          "upgrade",
          "keep-alive",
          "proxy-connection",
          "grpc-status-details-bin",
          "accept-encoding",
          "content-encoding");

  /** Whether {@code name} (lower case) is a transport header rather than user metadata. */
  public static boolean isReserved(String name) {
    return name.startsWith(":") || RESERVED.contains(name);
  }

  /** A call's metadata from a header block: every field but pseudo-headers and gRPC's own. */
  public static io.weft.api.Metadata metadata(io.weft.internal.wire.http2.Fields fields) {
    io.weft.api.Metadata md = new io.weft.api.Metadata();
    for (int i = 0; i < fields.size(); i++) {
      String name = fields.name(i);
      if (!isReserved(name)) {
        md.add(name, fields.value(i));
      }
    }
    return md;
  }

  /**
   * Whether a content-type is gRPC's ({@code application/grpc}, optionally {@code +proto}, {@code
   * +thrift}, parameters).
   */
  public static boolean isGrpc(String contentType) {
    if (contentType == null
        || !contentType.regionMatches(true, 0, APPLICATION_GRPC, 0, APPLICATION_GRPC.length())) {
      return false;
    }
    if (contentType.length() == APPLICATION_GRPC.length()) {
      return true;
    }
    char next = contentType.charAt(APPLICATION_GRPC.length());
    return next == '+' || next == ';';
  }

  /**
   * The subtype of a gRPC content-type ({@code proto}, {@code thrift}), or {@code proto} when none
   * is given.
   */
  public static String subtype(String contentType) {
    int plus = contentType.indexOf('+');
    if (plus < 0) {
      return "proto";
    }
    int semi = contentType.indexOf(';', plus);
    return contentType
        .substring(plus + 1, semi < 0 ? contentType.length() : semi)
        .strip()
        .toLowerCase(java.util.Locale.ROOT);
  }
}
