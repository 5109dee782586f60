package io.weft.gen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.weft.gen.model.Definition;
import io.weft.gen.model.Definition.StructKind;
import io.weft.gen.model.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Emits the class of a struct, union or exception: typed fields, fluent setters, getters, {@code
 * isSet}/{@code unset}, {@code equals}/{@code hashCode}/{@code toString}, and {@code read}/{@code
 * write} on libthrift's {@code TProtocol} with required-field checks. Also used for the {@code
 * *Args}/{@code *Result} structs of service methods.
 *
 * <p>A union is immutable: one static factory per field ({@code Pick.ofLabel("x")}) is the only way
 * to make one, so none is ever built with no field set; {@code readFrom} reads one from the wire.
 */
final class StructEmitter {
  /** Names a {@code Throwable} already uses, which exception fields must not shadow. */
  private static final Set<String> THROWABLE_MEMBERS =
      Set.of("message", "cause", "stackTrace", "localizedMessage", "suppressed");

  private final ThriftTypes types;

  StructEmitter(ThriftTypes types) {
    this.types = types;
  }

  /**
   * One field as the generated class sees it.
   *
   * @param unionField whether the field is a union's: then it is optional whatever the IDL says
   *     (written, compared and printed only when set), as in Apache Thrift
   */
  record Member(
      Field field,
      String name,
      String accessor,
      TypeName type,
      boolean primitive,
      int bit,
      String desc,
      boolean unionField) {
    boolean optional() {
      return unionField || field.requiredness() == Field.Requiredness.OPTIONAL;
    }

    boolean required() {
      return field.requiredness() == Field.Requiredness.REQUIRED;
    }
  }

