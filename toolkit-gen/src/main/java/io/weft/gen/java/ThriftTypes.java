package io.weft.gen.java;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import io.weft.gen.model.ConstValue;
import io.weft.gen.model.Definition;
import io.weft.gen.model.Schema;
import io.weft.gen.model.TypeRef;
import io.weft.gen.thrift.ConstResolver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps Thrift types to Java types and writes the code that reads, writes, compares and prints
 * values of them. Stateless apart from the schema it resolves names in.
 */
final class ThriftTypes {
  private final Schema schema;

  ThriftTypes(Schema schema) {
    this.schema = schema;
  }

  Schema schema() {
    return schema;
  }

  /** The class generated for a struct, union, exception or enum. */
  ClassName className(Definition d) {
    return ClassName.get(Schema.javaPackage(schema.fileOf(d)), Names.type(d.name()));
  }

  /** The class holding a file's constants: {@code echo.thrift} gives {@code EchoConstants}. */
  static ClassName constantsClass(String javaPackage, String baseName) {
    StringBuilder sb = new StringBuilder();
    for (String part : baseName.split("[^A-Za-z0-9]+")) {
      if (!part.isEmpty()) {
        sb.append(Names.capitalize(part));
      }
    }
    return ClassName.get(javaPackage, sb + "Constants");
  }

  TypeRef unalias(TypeRef t) {
    return schema.unalias(t);
  }

  Definition definition(TypeRef t) {
    return unalias(t) instanceof TypeRef.Named n ? schema.resolve(n) : null;
  }

  boolean isEnum(TypeRef t) {
    return definition(t) instanceof Definition.Enum;
  }

  /**
   * Whether the Java type is a primitive (bool, byte, i16, i32, i64, double), so "unset" needs an
   * isset bit.
   */
  boolean isPrimitive(TypeRef t) {
    return unalias(t) instanceof TypeRef.Base b
        && switch (b.kind()) {
          case BOOL, BYTE, I16, I32, I64, DOUBLE -> true;
          default -> false;
        };
  }

  boolean isBinary(TypeRef t) {
    return unalias(t) instanceof TypeRef.Base b && b.kind() == TypeRef.BaseKind.BINARY;
  }

  TypeName javaType(TypeRef t) {
    return javaType(t, false);
  }

  TypeName javaType(TypeRef t, boolean boxed) {
    TypeRef u = unalias(t);
    TypeName name =
        switch (u) {
          case TypeRef.Base b ->
              switch (b.kind()) {
                case BOOL -> TypeName.BOOLEAN;
                case BYTE -> TypeName.BYTE;
                case I16 -> TypeName.SHORT;
                case I32 -> TypeName.INT;
                case I64 -> TypeName.LONG;
                case DOUBLE -> TypeName.DOUBLE;
                case STRING -> ClassName.get(String.class);
                case BINARY -> ArrayTypeName.of(TypeName.BYTE);
                case UUID -> Names.UUID;
              };
          case TypeRef.ListOf l ->
              ParameterizedTypeName.get(Names.LIST, javaType(l.element(), true));
          case TypeRef.SetOf s -> ParameterizedTypeName.get(Names.SET, javaType(s.element(), true));
          case TypeRef.MapOf m ->
              ParameterizedTypeName.get(
                  Names.MAP, javaType(m.key(), true), javaType(m.value(), true));
          case TypeRef.Named n -> className(schema.resolve(n));
        };
    return boxed ? name.box() : name;
  }

  /** {@code TType.X} for a type. */
  CodeBlock ttype(TypeRef t) {
    TypeRef u = unalias(t);
    String c =
        switch (u) {
          case TypeRef.Base b ->
              switch (b.kind()) {
                case BOOL -> "BOOL";
                case BYTE -> "BYTE";
                case I16 -> "I16";
                case I32 -> "I32";
                case I64 -> "I64";
                case DOUBLE -> "DOUBLE";
                case STRING, BINARY -> "STRING";
                case UUID -> "UUID";
              };
          case TypeRef.ListOf l -> "LIST";
          case TypeRef.SetOf s -> "SET";
          case TypeRef.MapOf m -> "MAP";
          case TypeRef.Named n -> schema.resolve(n) instanceof Definition.Enum ? "I32" : "STRUCT";
        };
    return CodeBlock.of("$T.$L", Names.TTYPE, c);
  }

