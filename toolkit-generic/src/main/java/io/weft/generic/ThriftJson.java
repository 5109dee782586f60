package io.weft.generic;

import io.weft.gen.model.ConstValue;
import io.weft.gen.model.Definition;
import io.weft.gen.model.Field;
import io.weft.gen.model.Schema;
import io.weft.gen.model.TypeRef;
import io.weft.internal.wire.Json;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TMap;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolUtil;
import org.apache.thrift.protocol.TSet;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;

/**
 * Writes JSON values (as {@link Json} reads them) as Thrift Binary of an IDL type, and reads them
 * back, driven by the linked {@link Schema}. The mapping follows Kitex's JSON generic call: structs
 * as objects by field name, i64 as exact numbers, binary as base64, enums as numbers (a name is
 * accepted on write), map keys as strings; README lists where it differs (absent fields, enum
 * names, defaults), as GenericMappingKitexTest found them against the real Kitex.
 */
final class ThriftJson {
  private final Schema schema;

  ThriftJson(Schema schema) {
    this.schema = schema;
  }

  Schema schema() {
    return schema;
  }

  // ---- JSON -> Thrift ----

  /**
   * Writes the JSON object {@code json} as a struct with {@code fields}; {@code path} names it in
   * errors.
   */
  void writeStruct(
      TProtocol out,
      String structName,
      Definition.StructKind kind,
      List<Field> fields,
      Object json,
      String path)
      throws TException {
    if (!(json instanceof Map<?, ?> obj)) {
      throw bad(path, "want a JSON object for " + structName + ", got " + describe(json));
    }
    Map<String, Field> byName = new HashMap<>();
    for (Field f : fields) {
      byName.put(f.name(), f);
    }
    for (Object key : obj.keySet()) {
      if (!(key instanceof String name) || !byName.containsKey(name)) {
        throw bad(
            path,
            structName
                + " has no field \""
                + key
                + "\" (fields: "
                + fields.stream().map(Field::name).toList()
                + ")");
      }
    }
    out.writeStructBegin(new TStruct(structName));
    int set = 0;
    for (Field f : fields) {
      Object v = obj.get(f.name());
      if (v == null && kind != Definition.StructKind.UNION && f.defaultValue() != null) {
        v = constant(f.defaultValue(), f.type(), f.location().file());
      }
      if (v == null) {
        if (f.requiredness() == Field.Requiredness.REQUIRED) {
          throw bad(path, "required field \"" + f.name() + "\" of " + structName + " is missing");
        }
        continue;
      }
      set++;
      out.writeFieldBegin(new TField(f.name(), ttype(f.type()), (short) f.id()));
      write(out, f.type(), v, path + "." + f.name());
      out.writeFieldEnd();
    }
    if (kind == Definition.StructKind.UNION && set != 1) {
      throw bad(path, "union " + structName + " needs exactly one field set, got " + set);
    }
    out.writeFieldStop();
    out.writeStructEnd();
  }

  /** Writes {@code json} as a value of type {@code type}. */
  void write(TProtocol out, TypeRef type, Object json, String path) throws TException {
    TypeRef t = schema.unalias(type);
    switch (t) {
      case TypeRef.Base b -> writeBase(out, b.kind(), json, path);
      case TypeRef.ListOf l -> {
        List<?> items = array(json, path, t);
        out.writeListBegin(new TList(ttype(l.element()), items.size()));
        for (int i = 0; i < items.size(); i++) {
          write(out, l.element(), items.get(i), path + "[" + i + "]");
        }
        out.writeListEnd();
      }
      case TypeRef.SetOf s -> {
        List<?> items = array(json, path, t);
        out.writeSetBegin(new TSet(ttype(s.element()), items.size()));
        for (int i = 0; i < items.size(); i++) {
          write(out, s.element(), items.get(i), path + "[" + i + "]");
        }
        out.writeSetEnd();
      }
      case TypeRef.MapOf m -> {
        if (!(json instanceof Map<?, ?> obj)) {
          throw bad(path, "want a JSON object for " + t + ", got " + describe(json));
        }
        out.writeMapBegin(new TMap(ttype(m.key()), ttype(m.value()), obj.size()));
        for (Map.Entry<?, ?> e : obj.entrySet()) {
          String key = String.valueOf(e.getKey());
          // JSON keys are strings; the Map form may also give the key's own value
          write(
              out,
              m.key(),
              e.getKey() instanceof String ? mapKey(m.key(), key, path) : e.getKey(),
              path + "[" + key + "]");
          write(out, m.value(), e.getValue(), path + "[" + key + "]");
        }
        out.writeMapEnd();
      }
      case TypeRef.Named n -> {
        Definition d = schema.resolve(n);
        if (d instanceof Definition.Enum e) {
          out.writeI32(enumValue(e, json, path));
        } else if (d instanceof Definition.Struct s) {
          writeStruct(out, s.name(), s.kind(), s.fields(), json, path);
        } else {
          throw bad(path, "cannot write " + d.name());
        }
      }
    }
  }

