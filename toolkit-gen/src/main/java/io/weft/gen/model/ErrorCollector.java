package io.weft.gen.model;

import java.util.ArrayList;
import java.util.List;

/** Collects every error of a run, each with its location, so that one run reports them all. */
public final class ErrorCollector {
  private final List<String> errors = new ArrayList<>();

  public void error(Location at, String message) {
    errors.add(at + ": " + message);
  }

  public void error(String file, String message) {
    errors.add(file + ": " + message);
  }

  /** Adds an error already formatted as {@code file:line:column: message}. */
  public void add(String formatted) {
    errors.add(formatted);
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  public List<String> errors() {
    return List.copyOf(errors);
  }

  /** Throws a {@link GenException} listing every error, if there is any. */
  public void throwIfAny() {
    if (!errors.isEmpty()) {
      throw new GenException(errors);
    }
  }
}
