package io.weft.gen.thrift;

import io.weft.gen.model.GenException;
import io.weft.gen.model.Location;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits Thrift IDL into tokens. Handles {@code //}, {@code #} and block comments; a {@code /** *
 * /} comment, or a run of line comments directly above a definition, becomes that definition's doc.
 */
final class Lexer {
  enum Kind {
    IDENT,
    INT,
    DOUBLE,
    STRING,
    PUNCT,
    EOF
  }

  record Token(Kind kind, String text, Location location, String doc) {
    boolean is(String s) {
      return (kind == Kind.PUNCT || kind == Kind.IDENT) && text.equals(s);
    }

    @Override
    public String toString() {
      return kind == Kind.EOF
          ? "end of file"
          : kind == Kind.STRING ? "\"" + text + "\"" : "'" + text + "'";
    }
  }

  private final String src;
  private final String file;
  private int pos;
  private int line = 1;
  private int col = 1;
  private int lastTokenLine = -1;

  Lexer(String src, String file) {
    this.src = src;
    this.file = file;
  }

  List<Token> tokens() {
    List<Token> out = new ArrayList<>();
    while (true) {
      String doc = skipSpaceAndComments();
      Location at = new Location(file, line, col);
      lastTokenLine = line;
      if (pos >= src.length()) {
        out.add(new Token(Kind.EOF, "", at, null));
        return out;
      }
      char c = src.charAt(pos);
      if (Character.isLetter(c) || c == '_') {
        int start = pos;
        while (pos < src.length()
            && (Character.isLetterOrDigit(src.charAt(pos))
                || src.charAt(pos) == '_'
                || src.charAt(pos) == '.')) {
          advance();
        }
        out.add(new Token(Kind.IDENT, src.substring(start, pos), at, doc));
      } else if (Character.isDigit(c)
          || ((c == '-' || c == '+')
              && pos + 1 < src.length()
              && (Character.isDigit(src.charAt(pos + 1)) || src.charAt(pos + 1) == '.'))) {
        out.add(number(at, doc));
      } else if (c == '"' || c == '\'') {
        out.add(new Token(Kind.STRING, string(c, at), at, doc));
      } else if ("{}()[]<>,;:=*".indexOf(c) >= 0) {
        advance();
        out.add(new Token(Kind.PUNCT, String.valueOf(c), at, doc));
      } else {
        throw new GenException(at + ": unexpected character '" + c + "'");
      }
    }
  }

  private Token number(Location at, String doc) {
    int start = pos;
    if (src.charAt(pos) == '-' || src.charAt(pos) == '+') {
      advance();
    }
    if (src.startsWith("0x", pos) || src.startsWith("0X", pos)) {
      advance();
      advance();
      int digits = pos;
      while (pos < src.length() && Character.digit(src.charAt(pos), 16) >= 0) {
        advance();
      }
      if (pos == digits) {
        throw new GenException(at + ": hex literal without digits");
      }
      return new Token(Kind.INT, src.substring(start, pos), at, doc);
    }
    boolean isDouble = false;
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (Character.isDigit(c)) {
        advance();
      } else if (c == '.' || c == 'e' || c == 'E') {
        isDouble = true;
        advance();
        if ((c == 'e' || c == 'E')
            && pos < src.length()
            && (src.charAt(pos) == '-' || src.charAt(pos) == '+')) {
          advance();
        }
      } else {
        break;
      }
    }
    return new Token(isDouble ? Kind.DOUBLE : Kind.INT, src.substring(start, pos), at, doc);
  }

  private String string(char quote, Location at) {
    advance();
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= src.length()) {
        throw new GenException(at + ": unterminated string literal");
      }
      char c = src.charAt(pos);
      if (c == quote) {
        advance();
        return sb.toString();
      }
      if (c == '\\' && pos + 1 < src.length()) {
        advance();
        char e = src.charAt(pos);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case '\\', '"', '\'' -> sb.append(e);
          default -> sb.append('\\').append(e);
        }
        advance();
        continue;
      }
      sb.append(c);
      advance();
    }
  }

  /**
   * Skips whitespace and comments; returns the doc comment directly before the next token, if any.
   */
  private String skipSpaceAndComments() {
    String doc = null;
    StringBuilder lineDoc = null;
    int lastLineCommentLine = -2;
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '\n') {
        if (lineDoc != null && line > lastLineCommentLine + 1) {
          lineDoc = null; // a blank line separates a comment from what follows
        }
        advance();
      } else if (Character.isWhitespace(c)) {
        advance();
      } else if (c == '#' || src.startsWith("//", pos)) {
        boolean trailing = line == lastTokenLine;
        int start = pos + (c == '#' ? 1 : 2);
        while (pos < src.length() && src.charAt(pos) != '\n') {
          advance();
        }
        if (trailing) {
          continue; // a comment after code on the same line documents that code, not what follows
        }
        String text = src.substring(start, pos).strip();
        if (lineDoc == null || lastLineCommentLine != line - 1) {
          lineDoc = new StringBuilder();
        } else {
          lineDoc.append('\n');
        }
        lineDoc.append(text);
        lastLineCommentLine = line;
        doc = null;
      } else if (src.startsWith("/*", pos)) {
        boolean isDoc = src.startsWith("/**", pos) && !src.startsWith("/**/", pos);
        int start = pos + (isDoc ? 3 : 2);
        Location at = new Location(file, line, col);
        int end = src.indexOf("*/", start);
        if (end < 0) {
          throw new GenException(at + ": unterminated comment");
        }
        while (pos < end + 2) {
          advance();
        }
        if (isDoc) {
          doc = cleanBlock(src.substring(start, end));
          lineDoc = null;
        }
      } else {
        break;
      }
    }
    if (doc != null) {
      return doc;
    }
    if (lineDoc != null && lastLineCommentLine == line - 1) {
      return lineDoc.toString();
    }
    return null;
  }

  private static String cleanBlock(String body) {
    StringBuilder sb = new StringBuilder();
    for (String l : body.split("\n")) {
      String t = l.strip();
      if (t.startsWith("*")) {
        t = t.substring(1).strip();
      }
      if (!sb.isEmpty() || !t.isEmpty()) {
        sb.append(t).append('\n');
      }
    }
    return sb.toString().strip();
  }

  private void advance() {
    if (src.charAt(pos) == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
    pos++;
  }
}
