package io.weft.gen;

/**
 * The last resort that keeps generated lines within {@link #LIMIT}: JavaPoet wraps statements at
 * the points emitters mark, but not declarations, whose generic types can be long ({@code
 * MethodDescriptor<Messages.StreamingOutputCallRequest, Messages.StreamingOutputCallResponse>}).
 * Such a line is broken after a comma, its continuation indented four more columns. Comment lines
 * and lines holding a string or character literal are left alone.
 */
final class LongLines {
  /** The longest generated line. */
  static final int LIMIT = 120;

  private LongLines() {}

  static String wrap(String source) {
    if (source.lines().noneMatch(l -> l.length() > LIMIT)) {
      return source;
    }
    StringBuilder out = new StringBuilder(source.length() + 64);
    for (String line : source.split("\n", -1)) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      out.append(breakLine(line));
    }
    return out.toString();
  }

  private static String breakLine(String line) {
    String code = line.strip();
    if (line.length() <= LIMIT
        || code.startsWith("*")
        || code.startsWith("/")
        || line.indexOf('"') >= 0
        || line.indexOf('\'') >= 0) {
      return line;
    }
    String indent = line.substring(0, line.length() - line.stripLeading().length()) + "    ";
    StringBuilder out = new StringBuilder();
    String rest = line;
    while (rest.length() > LIMIT) {
      int cut = rest.lastIndexOf(", ", LIMIT - 1);
      if (cut <= indent.length()) {
        break;
      }
      out.append(rest, 0, cut + 1).append('\n');
      rest = indent + rest.substring(cut + 2);
    }
    return out.append(rest).toString();
  }
}