  private void writeBase(TProtocol out, TypeRef.BaseKind kind, Object json, String path)
      throws TException {
    switch (kind) {
      case BOOL -> {
        if (!(json instanceof Boolean b)) {
          throw bad(path, "want true or false, got " + describe(json));
        }
        out.writeBool(b);
      }
      case BYTE ->
          out.writeByte((byte) integer(json, path, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte"));
      case I16 ->
          out.writeI16((short) integer(json, path, Short.MIN_VALUE, Short.MAX_VALUE, "i16"));
      case I32 ->
          out.writeI32((int) integer(json, path, Integer.MIN_VALUE, Integer.MAX_VALUE, "i32"));
      case I64 -> out.writeI64(integer(json, path, Long.MIN_VALUE, Long.MAX_VALUE, "i64"));
      case DOUBLE -> {
        if (json instanceof Number d) {
          out.writeDouble(d.doubleValue());
        } else if (json instanceof String s
            && (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity"))) {
          out.writeDouble(Double.parseDouble(s));
        } else {
          throw bad(path, "want a number, got " + describe(json));
        }
      }
      case STRING -> out.writeString(string(json, path));
      case BINARY -> {
        try {
          out.writeBinary(
              ByteBuffer.wrap(
                  json instanceof byte[] bytes
                      ? bytes
                      : Base64.getDecoder().decode(string(json, path))));
        } catch (IllegalArgumentException e) {
          throw bad(path, "binary wants base64: " + e.getMessage());
        }
      }
      case UUID -> {
        try {
          out.writeUuid(UUID.fromString(string(json, path)));
        } catch (IllegalArgumentException e) {
          throw bad(path, "not a UUID: " + json);
        }
      }
    }
  }

  private static long integer(Object json, String path, long min, long max, String type) {
    BigDecimal d;
    if (json instanceof BigDecimal n) {
      d = n;
    } else if (json instanceof Long
        || json instanceof Integer
        || json instanceof Short
        || json instanceof Byte) {
      d = BigDecimal.valueOf(((Number) json).longValue());
    } else if (json instanceof java.math.BigInteger n) {
      d = new BigDecimal(n);
    } else if (json instanceof String s && type.equals("i64")) {
      try {
        d = new BigDecimal(s); // an i64 as a string, as JavaScript callers send it
      } catch (NumberFormatException e) {
        throw bad(path, "want an integer, got " + describe(json));
      }
    } else {
      throw bad(path, "want an integer, got " + describe(json));
    }
    if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
      throw bad(path, d + " is not an integer (" + type + ")");
    }
    long v;
    try {
      v = d.longValueExact();
    } catch (ArithmeticException e) {
      throw bad(path, d + " is out of range for " + type);
    }
    if (v < min || v > max) {
      throw bad(path, d + " is out of range for " + type);
    }
    return v;
  }

  private static String string(Object json, String path) {
    if (!(json instanceof String s)) {
      throw bad(path, "want a string, got " + describe(json));
    }
    return s;
  }

  private static List<?> array(Object json, String path, TypeRef t) {
    if (json instanceof List<?> l) {
      return l;
    }
    if (json instanceof java.util.Collection<?> c) {
      return new ArrayList<>(c); // a Set, in the Map form
    }
    throw bad(path, "want a JSON array for " + t + ", got " + describe(json));
  }

  /** A map key, which JSON writes as a string, as the JSON value of the key type. */
  private Object mapKey(TypeRef keyType, String key, String path) {
    TypeRef t = schema.unalias(keyType);
    if (t instanceof TypeRef.Base b) {
      switch (b.kind()) {
        case STRING, BINARY, UUID:
          return key;
        case BOOL:
          if (key.equals("true") || key.equals("false")) {
            return Boolean.valueOf(key);
          }
          throw bad(path, "map key \"" + key + "\" is not a bool");
        case DOUBLE:
          if (key.equals("NaN") || key.endsWith("Infinity")) {
            return key;
          }
          return number(key, path);
        default:
          return number(key, path);
      }
    }
    if (t instanceof TypeRef.Named n && schema.resolve(n) instanceof Definition.Enum) {
      return key.matches("-?\\d+") ? new BigDecimal(key) : key;
    }
    throw bad(path, "map keys of type " + keyType + " have no JSON form");
  }

  private static BigDecimal number(String key, String path) {
    try {
      return new BigDecimal(key);
    } catch (NumberFormatException e) {
      throw bad(path, "map key \"" + key + "\" is not a number");
    }
  }

  private static int enumValue(Definition.Enum e, Object json, String path) {
    if (json instanceof String name) {
      for (Definition.EnumValue v : e.values()) {
        if (v.name().equals(name)) {
          return v.value();
        }
      }
      throw bad(path, e.name() + " has no value " + name);
    }
    return (int)
        integer(json, path, Integer.MIN_VALUE, Integer.MAX_VALUE, "i32 (enum " + e.name() + ")");
  }

  /** An IDL constant as the JSON value of {@code type}. */
  private Object constant(ConstValue c, TypeRef type, String file) {
    TypeRef t = schema.unalias(type);
    return switch (c) {
      case ConstValue.IntValue i ->
          t instanceof TypeRef.Base b && b.kind() == TypeRef.BaseKind.BOOL
              ? i.value() != 0
              : BigDecimal.valueOf(i.value());
      case ConstValue.DoubleValue d -> BigDecimal.valueOf(d.value());
      case ConstValue.StringValue s ->
          t instanceof TypeRef.Base b && b.kind() == TypeRef.BaseKind.BINARY
              ? Base64.getEncoder()
                  .encodeToString(s.value().getBytes(java.nio.charset.StandardCharsets.UTF_8))
              : s.value();
      case ConstValue.Identifier id -> identifier(id, file);
      case ConstValue.ListValue l -> {
        TypeRef element =
            t instanceof TypeRef.ListOf lo ? lo.element() : ((TypeRef.SetOf) t).element();
        List<Object> out = new ArrayList<>();
        for (ConstValue e : l.elements()) {
          out.add(constant(e, element, file));
        }
        yield out;
      }
      case ConstValue.MapValue m -> {
        Map<String, Object> out = new LinkedHashMap<>();
        if (t instanceof TypeRef.MapOf mo) {
          for (ConstValue.Entry e : m.entries()) {
            out.put(
                String.valueOf(constant(e.key(), mo.key(), file)),
                constant(e.value(), mo.value(), file));
          }
        } else if (t instanceof TypeRef.Named n
            && schema.resolve(n) instanceof Definition.Struct s) {
          for (ConstValue.Entry e : m.entries()) {
            String name = ((ConstValue.StringValue) e.key()).value();
            Field f =
                s.fields().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            out.put(name, constant(e.value(), f.type(), schema.fileOf(s).path()));
          }
        }
        yield out;
      }
    };
  }

  private Object identifier(ConstValue.Identifier id, String file) {
    String name = id.name();
    if (name.equals("true") || name.equals("false")) {
      return Boolean.valueOf(name);
    }
    Definition d = schema.lookup(file, name);
    if (d instanceof Definition.Const k) {
      return constant(k.value(), k.type(), schema.fileOf(k).path());
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0 && schema.lookup(file, name.substring(0, dot)) instanceof Definition.Enum e) {
      for (Definition.EnumValue v : e.values()) {
        if (v.name().equals(name.substring(dot + 1))) {
          return BigDecimal.valueOf(v.value());
        }
      }
    }
    throw new IllegalStateException("cannot resolve the constant " + name + " at " + id.location());
  }

  // ---- Thrift -> JSON ----

  /**
   * Reads a struct with {@code fields} into a JSON object in field order; unknown fields are
   * skipped.
   */
  Map<String, Object> readStruct(TProtocol in, String structName, List<Field> fields)
      throws TException {
    Map<Short, Field> byId = new HashMap<>();
    for (Field f : fields) {
      byId.put((short) f.id(), f);
    }
    Map<Short, Object> got = new HashMap<>();
    in.incrementRecursionDepth(); // bounds a self-nesting struct by the codec's recursion limit
    in.readStructBegin();
    while (true) {
      TField tf = in.readFieldBegin();
      if (tf.type == TType.STOP) {
        break;
      }
      Field f = byId.get(tf.id);
      if (f == null || tf.type != ttype(f.type())) {
        TProtocolUtil.skip(in, tf.type);
      } else {
        got.put(tf.id, read(in, f.type()));
      }
      in.readFieldEnd();
    }
    in.readStructEnd();
    in.decrementRecursionDepth();
    Map<String, Object> out = new LinkedHashMap<>();
    for (Field f : fields) {
      Object v = got.get((short) f.id());
      if (v != null) {
        out.put(f.name(), v);
      } else if (f.requiredness() == Field.Requiredness.REQUIRED) {
        throw new TException("required field " + f.name() + " of " + structName + " is missing");
      }
    }
    return out;
  }

  /** Reads a value of {@code type}. */
  Object read(TProtocol in, TypeRef type) throws TException {
    TypeRef t = schema.unalias(type);
    switch (t) {
      case TypeRef.Base b -> {
        return switch (b.kind()) {
          case BOOL -> in.readBool();
          case BYTE -> (long) in.readByte();
          case I16 -> (long) in.readI16();
          case I32 -> (long) in.readI32();
          case I64 -> in.readI64();
          case DOUBLE -> in.readDouble();
          case STRING -> in.readString();
          case BINARY -> {
            ByteBuffer bb = in.readBinary();
            byte[] bytes = new byte[bb.remaining()];
            bb.get(bytes);
            yield Base64.getEncoder().encodeToString(bytes);
          }
          case UUID -> in.readUuid().toString();
        };
      }
      case TypeRef.ListOf l -> {
        TList tl = in.readListBegin();
        List<Object> out = new ArrayList<>(Math.min(tl.size, 1024));
        for (int i = 0; i < tl.size; i++) {
          out.add(read(in, l.element()));
        }
        in.readListEnd();
        return out;
      }
      case TypeRef.SetOf s -> {
        TSet ts = in.readSetBegin();
        List<Object> out = new ArrayList<>(Math.min(ts.size, 1024));
        for (int i = 0; i < ts.size; i++) {
          out.add(read(in, s.element()));
        }
        in.readSetEnd();
        return out;
      }
      case TypeRef.MapOf m -> {
        TMap tm = in.readMapBegin();
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < tm.size; i++) {
          Object key = read(in, m.key());
          if (key instanceof Map<?, ?> || key instanceof List<?>) {
            throw new TException("map keys of type " + m.key() + " have no JSON form");
          }
          out.put(String.valueOf(key), read(in, m.value()));
        }
        in.readMapEnd();
        return out;
      }
      case TypeRef.Named n -> {
        Definition d = schema.resolve(n);
        if (d instanceof Definition.Enum) {
          return (long) in.readI32(); // by number, as Kitex; values the IDL does not name are kept
        }
        Definition.Struct s = (Definition.Struct) d;
        return readStruct(in, s.name(), s.fields());
      }
    }
  }

  /** The wire type of {@code type}. */
  byte ttype(TypeRef type) {
    TypeRef t = schema.unalias(type);
    return switch (t) {
      case TypeRef.Base b ->
          switch (b.kind()) {
            case BOOL -> TType.BOOL;
            case BYTE -> TType.BYTE;
            case I16 -> TType.I16;
            case I32 -> TType.I32;
            case I64 -> TType.I64;
            case DOUBLE -> TType.DOUBLE;
            case STRING, BINARY -> TType.STRING;
            case UUID -> TType.UUID;
          };
      case TypeRef.ListOf l -> TType.LIST;
      case TypeRef.SetOf s -> TType.SET;
      case TypeRef.MapOf m -> TType.MAP;
      case TypeRef.Named n ->
          schema.resolve(n) instanceof Definition.Enum ? TType.I32 : TType.STRUCT;
    };
  }

  static IllegalArgumentException bad(String path, String what) {
    return new IllegalArgumentException(path + ": " + what);
  }

  static String describe(Object json) {
    if (json == null) {
      return "null";
    }
    if (json instanceof Map<?, ?>) {
      return "an object";
    }
    if (json instanceof List<?>) {
      return "an array";
    }
    if (json instanceof byte[]) {
      return "bytes";
    }
    if (json instanceof String s) {
      return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    }
    return json.toString();
  }
}
