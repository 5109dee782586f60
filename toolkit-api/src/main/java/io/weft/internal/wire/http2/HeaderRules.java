package io.weft.internal.wire.http2;

/**
 * What makes a header block malformed (RFC 9113 sections 8.2 and 8.3): names with upper case or
 * other forbidden octets, values with NUL, CR or LF, connection-specific fields, {@code te} other
 * than "trailers", pseudo-header fields that are unknown, repeated, misplaced or missing, and a
 * {@code content-length} that is not a number. A malformed block is a stream error PROTOCOL_ERROR.
 * Stateless.
 */
final class HeaderRules {
  private HeaderRules() {}

  /** Why a request's header block is malformed, or null if it is not. */
  static String checkRequest(Fields f) {
    String method = null;
    String scheme = null;
    String path = null;
    String authority = null;
    boolean regular = false;
    for (int i = 0; i < f.size(); i++) {
      String name = f.name(i);
      String value = f.value(i);
      if (name.isEmpty()) {
        return "an empty field name";
      }
      if (name.charAt(0) == ':') {
        if (regular) {
          return "pseudo-header field " + name + " after a regular field";
        }
        switch (name) {
          case ":method" -> {
            if (method != null) {
              return "repeated :method";
            }
            method = value;
          }
          case ":scheme" -> {
            if (scheme != null) {
              return "repeated :scheme";
            }
            scheme = value;
          }
          case ":path" -> {
            if (path != null) {
              return "repeated :path";
            }
            path = value;
          }
          case ":authority" -> {
            if (authority != null) {
              return "repeated :authority";
            }
            authority = value;
          }
          default -> {
            return "pseudo-header field " + name + " is not a request's";
          }
        }
      } else {
        regular = true;
        String why = checkRegular(name, value);
        if (why != null) {
          return why;
        }
      }
      String why = checkValue(name, value);
      if (why != null) {
        return why;
      }
    }
    if (method == null) {
      return "no :method";
    }
    if (method.equals("CONNECT")) {
      return authority == null
          ? "CONNECT without :authority"
          : scheme != null || path != null ? "CONNECT with :scheme or :path" : null;
    }
    if (scheme == null) {
      return "no :scheme";
    }
    if (path == null || path.isEmpty()) {
      return path == null ? "no :path" : "an empty :path";
    }
    return null;
  }

  /**
   * Why a response's header block is malformed, or null. Informational (1xx) responses pass too.
   */
  static String checkResponse(Fields f) {
    boolean status = false;
    boolean regular = false;
    for (int i = 0; i < f.size(); i++) {
      String name = f.name(i);
      String value = f.value(i);
      if (name.isEmpty()) {
        return "an empty field name";
      }
      if (name.charAt(0) == ':') {
        if (regular || status || !name.equals(":status")) {
          return regular
              ? "pseudo-header field " + name + " after a regular field"
              : "unexpected pseudo-header field " + name;
        }
        status = true;
      } else {
        regular = true;
        String why = checkRegular(name, value);
        if (why != null) {
          return why;
        }
      }
      String why = checkValue(name, value);
      if (why != null) {
        return why;
      }
    }
    return status ? null : "no :status";
  }

  /** Why a trailer block is malformed, or null: no pseudo-header fields at all. */
  static String checkTrailers(Fields f) {
    for (int i = 0; i < f.size(); i++) {
      String name = f.name(i);
      if (name.isEmpty()) {
        return "an empty field name";
      }
      if (name.charAt(0) == ':') {
        return "pseudo-header field " + name + " in trailers";
      }
      String why = checkRegular(name, f.value(i));
      if (why == null) {
        why = checkValue(name, f.value(i));
      }
      if (why != null) {
        return why;
      }
    }
    return null;
  }

  /** The declared content-length, -1 if none; -2 if it is not a non-negative number. */
  static long contentLength(Fields f) {
    String v = f.get("content-length");
    if (v == null) {
      return -1;
    }
    if (v.isEmpty() || v.length() > 18) {
      return -2;
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -2;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private static String checkRegular(String name, String value) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || (c >= 'A' && c <= 'Z') || c >= 0x7f) {
        return "field name '"
            + name
            + "' has a forbidden character (upper case, space, control or non-ASCII)";
      }
    }
    switch (name) {
      case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" -> {
        return "connection-specific field " + name;
      }
      case "te" -> {
        if (!value.equals("trailers")) {
          return "te: " + value + " (only \"trailers\" is allowed)";
        }
      }
      default -> {
        // any other name is fine
      }
    }
    return null;
  }

  private static String checkValue(String name, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0 || c == '\n' || c == '\r') {
        return "the value of " + name + " has a NUL, CR or LF";
      }
    }
    return null;
  }
}