  /** Statements that write {@code expr} (of type {@code t}) to protocol {@code out}. */
  CodeBlock write(String expr, TypeRef t, int depth) {
    TypeRef u = unalias(t);
    CodeBlock.Builder b = CodeBlock.builder();
    switch (u) {
      case TypeRef.Base base -> {
        switch (base.kind()) {
          case BOOL -> b.addStatement("out.writeBool($L)", expr);
          case BYTE -> b.addStatement("out.writeByte($L)", expr);
          case I16 -> b.addStatement("out.writeI16($L)", expr);
          case I32 -> b.addStatement("out.writeI32($L)", expr);
          case I64 -> b.addStatement("out.writeI64($L)", expr);
          case DOUBLE -> b.addStatement("out.writeDouble($L)", expr);
          case STRING -> b.addStatement("out.writeString($L)", expr);
          case BINARY -> b.addStatement("out.writeBinary($T.wrap($L))", Names.BYTE_BUFFER, expr);
          case UUID -> b.addStatement("out.writeUuid($L)", expr);
        }
      }
      case TypeRef.ListOf l -> {
        String e = "_e" + depth;
        b.addStatement(
            "out.writeListBegin(new $T($L, $L.size()))", Names.TLIST, ttype(l.element()), expr);
        b.beginControlFlow("for ($T $L : $L)", javaType(l.element(), true), e, expr);
        b.add(write(e, l.element(), depth + 1));
        b.endControlFlow();
        b.addStatement("out.writeListEnd()");
      }
      case TypeRef.SetOf s -> {
        String e = "_e" + depth;
        b.addStatement(
            "out.writeSetBegin(new $T($L, $L.size()))", Names.TSET, ttype(s.element()), expr);
        b.beginControlFlow("for ($T $L : $L)", javaType(s.element(), true), e, expr);
        b.add(write(e, s.element(), depth + 1));
        b.endControlFlow();
        b.addStatement("out.writeSetEnd()");
      }
      case TypeRef.MapOf m -> {
        String e = "_e" + depth;
        b.addStatement(
            "out.writeMapBegin(new $T($L, $L, $L.size()))",
            Names.TMAP,
            ttype(m.key()),
            ttype(m.value()),
            expr);
        b.beginControlFlow(
            "for ($T<$T, $T> $L : $L.entrySet())",
            ClassName.get("java.util", "Map", "Entry"),
            javaType(m.key(), true),
            javaType(m.value(), true),
            e,
            expr);
        b.add(write(e + ".getKey()", m.key(), depth + 1));
        b.add(write(e + ".getValue()", m.value(), depth + 1));
        b.endControlFlow();
        b.addStatement("out.writeMapEnd()");
      }
      case TypeRef.Named n -> {
        if (schema.resolve(n) instanceof Definition.Enum) {
          b.addStatement("out.writeI32($L.getValue())", expr);
        } else {
          b.addStatement("$L.write(out)", expr);
        }
      }
    }
    return b.build();
  }

