package io.weft.gen.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A top-level definition of an IDL file. */
public sealed interface Definition {
  String name();

  Location location();

  String doc();

  /** The kind of struct-like definition. */
  enum StructKind {
    STRUCT,
    UNION,
    EXCEPTION
  }

  record Struct(
      StructKind kind,
      String name,
      List<Field> fields,
      Map<String, String> annotations,
      String doc,
      Location location)
      implements Definition {}

  record EnumValue(String name, int value, String doc, Location location) {}

  @SuppressWarnings("AvoidCommonTypeNames") // the IDL's own word; always written Definition.Enum
  record Enum(String name, List<EnumValue> values, String doc, Location location)
      implements Definition {}

  record Typedef(String name, TypeRef type, String doc, Location location) implements Definition {}

  record Const(String name, TypeRef type, ConstValue value, String doc, Location location)
      implements Definition {}

  /**
   * A service.
   *
   * @param extendsName the base service as written ({@code Base} or {@code other.Base}), or null
   */
  record Service(
      String name,
      String extendsName,
      List<Function> functions,
      Map<String, String> annotations,
      String doc,
      Location location)
      implements Definition {}

  /**
   * A method of a service.
   *
   * @param returnType null for {@code void}
   */
  record Function(
      String name,
      boolean oneway,
      TypeRef returnType,
      List<Field> params,
      List<Field> throwsFields,
      Map<String, String> annotations,
      String doc,
      Location location) {
    /**
     * The fields of the function's {@code _result} struct, as Thrift and Kitex write it: {@code
     * success} (id 0) unless the function returns void, then each declared exception, all optional.
     */
    public List<Field> resultFields() {
      List<Field> fields = new ArrayList<>(throwsFields.size() + 1);
      if (returnType != null) {
        fields.add(
            new Field(
                0,
                "success",
                Field.Requiredness.OPTIONAL,
                returnType,
                null,
                Map.of(),
                null,
                location));
      }
      for (Field t : throwsFields) {
        fields.add(
            new Field(
                t.id(),
                t.name(),
                Field.Requiredness.OPTIONAL,
                t.type(),
                null,
                Map.of(),
                null,
                t.location()));
      }
      return fields;
    }
  }
}