  /**
   * The class for {@code s}.
   *
   * @param className the class to emit (for args/result structs, a nested name)
   * @param file the IDL file the struct's defaults are written in
   * @param nested whether the class is nested (then static)
   */
  TypeSpec emit(Definition.Struct s, ClassName className, String file, boolean nested) {
    List<Member> members = members(s);
    boolean exception = s.kind() == StructKind.EXCEPTION;
    boolean union = s.kind() == StructKind.UNION;
    long primitives = members.stream().filter(Member::primitive).count();
    boolean bitSet = primitives > 64;

    TypeSpec.Builder t =
        TypeSpec.classBuilder(className)
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addSuperinterface(Names.THRIFT_STRUCT);
    if (nested) {
      t.addModifiers(Modifier.STATIC);
    }
    if (exception) {
      t.superclass(Names.DECLARED_EXCEPTION);
      t.addField(
          FieldSpec.builder(
                  long.class, "serialVersionUID", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
              .initializer("1L")
              .build());
    }
    if (s.doc() != null) {
      t.addJavadoc("$L\n", Docs.wrap(s.doc()));
    }
    t.addField(
        FieldSpec.builder(
                Names.TSTRUCT, "STRUCT_DESC", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .initializer("new $T($S)", Names.TSTRUCT, s.name())
            .build());
    for (Member m : members) {
      t.addField(
          FieldSpec.builder(
                  Names.TFIELD, m.desc(), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
              .initializer(
                  "new $T($S, $L, (short) $L)",
                  Names.TFIELD,
                  m.field().name(),
                  types.ttype(m.field().type()),
                  m.field().id())
              .build());
    }
    for (Member m : members) {
      FieldSpec.Builder f = FieldSpec.builder(m.type(), m.name(), Modifier.PRIVATE);
      if (exception) {
        f.addModifiers(Modifier.TRANSIENT);
      }
      t.addField(f.build());
    }
    if (primitives > 0) {
      t.addField(
          bitSet
              ? FieldSpec.builder(
                      java.util.BitSet.class, "__isset", Modifier.PRIVATE, Modifier.FINAL)
                  .initializer("new $T(64)", java.util.BitSet.class)
                  .build()
              : FieldSpec.builder(long.class, "__isset", Modifier.PRIVATE).build());
    }

    MethodSpec.Builder ctor =
        MethodSpec.constructorBuilder().addModifiers(union ? Modifier.PRIVATE : Modifier.PUBLIC);
    for (Member m : members) {
      if (m.field().defaultValue() != null && !union) {
        ctor.addStatement(
            "this.$L = $L",
            m.name(),
            types.constant(m.field().type(), m.field().defaultValue(), file, true));
        if (m.primitive()) {
          ctor.addStatement(setBit(m, bitSet));
        }
      }
    }
    t.addMethod(ctor.build());

    for (Member m : members) {
      accessors(t, className, m, union, bitSet);
    }
    if (union) {
      unionMethods(t, s, className, members, bitSet);
    }
    if (exception
        && members.stream()
            .noneMatch(m -> m.name().equals("message") && m.accessor().equals("Message"))) {
      t.addMethod(
          MethodSpec.methodBuilder("getMessage")
              .addAnnotation(Override.class)
              .addModifiers(Modifier.PUBLIC)
              .returns(String.class)
              .addStatement("return toString()")
              .build());
    }
    t.addMethod(validate(s, members, union, bitSet));
    t.addMethod(write(s, members, union, bitSet));
    t.addMethod(read(s, members, union, bitSet));
    t.addMethod(equalsMethod(className, members, bitSet));
    t.addMethod(hashCodeMethod(members, bitSet));
    t.addMethod(toStringMethod(s, members, bitSet));
    return t.build();
  }

  List<Member> members(Definition.Struct s) {
    List<Member> out = new ArrayList<>();
    Set<String> used = new HashSet<>();
    int bit = 0;
    for (Field f : s.fields()) {
      String name = Names.member(f.name());
      boolean stringMessage =
          name.equals("message") && types.javaType(f.type()).equals(ClassName.get(String.class));
      if (s.kind() == StructKind.EXCEPTION && THROWABLE_MEMBERS.contains(name) && !stringMessage) {
        name = name + "_";
      }
      while (!used.add(name)) {
        name = name + "_";
      }
      boolean primitive = types.isPrimitive(f.type());
      String desc = "FIELD_" + (f.id() < 0 ? "M" + -f.id() : f.id());
      out.add(
          new Member(
              f,
              name,
              Names.capitalize(name),
              types.javaType(f.type()),
              primitive,
              primitive ? bit++ : -1,
              desc,
              s.kind() == StructKind.UNION));
    }
    return out;
  }

  private void accessors(
      TypeSpec.Builder t, ClassName self, Member m, boolean union, boolean bitSet) {
    MethodSpec.Builder get =
        MethodSpec.methodBuilder("get" + m.accessor())
            .addModifiers(Modifier.PUBLIC)
            .returns(m.type())
            .addStatement("return this.$L", m.name());
    if (m.field().doc() != null) {
      get.addJavadoc("$L\n", Docs.wrap(m.field().doc()));
    }
    t.addMethod(get.build());

    t.addMethod(
        MethodSpec.methodBuilder("isSet" + m.accessor())
            .addModifiers(Modifier.PUBLIC)
            .returns(boolean.class)
            .addStatement("return $L", isSet(m, bitSet))
            .build());
    if (union) {
      return;
    }
    MethodSpec.Builder set =
        MethodSpec.methodBuilder("set" + m.accessor())
            .addModifiers(Modifier.PUBLIC)
            .returns(self)
            .addParameter(m.type(), m.name());
    set.addStatement("this.$L = $L", m.name(), m.name());
    if (m.primitive()) {
      set.addStatement(setBit(m, bitSet));
    }
    set.addStatement("return this");
    t.addMethod(set.build());

    MethodSpec.Builder unset =
        MethodSpec.methodBuilder("unset" + m.accessor())
            .addModifiers(Modifier.PUBLIC)
            .returns(self);
    clear(unset, m, bitSet);
    unset.addStatement("return this");
    t.addMethod(unset.build());
  }

  /** A union's factories, {@code which()}, {@code getSetField()} and {@code readFrom}. */
  private void unionMethods(
      TypeSpec.Builder t,
      Definition.Struct s,
      ClassName self,
      List<Member> members,
      boolean bitSet) {
    for (Member m : members) {
      MethodSpec.Builder of =
          MethodSpec.methodBuilder("of" + m.accessor())
              .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
              .returns(self)
              .addParameter(m.type(), m.name())
              .addJavadoc("A {@code $L} that holds {@code $L}.\n", s.name(), m.field().name());
      if (!m.primitive()) {
        of.addStatement(
            "$T.requireNonNull($L,$W$S)",
            Names.OBJECTS,
            m.name(),
            s.name() + "." + m.field().name() + " cannot be null: a union holds exactly one value");
      }
      of.addStatement("$T u = new $T()", self, self).addStatement("u.$L = $L", m.name(), m.name());
      if (m.primitive()) {
        of.addStatement(setBit(m, bitSet).toString().replace("this.", "u."));
      }
      t.addMethod(of.addStatement("return u").build());
    }
    MethodSpec.Builder which =
        MethodSpec.methodBuilder("which")
            .addModifiers(Modifier.PUBLIC)
            .returns(short.class)
            .addJavadoc(
                "The Thrift id of the field this union holds; 0 only for a union read from a peer whose IDL\n"
                    + "has a field this one does not know (such a union cannot be written).\n");
    for (Member m : members) {
      which.addStatement("if ($L) return $L", isSet(m, bitSet), m.field().id());
    }
    t.addMethod(which.addStatement("return 0").build());
    MethodSpec.Builder name =
        MethodSpec.methodBuilder("getSetField")
            .addModifiers(Modifier.PUBLIC)
            .returns(String.class)
            .addJavadoc(
                "The IDL name of the field this union holds, or null as for {@link #which()} 0.\n");
    for (Member m : members) {
      name.addStatement("if ($L) return $S", isSet(m, bitSet), m.field().name());
    }
    t.addMethod(name.addStatement("return null").build());
    t.addMethod(
        MethodSpec.methodBuilder("readFrom")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(self)
            .addParameter(Names.TPROTOCOL, "in")
            .addException(Names.TEXCEPTION)
            .addJavadoc(
                "Reads a {@code $L} from the wire; more than one field set is an error.\n",
                s.name())
            .addStatement("$T u = new $T()", self, self)
            .addStatement("u.read(in)")
            .addStatement("return u")
            .build());
  }

  private static void clear(MethodSpec.Builder b, Member m, boolean bitSet) {
    if (m.primitive()) {
      b.addStatement(bitSet ? "this.__isset.clear($L)" : "this.__isset &= ~(1L << $L)", m.bit());
      b.addStatement("this.$L = $L", m.name(), zero(m.type()));
    } else {
      b.addStatement("this.$L = null", m.name());
    }
  }

  private static String zero(TypeName t) {
    return t.equals(TypeName.BOOLEAN)
        ? "false"
        : t.equals(TypeName.DOUBLE)
            ? "0.0"
            : t.equals(TypeName.LONG) ? "0L" : t.equals(TypeName.INT) ? "0" : "(" + t + ") 0";
  }

  private static CodeBlock setBit(Member m, boolean bitSet) {
    return bitSet
        ? CodeBlock.of("this.__isset.set($L)", m.bit())
        : CodeBlock.of("this.__isset |= 1L << $L", m.bit());
  }

  private static CodeBlock isSet(Member m, boolean bitSet) {
    if (!m.primitive()) {
      return CodeBlock.of("this.$L != null", m.name());
    }
    return bitSet
        ? CodeBlock.of("this.__isset.get($L)", m.bit())
        : CodeBlock.of("(this.__isset & (1L << $L)) != 0", m.bit());
  }

  /**
   * Whether a field is always written and compared: a primitive that is not optional (its unset
   * value is written as zero, as Apache Thrift does).
   */
  private static boolean always(Member m) {
    return m.primitive() && !m.optional();
  }

  /** Whether a field takes part in write/equals: unset optional fields and null objects do not. */
  private static CodeBlock present(Member m, boolean bitSet) {
    return isSet(m, bitSet);
  }

  private MethodSpec validate(
      Definition.Struct s, List<Member> members, boolean union, boolean bitSet) {
    MethodSpec.Builder b =
        MethodSpec.methodBuilder("validate")
            .addModifiers(Modifier.PUBLIC)
            .addException(Names.TPROTOCOL_EXCEPTION)
            .addJavadoc(
                "Checks that every required field is set$L.\n",
                union ? ", and that at most one field is" : "");
    for (Member m : members) {
      if (m.required()) {
        b.beginControlFlow("if (!($L))", isSet(m, bitSet));
        b.addStatement(
            "throw $T.missingRequired($S, $S)", Names.THRIFT_STRUCTS, m.field().name(), s.name());
        b.endControlFlow();
      }
    }
    if (union && !members.isEmpty()) {
      b.addStatement("int set = 0");
      for (Member m : members) {
        b.addStatement("if ($L) set++", isSet(m, bitSet));
      }
      b.beginControlFlow("if (set > 1)");
      b.addStatement(
          "throw new $T($T.INVALID_DATA,$W$S + set + $S)",
          Names.TPROTOCOL_EXCEPTION,
          Names.TPROTOCOL_EXCEPTION,
          "union " + s.name() + " has ",
          " fields set, at most one is allowed");
      b.endControlFlow();
    }
    return b.build();
  }

  private MethodSpec write(
      Definition.Struct s, List<Member> members, boolean union, boolean bitSet) {
    MethodSpec.Builder b =
        MethodSpec.methodBuilder("write")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(Names.TPROTOCOL, "out")
            .addException(Names.TEXCEPTION);
    CodeBlock.Builder c = CodeBlock.builder();
    c.addStatement("validate()");
    if (union) {
      // a union read with no field set is kept (as Apache Thrift and Kitex do), but one is never
      // written
      c.beginControlFlow("if (getSetField() == null)");
      c.addStatement("throw $T.emptyUnion($S)", Names.THRIFT_STRUCTS, s.name());
      c.endControlFlow();
    }
    c.addStatement("out.writeStructBegin(STRUCT_DESC)");
    for (Member m : members) {
      if (!always(m)) {
        c.beginControlFlow("if ($L)", present(m, bitSet));
      }
      c.addStatement("out.writeFieldBegin($L)", m.desc());
      c.add(types.write("this." + m.name(), m.field().type(), 0));
      c.addStatement("out.writeFieldEnd()");
      if (!always(m)) {
        c.endControlFlow();
      }
    }
    c.addStatement("out.writeFieldStop()");
    c.addStatement("out.writeStructEnd()");
    return b.addCode(c.build()).build();
  }

  private MethodSpec read(
      Definition.Struct s, List<Member> members, boolean union, boolean bitSet) {
    MethodSpec.Builder b =
        MethodSpec.methodBuilder("read")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(Names.TPROTOCOL, "in")
            .addException(Names.TEXCEPTION);
    CodeBlock.Builder c = CodeBlock.builder();
    if (union) {
      b.addJavadoc(
          "Reads into a union that {@link #readFrom} has just made; a union is immutable once it holds a field.\n");
      c.beginControlFlow("if (getSetField() != null)");
      c.addStatement(
          "throw new $T($S)",
          IllegalStateException.class,
          "union "
              + s.name()
              + " already holds a field and is immutable; use "
              + s.name()
              + ".readFrom(in)");
      c.endControlFlow();
    }
    c.addStatement("in.incrementRecursionDepth()");
    c.beginControlFlow("try");
    c.addStatement("in.readStructBegin()");
    c.beginControlFlow("while (true)");
    c.addStatement("$T field = in.readFieldBegin()", Names.TFIELD);
    c.beginControlFlow("if (field.type == $T.STOP)", Names.TTYPE);
    c.addStatement("break");
    c.endControlFlow();
    c.beginControlFlow("switch (field.id)");
    for (Member m : members) {
      c.add("case $L:\n", m.field().id());
      c.indent();
      c.beginControlFlow("if (field.type == $L)", types.ttype(m.field().type()));
      c.add(types.read("value", m.field().type(), 0));
      c.addStatement("this.$L = value", m.name());
      if (m.primitive()) {
        c.addStatement(setBit(m, bitSet));
      }
      c.nextControlFlow("else");
      c.addStatement("$T.skip(in, field.type)", Names.THRIFT_STRUCTS);
      c.endControlFlow();
      c.addStatement("break");
      c.unindent();
    }
    c.add("default:\n");
    c.indent();
    c.addStatement("$T.skip(in, field.type)", Names.THRIFT_STRUCTS);
    c.unindent();
    c.endControlFlow();
    c.addStatement("in.readFieldEnd()");
    c.endControlFlow();
    c.addStatement("in.readStructEnd()");
    c.nextControlFlow("finally");
    c.addStatement("in.decrementRecursionDepth()");
    c.endControlFlow();
    c.addStatement("validate()");
    return b.addCode(c.build()).build();
  }

  private MethodSpec equalsMethod(ClassName self, List<Member> members, boolean bitSet) {
    MethodSpec.Builder b =
        MethodSpec.methodBuilder("equals")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(boolean.class)
            .addParameter(Object.class, "o");
    b.beginControlFlow("if (this == o)").addStatement("return true").endControlFlow();
    b.beginControlFlow("if (!(o instanceof $T that))", self)
        .addStatement("return false")
        .endControlFlow();
    for (Member m : members) {
      CodeBlock equal = types.equal("this." + m.name(), "that." + m.name(), m.field().type());
      if (always(m)) {
        b.beginControlFlow("if (!($L))", equal).addStatement("return false").endControlFlow();
        continue;
      }
      CodeBlock thisPresent = present(m, bitSet);
      CodeBlock thatPresent = CodeBlock.of("$L", thisPresent.toString().replace("this.", "that."));
      b.beginControlFlow("if (($L) != ($L))", thisPresent, thatPresent)
          .addStatement("return false")
          .endControlFlow();
      b.beginControlFlow("if (($L) && !($L))", thisPresent, equal)
          .addStatement("return false")
          .endControlFlow();
    }
    b.addStatement("return true");
    return b.build();
  }

  private MethodSpec hashCodeMethod(List<Member> members, boolean bitSet) {
    MethodSpec.Builder b =
        MethodSpec.methodBuilder("hashCode")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(int.class);
    b.addStatement("int h = 1");
    for (Member m : members) {
      if (always(m)) {
        b.addStatement("h = 31 * h + $L", types.hash("this." + m.name(), m.field().type()));
      } else {
        b.addStatement(
            "h = 31 * h + (($L) ? $L : 0)",
            present(m, bitSet),
            types.hash("this." + m.name(), m.field().type()));
      }
    }
    b.addStatement("return h");
    return b.build();
  }

  private MethodSpec toStringMethod(Definition.Struct s, List<Member> members, boolean bitSet) {
    MethodSpec.Builder b =
        MethodSpec.methodBuilder("toString")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(String.class);
    b.addStatement("$T sb = new $T($S)", StringBuilder.class, StringBuilder.class, s.name() + "(");
    int open = s.name().length() + 1;
    for (Member m : members) {
      CodeBlock append =
          CodeBlock.of(
              "sb.append(sb.length() > $L ? $S : $S).append($L)",
              open,
              ", " + m.field().name() + ":",
              m.field().name() + ":",
              types.text("this." + m.name(), m.field().type()));
      if (m.optional()) {
        b.beginControlFlow("if ($L)", isSet(m, bitSet)).addStatement(append).endControlFlow();
      } else {
        b.addStatement(append);
      }
    }
    b.addStatement("return sb.append(')').toString()");
    return b.build();
  }
}