  /**
   * Statements that declare {@code var} (of type {@code t}) and read it from protocol {@code in}.
   */
  CodeBlock read(String var, TypeRef t, int depth) {
    TypeRef u = unalias(t);
    CodeBlock.Builder b = CodeBlock.builder();
    TypeName jt = javaType(t);
    switch (u) {
      case TypeRef.Base base -> {
        switch (base.kind()) {
          case BOOL -> b.addStatement("$T $L = in.readBool()", jt, var);
          case BYTE -> b.addStatement("$T $L = in.readByte()", jt, var);
          case I16 -> b.addStatement("$T $L = in.readI16()", jt, var);
          case I32 -> b.addStatement("$T $L = in.readI32()", jt, var);
          case I64 -> b.addStatement("$T $L = in.readI64()", jt, var);
          case DOUBLE -> b.addStatement("$T $L = in.readDouble()", jt, var);
          case STRING -> b.addStatement("$T $L = in.readString()", jt, var);
          case BINARY ->
              b.addStatement("$T $L = $T.bytes(in.readBinary())", jt, var, Names.THRIFT_STRUCTS);
          case UUID -> b.addStatement("$T $L = in.readUuid()", jt, var);
        }
      }
      case TypeRef.ListOf l -> {
        String h = "_list" + depth;
        String i = "_i" + depth;
        String e = "_e" + depth;
        b.addStatement("$T $L = in.readListBegin()", Names.TLIST, h);
        b.addStatement("$T $L = new $T<>($L.size)", jt, var, Names.ARRAY_LIST, h);
        b.beginControlFlow("for (int $L = 0; $L < $L.size; ++$L)", i, i, h, i);
        b.add(read(e, l.element(), depth + 1));
        b.addStatement("$L.add($L)", var, e);
        b.endControlFlow();
        b.addStatement("in.readListEnd()");
      }
      case TypeRef.SetOf s -> {
        String h = "_set" + depth;
        String i = "_i" + depth;
        String e = "_e" + depth;
        b.addStatement("$T $L = in.readSetBegin()", Names.TSET, h);
        b.addStatement("$T $L = new $T<>()", jt, var, Names.LINKED_HASH_SET);
        b.beginControlFlow("for (int $L = 0; $L < $L.size; ++$L)", i, i, h, i);
        b.add(read(e, s.element(), depth + 1));
        b.addStatement("$L.add($L)", var, e);
        b.endControlFlow();
        b.addStatement("in.readSetEnd()");
      }
      case TypeRef.MapOf m -> {
        String h = "_map" + depth;
        String i = "_i" + depth;
        String k = "_k" + depth;
        String v = "_v" + depth;
        b.addStatement("$T $L = in.readMapBegin()", Names.TMAP, h);
        b.addStatement("$T $L = new $T<>()", jt, var, Names.LINKED_HASH_MAP);
        b.beginControlFlow("for (int $L = 0; $L < $L.size; ++$L)", i, i, h, i);
        b.add(read(k, m.key(), depth + 1));
        b.add(read(v, m.value(), depth + 1));
        b.addStatement("$L.put($L, $L)", var, k, v);
        b.endControlFlow();
        b.addStatement("in.readMapEnd()");
      }
      case TypeRef.Named n -> {
        if (schema.resolve(n) instanceof Definition.Enum) {
          b.addStatement("$T $L = $T.of(in.readI32())", jt, var, jt);
        } else if (isUnion(n)) {
          b.addStatement("$T $L = $T.readFrom(in)", jt, var, jt);
        } else {
          b.addStatement("$T $L = new $T()", jt, var, jt);
          b.addStatement("$L.read(in)", var);
        }
      }
    }
    return b.build();
  }

  /** Whether {@code n} names a union (built by its factories, read by its {@code readFrom}). */
  private boolean isUnion(TypeRef.Named n) {
    return schema.unalias(n) instanceof TypeRef.Named u
        && schema.resolve(u) instanceof Definition.Struct st
        && st.kind() == Definition.StructKind.UNION;
  }

  /** An expression that is true when {@code a} and {@code b} (of type {@code t}) are equal. */
  CodeBlock equal(String a, String bb, TypeRef t) {
    TypeRef u = unalias(t);
    if (u instanceof TypeRef.Base base) {
      return switch (base.kind()) {
        case DOUBLE -> CodeBlock.of("$T.compare($L, $L) == 0", Double.class, a, bb);
        case BOOL, BYTE, I16, I32, I64 -> CodeBlock.of("$L == $L", a, bb);
        case BINARY -> CodeBlock.of("$T.equals($L, $L)", Names.ARRAYS, a, bb);
        default -> CodeBlock.of("$T.equals($L, $L)", Names.OBJECTS, a, bb);
      };
    }
    return CodeBlock.of("$T.equals($L, $L)", Names.OBJECTS, a, bb);
  }

