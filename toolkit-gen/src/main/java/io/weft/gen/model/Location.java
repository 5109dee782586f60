package io.weft.gen.model;

/**
 * A place in an IDL file, for error messages and generated-code headers.
 *
 * @param file the path as given on the command line (or resolved through an include)
 * @param line 1-based
 * @param column 1-based
 */
public record Location(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
