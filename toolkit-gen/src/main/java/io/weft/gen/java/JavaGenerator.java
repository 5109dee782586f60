package io.weft.gen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import io.weft.gen.model.Definition;
import io.weft.gen.model.IdlFile;
import io.weft.gen.model.Schema;
import io.weft.gen.service.ServiceEmitter;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a linked Thrift {@link Schema} into Java source files, one per type, in the package each
 * IDL file's namespace gives. Emits; never writes to disk. Same schema, same output, byte for byte.
 */
public final class JavaGenerator {
  private final Schema schema;
  private final ThriftTypes types;
  private final StructEmitter structs;
  private final io.weft.gen.Sides sides;
  private final ThriftServices services;

  /** A generator of both sides of every service. */
  public JavaGenerator(Schema schema) {
    this(schema, io.weft.gen.Sides.BOTH);
  }

  /** A generator of {@code sides} of every service. */
  public JavaGenerator(Schema schema, io.weft.gen.Sides sides) {
    this.schema = schema;
    this.types = new ThriftTypes(schema);
    this.structs = new StructEmitter(types);
    this.sides = sides;
    this.services = new ThriftServices(types, structs, sides);
  }

  /** Every file the schema's IDL files generate, in a stable order. */
  public List<JavaFile> generate() {
    List<JavaFile> out = new ArrayList<>();
    for (IdlFile f : schema.files()) {
      String pkg = Schema.javaPackage(f);
      boolean hasConst = false;
      for (Definition d : f.definitions()) {
        switch (d) {
          case Definition.Struct s ->
              out.add(file(pkg, structs.emit(s, types.className(s), f.path(), false), f, d));
          case Definition.Enum e ->
              out.add(file(pkg, new EnumEmitter().emit(e, types.className(e)), f, d));
          case Definition.Service s -> {
            out.addAll(
                new ServiceEmitter(sides)
                    .emit(services.model(s, sourceName(f) + ":" + d.location().line()), services));
          }
          case Definition.Const c -> hasConst = true;
          case Definition.Typedef t -> {}
        }
      }
      if (hasConst) {
        ClassName constants = ThriftTypes.constantsClass(pkg, f.baseName());
        out.add(
            JavaFile.builder(pkg, new ConstantsEmitter(types).emit(f, constants))
                .addFileComment("$L\nSource: $L", Names.GENERATED, sourceName(f))
                .skipJavaLangImports(true)
                .indent("  ")
                .build());
      }
    }
    return out;
  }

  private static JavaFile file(String pkg, TypeSpec type, IdlFile f, Definition d) {
    return JavaFile.builder(pkg, type)
        .addFileComment("$L\nSource: $L:$L", Names.GENERATED, sourceName(f), d.location().line())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  /**
   * The IDL file's name without its directory, so that output does not depend on where it was
   * built.
   */
  private static String sourceName(IdlFile f) {
    String p = f.path().replace('\\', '/');
    return p.substring(p.lastIndexOf('/') + 1);
  }
}