  /** An expression for the hash of {@code a}. */
  CodeBlock hash(String a, TypeRef t) {
    TypeRef u = unalias(t);
    if (u instanceof TypeRef.Base base) {
      return switch (base.kind()) {
        case BOOL -> CodeBlock.of("$T.hashCode($L)", Boolean.class, a);
        case BYTE -> CodeBlock.of("$T.hashCode($L)", Byte.class, a);
        case I16 -> CodeBlock.of("$T.hashCode($L)", Short.class, a);
        case I32 -> CodeBlock.of("$T.hashCode($L)", Integer.class, a);
        case I64 -> CodeBlock.of("$T.hashCode($L)", Long.class, a);
        case DOUBLE -> CodeBlock.of("$T.hashCode($L)", Double.class, a);
        case BINARY -> CodeBlock.of("$T.hashCode($L)", Names.ARRAYS, a);
        default -> CodeBlock.of("$T.hashCode($L)", Names.OBJECTS, a);
      };
    }
    return CodeBlock.of("$T.hashCode($L)", Names.OBJECTS, a);
  }

  /** An expression for the text of {@code a} in {@code toString()}. */
  CodeBlock text(String a, TypeRef t) {
    return isBinary(t)
        ? CodeBlock.of("$T.hex($L)", Names.THRIFT_STRUCTS, a)
        : CodeBlock.of("$L", a);
  }

