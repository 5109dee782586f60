package io.weft.gen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import io.weft.gen.model.Definition;
import javax.lang.model.element.Modifier;

/** Emits a Thrift enum as a Java enum with its wire values and {@code findByValue}. */
final class EnumEmitter {
  TypeSpec emit(Definition.Enum e, ClassName className) {
    TypeSpec.Builder t = TypeSpec.enumBuilder(className).addModifiers(Modifier.PUBLIC);
    if (e.doc() != null) {
      t.addJavadoc("$L\n", e.doc());
    }
    for (Definition.EnumValue v : e.values()) {
      TypeSpec.Builder c = TypeSpec.anonymousClassBuilder("$L", v.value());
      if (v.doc() != null) {
        c.addJavadoc("$L\n", v.doc());
      }
      t.addEnumConstant(Names.escape(v.name()), c.build());
    }
    t.addField(FieldSpec.builder(int.class, "value", Modifier.PRIVATE, Modifier.FINAL).build());
    t.addMethod(MethodSpec.constructorBuilder().addParameter(int.class, "value").addStatement("this.value = value").build());
    t.addMethod(MethodSpec.methodBuilder("getValue").addModifiers(Modifier.PUBLIC).returns(int.class)
        .addJavadoc("The value on the wire.\n").addStatement("return value").build());
    MethodSpec.Builder find = MethodSpec.methodBuilder("findByValue").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(className)
        .addParameter(int.class, "value").addJavadoc("The constant with wire value {@code value}, or null if there is none.\n");
    find.beginControlFlow("switch (value)");
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (Definition.EnumValue v : e.values()) {
      if (seen.add(v.value())) {
        find.addStatement("case $L: return $L", v.value(), Names.escape(v.name()));
      }
    }
    find.addStatement("default: return null");
    find.endControlFlow();
    t.addMethod(find.build());
    return t.build();
  }
}
