package io.weft.gen.model;

import java.util.List;

/**
 * The IDL could not be compiled; {@link #errors()} lists each problem as {@code file:line:column:
 * message}.
 */
public final class GenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> errors;

  public GenException(List<String> errors) {
    super(String.join("\n", errors));
    this.errors = List.copyOf(errors);
  }

  public GenException(String error) {
    this(List.of(error));
  }

  public List<String> errors() {
    return errors;
  }
}