  /**
   * A Java expression for constant {@code v} of type {@code t}, as written in {@code file}.
   *
   * @param mutable whether containers must be mutable (field defaults) or may be immutable
   *     (constants)
   */
  CodeBlock constant(TypeRef t, ConstValue v, String file, boolean mutable) {
    TypeRef u = unalias(t);
    if (v instanceof ConstValue.Identifier id
        && !id.name().equals("true")
        && !id.name().equals("false")) {
      ConstResolver.Target target = ConstResolver.resolve(schema, file, id.name());
      if (target instanceof ConstResolver.EnumTarget et) {
        return CodeBlock.of("$T.$L", className(et.type()), EnumEmitter.constantName(et.value()));
      }
      if (target instanceof ConstResolver.ConstTarget ct) {
        var f = schema.fileOf(ct.constant());
        CodeBlock ref =
            CodeBlock.of(
                "$T.$L",
                constantsClass(Schema.javaPackage(f), f.baseName()),
                Names.escape(ct.constant().name()));
        if (mutable
            && (u instanceof TypeRef.ListOf
                || u instanceof TypeRef.SetOf
                || u instanceof TypeRef.MapOf)) {
          TypeName impl =
              u instanceof TypeRef.ListOf
                  ? Names.ARRAY_LIST
                  : u instanceof TypeRef.SetOf ? Names.LINKED_HASH_SET : Names.LINKED_HASH_MAP;
          return CodeBlock.of("new $T<>($L)", impl, ref);
        }
        return ref;
      }
      throw new IllegalStateException("unresolved constant " + id.name());
    }
    return switch (u) {
      case TypeRef.Base b ->
          switch (b.kind()) {
            case BOOL ->
                CodeBlock.of(
                    "$L",
                    v instanceof ConstValue.Identifier id
                        ? id.name()
                        : Boolean.toString(((ConstValue.IntValue) v).value() != 0));
            case BYTE -> CodeBlock.of("(byte) $L", ((ConstValue.IntValue) v).value());
            case I16 -> CodeBlock.of("(short) $L", ((ConstValue.IntValue) v).value());
            case I32 -> CodeBlock.of("$L", ((ConstValue.IntValue) v).value());
            case I64 -> CodeBlock.of("$LL", ((ConstValue.IntValue) v).value());
            case DOUBLE ->
                CodeBlock.of(
                    "$L",
                    v instanceof ConstValue.IntValue i
                        ? (double) i.value() + ""
                        : Double.toString(((ConstValue.DoubleValue) v).value()));
            case STRING -> CodeBlock.of("$S", ((ConstValue.StringValue) v).value());
            case BINARY ->
                CodeBlock.of(
                    "$S.getBytes($T.UTF_8)",
                    ((ConstValue.StringValue) v).value(),
                    StandardCharsets.class);
            case UUID ->
                CodeBlock.of("$T.fromString($S)", Names.UUID, ((ConstValue.StringValue) v).value());
          };
      case TypeRef.ListOf l ->
          collection(
              mutable ? Names.ARRAY_LIST : null,
              "unmodifiableList",
              l.element(),
              (ConstValue.ListValue) v,
              file,
              mutable);
      case TypeRef.SetOf s ->
          collection(
              Names.LINKED_HASH_SET,
              "unmodifiableSet",
              s.element(),
              (ConstValue.ListValue) v,
              file,
              mutable);
      case TypeRef.MapOf m -> {
        ConstValue.MapValue mv = (ConstValue.MapValue) v;
        List<CodeBlock> entries = new ArrayList<>();
        for (ConstValue.Entry e : mv.entries()) {
          entries.add(
              CodeBlock.of(
                  "$T.entry($L,$W$L)",
                  Names.MAP,
                  constant(m.key(), e.key(), file, false),
                  constant(m.value(), e.value(), file, false)));
        }
        CodeBlock map =
            CodeBlock.of(
                "new $T<>($T.ofEntries($Z$L))",
                Names.LINKED_HASH_MAP,
                Names.MAP,
                CodeBlock.join(entries, ",$W"));
        yield mutable ? map : CodeBlock.of("$T.unmodifiableMap($Z$L)", Names.COLLECTIONS, map);
      }
      case TypeRef.Named n -> {
        Definition d = schema.resolve(n);
        if (d instanceof Definition.Enum e) {
          long value = ((ConstValue.IntValue) v).value();
          for (Definition.EnumValue ev : e.values()) {
            if (ev.value() == value) {
              yield CodeBlock.of("$T.$L", className(e), EnumEmitter.constantName(ev));
            }
          }
          yield CodeBlock.of("$T.of($L)", className(e), value);
        }
        Definition.Struct st = (Definition.Struct) d;
        if (st.kind() == Definition.StructKind.UNION) {
          // the linker lets a union value set exactly one field
          ConstValue.Entry e = ((ConstValue.MapValue) v).entries().get(0);
          String fieldName = ((ConstValue.StringValue) e.key()).value();
          var field =
              st.fields().stream()
                  .filter(f -> f.name().equals(fieldName))
                  .findFirst()
                  .orElseThrow();
          yield CodeBlock.of(
              "$T.of$L($L)",
              className(st),
              Names.capitalize(Names.member(field.name())),
              constant(field.type(), e.value(), file, false));
        }
        CodeBlock.Builder cb = CodeBlock.builder().add("new $T()", className(st));
        for (ConstValue.Entry e : ((ConstValue.MapValue) v).entries()) {
          String fieldName = ((ConstValue.StringValue) e.key()).value();
          var field =
              st.fields().stream()
                  .filter(f -> f.name().equals(fieldName))
                  .findFirst()
                  .orElseThrow();
          cb.add(
              "$Z.set$L($L)",
              Names.capitalize(Names.member(field.name())),
              constant(field.type(), e.value(), file, false));
        }
        yield cb.build();
      }
    };
  }

  private CodeBlock collection(
      ClassName impl,
      String unmodifiable,
      TypeRef elem,
      ConstValue.ListValue v,
      String file,
      boolean mutable) {
    List<CodeBlock> elems = new ArrayList<>();
    for (ConstValue e : v.elements()) {
      elems.add(constant(elem, e, file, false));
    }
    CodeBlock list = CodeBlock.of("$T.of($Z$L)", Names.LIST, CodeBlock.join(elems, ",$W"));
    CodeBlock built = impl == null ? list : CodeBlock.of("new $T<>($L)", impl, list);
    return mutable || impl == null
        ? built
        : CodeBlock.of("$T.$L($Z$L)", Names.COLLECTIONS, unmodifiable, built);
  }
}
