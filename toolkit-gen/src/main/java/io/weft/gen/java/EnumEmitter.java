package io.weft.gen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import io.weft.gen.model.Definition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Emits a Thrift enum as a small immutable value class rather than a Java {@code enum}: a Thrift
 * enum is an i32 on the wire, and a peer with a newer IDL sends values this IDL does not name. A
 * Java {@code enum} can only hold the named values (Apache Thrift's {@code findByValue} answers
 * null for the rest, and the value is lost); this class holds any int, so an unnamed value read
 * from the wire is kept, compared, hashed and written back unchanged, in fields, containers, map
 * keys, arguments and results alike.
 *
 * <p>Each named value is a constant of the class ({@code Color.RED}) and has an int twin for {@code
 * switch} ({@code case Color.RED_VALUE ->}, as protobuf-java's {@code _VALUE} constants); {@code
 * of(int)} gives the value for any number, never null.
 */
final class EnumEmitter {
  /** Names of the class's own members, which an IDL constant of the same name would clash with. */
  private static final Set<String> MEMBERS = Set.of("value", "name");

  TypeSpec emit(Definition.Enum e, ClassName self) {
    TypeSpec.Builder t =
        TypeSpec.classBuilder(self)
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addSuperinterface(ParameterizedTypeName.get(ClassName.get(Comparable.class), self));
    t.addJavadoc(classDoc(e, self));

    List<String> constants = new ArrayList<>();
    for (Definition.EnumValue v : e.values()) {
      String constant = constantName(v);
      constants.add(constant);
      FieldSpec.Builder f =
          FieldSpec.builder(self, constant, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
              .initializer("new $T($L, $S)", self, v.value(), v.name());
      if (v.doc() != null) {
        f.addJavadoc("$L\n", Docs.wrap(v.doc()));
      }
      t.addField(f.build());
    }
    for (Definition.EnumValue v : e.values()) {
      t.addField(
          FieldSpec.builder(
                  int.class, intConstantName(v), Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
              .addJavadoc(
                  "The wire value of {@link #$L}, for {@code case} labels.\n", constantName(v))
              .initializer("$L", v.value())
              .build());
    }
    t.addField(FieldSpec.builder(int.class, "value", Modifier.PRIVATE, Modifier.FINAL).build());
    t.addField(FieldSpec.builder(String.class, "name", Modifier.PRIVATE, Modifier.FINAL).build());
    t.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PRIVATE)
            .addParameter(int.class, "value")
            .addParameter(String.class, "name")
            .addStatement("this.value = value")
            .addStatement("this.name = name")
            .build());

    t.addMethod(of(e, self));
    t.addMethod(findByValue(e, self));
    t.addMethod(
        MethodSpec.methodBuilder("values")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(ParameterizedTypeName.get(Names.LIST, self))
            .addJavadoc("The named values, in IDL order.\n")
            .addStatement("return $T.of($L)", Names.LIST, String.join(", ", constants))
            .build());
    t.addMethod(
        MethodSpec.methodBuilder("getValue")
            .addModifiers(Modifier.PUBLIC)
            .returns(int.class)
            .addJavadoc("The value on the wire.\n")
            .addStatement("return value")
            .build());
    t.addMethod(
        MethodSpec.methodBuilder("isNamed")
            .addModifiers(Modifier.PUBLIC)
            .returns(boolean.class)
            .addJavadoc(
                "Whether the IDL names this value; false for a value only a newer IDL knows.\n")
            .addStatement("return name != null")
            .build());
    t.addMethod(
        MethodSpec.methodBuilder("name")
            .addModifiers(Modifier.PUBLIC)
            .returns(String.class)
            .addJavadoc("The IDL name of this value, or null if the IDL does not name it.\n")
            .addStatement("return name")
            .build());
    t.addMethod(
        MethodSpec.methodBuilder("compareTo")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(int.class)
            .addParameter(self, "other")
            .addJavadoc("Orders by wire value.\n")
            .addStatement("return $T.compare(value, other.value)", Integer.class)
            .build());
    t.addMethod(
        MethodSpec.methodBuilder("equals")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(boolean.class)
            .addParameter(Object.class, "o")
            .addJavadoc(
                "Equal when the wire values are: an unnamed value equals itself read again, and nothing else.\n")
            .addStatement("return o instanceof $T other && other.value == value", self)
            .build());
    t.addMethod(
        MethodSpec.methodBuilder("hashCode")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(int.class)
            .addStatement("return $T.hashCode(value)", Integer.class)
            .build());
    t.addMethod(
        MethodSpec.methodBuilder("toString")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(String.class)
            .addJavadoc(
                "The IDL name, or {@code $L(<value>)} for a value the IDL does not name.\n",
                self.simpleName())
            .addStatement(
                "return name != null ? name : $S + value + $S", self.simpleName() + "(", ")")
            .build());
    return t.build();
  }

