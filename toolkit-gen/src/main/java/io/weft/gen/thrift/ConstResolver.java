package io.weft.gen.thrift;

import io.weft.gen.model.Definition;
import io.weft.gen.model.Schema;

/**
 * Resolves a constant reference: {@code LIMIT}, {@code Color.RED}, {@code other.LIMIT} or {@code
 * other.Color.RED}.
 */
public final class ConstResolver {
  private ConstResolver() {}

  /** What an identifier in a constant position refers to. */
  public sealed interface Target {}

  public record ConstTarget(Definition.Const constant) implements Target {}

  public record EnumTarget(Definition.Enum type, Definition.EnumValue value) implements Target {}

  /** The target of {@code name} as written in {@code file}, or null. */
  public static Target resolve(Schema schema, String file, String name) {
    if (schema.lookup(file, name) instanceof Definition.Const c) {
      return new ConstTarget(c);
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0 && schema.lookup(file, name.substring(0, dot)) instanceof Definition.Enum e) {
      String valueName = name.substring(dot + 1);
      for (Definition.EnumValue v : e.values()) {
        if (v.name().equals(valueName)) {
          return new EnumTarget(e, v);
        }
      }
    }
    return null;
  }
}
