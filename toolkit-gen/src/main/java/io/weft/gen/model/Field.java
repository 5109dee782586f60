package io.weft.gen.model;

import java.util.Map;

/**
 * A field of a struct, union or exception, a parameter, or a {@code throws} entry.
 *
 * @param id the field id ({@code 1:}); negative if the IDL gave none (assigned -1, -2, ... as
 *     Apache Thrift does)
 * @param name as written
 * @param requiredness as written
 * @param type its type
 * @param defaultValue the IDL default, or null
 * @param annotations the parenthesised annotations, in order
 * @param doc the doc comment, or null
 * @param location where it is declared
 */
public record Field(
    int id,
    String name,
    Requiredness requiredness,
    TypeRef type,
    ConstValue defaultValue,
    Map<String, String> annotations,
    String doc,
    Location location) {

  /**
   * Whether a field must be set ({@code required}), may be unset ({@code optional}), or neither.
   */
  public enum Requiredness {
    REQUIRED,
    OPTIONAL,
    DEFAULT
  }
}