  private static CodeBlock classDoc(Definition.Enum e, ClassName self) {
    CodeBlock.Builder doc = CodeBlock.builder();
    if (e.doc() != null) {
      doc.add("$L\n\n", Docs.wrap(e.doc()));
    }
    String first = e.values().isEmpty() ? "X_VALUE" : intConstantName(e.values().get(0));
    return doc.add(
            "<p>Thrift enum {@code $L}: a named constant, or a value the IDL does not name (sent by a peer with a\n",
            e.name())
        .add(
            "newer IDL), which is kept and written back unchanged. Compare with {@code equals}, and switch over the\n")
        .add("wire value:\n")
        .add("<pre>{@code\n")
        .add("switch (v.getValue()) {\n")
        .add("  case $T.$L -> ...\n", self, first)
        .add("  default -> ... // also the values only a newer IDL names\n")
        .add("}\n")
        .add("}</pre>\n")
        .build();
  }

  /** {@code of(int)}: the named constant, else a new unnamed value; never null. */
  private static MethodSpec of(Definition.Enum e, ClassName self) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("of")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(self)
            .addParameter(int.class, "value")
            .addJavadoc(
                "The value for wire value {@code value}: its named constant, or else a value the IDL does not name\n"
                    + "that keeps the number. Never null; generated code reads every enum with it.\n");
    return switchOnValue(m, e, CodeBlock.of("new $T(value, null)", self)).build();
  }

  /** {@code findByValue(int)}: Apache Thrift's method, the named constant or null. */
  private static MethodSpec findByValue(Definition.Enum e, ClassName self) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("findByValue")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(self)
            .addParameter(int.class, "value")
            .addJavadoc(
                "The named constant with wire value {@code value}, or null if the IDL names none (as Apache Thrift's\n"
                    + "{@code findByValue}); {@link #of} keeps unnamed values.\n");
    return switchOnValue(m, e, CodeBlock.of("null")).build();
  }

  private static MethodSpec.Builder switchOnValue(
      MethodSpec.Builder m, Definition.Enum e, CodeBlock otherwise) {
    if (e.values().isEmpty()) {
      return m.addStatement("return $L", otherwise);
    }
    m.beginControlFlow("switch (value)");
    Set<Integer> seen = new HashSet<>();
    for (Definition.EnumValue v : e.values()) {
      if (seen.add(v.value())) {
        m.addStatement("case $L: return $L", v.value(), constantName(v));
      }
    }
    m.addStatement("default: return $L", otherwise);
    m.endControlFlow();
    return m;
  }

  /**
   * The name of a named value's int twin: {@code RED_VALUE} (never a keyword, never one of the
   * class's members).
   */
  static String intConstantName(Definition.EnumValue v) {
    return v.name() + "_VALUE";
  }

  /**
   * The Java name of a named value's constant: the IDL name, escaped for keywords and the class's
   * own members.
   */
  static String constantName(Definition.EnumValue v) {
    String escaped = Names.escape(v.name());
    return MEMBERS.contains(escaped) ? escaped + "_" : escaped;
  }
}
