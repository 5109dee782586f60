package io.weft.gen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import io.weft.gen.model.Definition;
import io.weft.gen.model.IdlFile;
import javax.lang.model.element.Modifier;

/** Emits one class holding every {@code const} of a file. */
final class ConstantsEmitter {
  private final ThriftTypes types;

  ConstantsEmitter(ThriftTypes types) {
    this.types = types;
  }

  TypeSpec emit(IdlFile file, ClassName className) {
    TypeSpec.Builder t =
        TypeSpec.classBuilder(className)
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addJavadoc("The constants of {@code $L}.\n", file.baseName() + ".thrift")
            .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (Definition d : file.definitions()) {
      if (d instanceof Definition.Const c) {
        FieldSpec.Builder f =
            FieldSpec.builder(
                    types.javaType(c.type()),
                    Names.escape(c.name()),
                    Modifier.PUBLIC,
                    Modifier.STATIC,
                    Modifier.FINAL)
                .initializer(types.constant(c.type(), c.value(), file.path(), false));
        if (c.doc() != null) {
          f.addJavadoc("$L\n", Docs.wrap(c.doc()));
        }
        t.addField(f.build());
      }
    }
    return t.build();
  }
}
