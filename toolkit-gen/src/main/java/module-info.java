/**
 * Weft's code generator: {@code io.weft.gen} runs it ({@link io.weft.gen.Generator}, the {@code
 * toolkit-gen} command line); toolkit-generic reads IDL through the model and the Thrift linker.
 *
 * <p>The Maven goal ({@code io.weft.gen.maven}) is not part of the module graph: Maven loads
 * plugins on the class path, and its own jars are not modules (maven-core and maven-plugin-api
 * split the package {@code org.apache.maven.plugin}), so the build compiles this module with {@code
 * --add-reads io.weft.gen=ALL-UNNAMED} and Maven's jars on the class path. JavaPoet and
 * protobuf-java are automatic modules (named by their manifests); toolkit-generic and weft-cli, the
 * targets of the qualified exports, are built after this module.
 */
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module io.weft.gen {
  requires transitive com.palantir.javapoet;
  requires com.google.protobuf;
  requires java.compiler;

  exports io.weft.gen;
  exports io.weft.gen.model to
      io.weft.generic,
      io.weft.cli;
  exports io.weft.gen.proto to
      io.weft.generic,
      io.weft.cli;
  exports io.weft.gen.thrift to
      io.weft.generic,
      io.weft.cli;
}
