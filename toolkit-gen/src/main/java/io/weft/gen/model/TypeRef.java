package io.weft.gen.model;

/** A type as an IDL writes it; named types are resolved through the {@link Schema}. */
public sealed interface TypeRef {
  /** A built-in scalar. */
  record Base(BaseKind kind) implements TypeRef {
    @Override
    public String toString() {
      return kind.idlName();
    }
  }

  record ListOf(TypeRef element) implements TypeRef {
    @Override
    public String toString() {
      return "list<" + element + ">";
    }
  }

  record SetOf(TypeRef element) implements TypeRef {
    @Override
    public String toString() {
      return "set<" + element + ">";
    }
  }

  record MapOf(TypeRef key, TypeRef value) implements TypeRef {
    @Override
    public String toString() {
      return "map<" + key + "," + value + ">";
    }
  }

  /**
   * A reference to a struct, union, exception, enum or typedef, possibly qualified by an include
   * ({@code other.Thing}).
   *
   * @param name as written
   * @param location where it is written, to report an unknown name
   * @param file the file it is written in, which scopes the lookup
   */
  record Named(String name, Location location, String file) implements TypeRef {
    @Override
    public String toString() {
      return name;
    }
  }

  /** The Thrift scalar types. */
  enum BaseKind {
    BOOL("bool"),
    BYTE("byte"),
    I16("i16"),
    I32("i32"),
    I64("i64"),
    DOUBLE("double"),
    STRING("string"),
    BINARY("binary"),
    UUID("uuid");

    private final String idlName;

    BaseKind(String idlName) {
      this.idlName = idlName;
    }

    public String idlName() {
      return idlName;
    }
  }
}
