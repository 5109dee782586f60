package io.weft.gen.model;

import java.util.List;

/** A constant as an IDL writes it: in a {@code const}, or as a field default. */
public sealed interface ConstValue {
  Location location();

  record IntValue(long value, Location location) implements ConstValue {}

  record DoubleValue(double value, Location location) implements ConstValue {}

  record StringValue(String value, Location location) implements ConstValue {}

  /**
   * A reference to another constant or an enum value ({@code Color.RED}, {@code other.LIMIT}), or
   * {@code true}/{@code false}.
   */
  record Identifier(String name, Location location) implements ConstValue {}

  record ListValue(List<ConstValue> elements, Location location) implements ConstValue {}

  record MapValue(List<Entry> entries, Location location) implements ConstValue {}

  record Entry(ConstValue key, ConstValue value) {}
}
