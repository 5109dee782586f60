package io.weft.gen.java;

/**
 * Documentation text for generated code, wrapped so that no generated line is longer than 120
 * characters.
 */
public final class Docs {
  /** The longest documentation line, leaving room for indentation and {@code " * "}. */
  static final int WIDTH = 96;

  private Docs() {}

  /**
   * {@code text} with every line longer than {@link #WIDTH} broken at spaces; a word longer than
   * that stays whole.
   */
  public static String wrap(String text) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      String rest = line;
      while (rest.length() > WIDTH) {
        int cut = rest.lastIndexOf(' ', WIDTH);
        if (cut <= 0) {
          cut = rest.indexOf(' ', WIDTH);
          if (cut < 0) {
            break;
          }
        }
        out.append(rest, 0, cut).append('\n');
        rest = rest.substring(cut + 1);
      }
      out.append(rest);
    }
    return out.toString();
  }
}
