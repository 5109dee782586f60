package io.weft.gen;

import java.nio.file.Path;
import java.util.List;

/**
 * What to generate: the IDL files, where to look for their includes, and where to write.
 *
 * @param sources IDL files ({@code .thrift}); their includes are generated too
 * @param includeDirs directories searched for includes after the including file's own directory
 * @param outputDir the root of the generated source tree
 * @param protoc the protoc executable, needed only for {@code .proto} sources (null otherwise)
 * @param sides which of each service's client and server classes to generate
 */
public record GenOptions(
    List<Path> sources, List<Path> includeDirs, Path outputDir, Path protoc, Sides sides) {
  public GenOptions {
    sources = List.copyOf(sources);
    includeDirs = List.copyOf(includeDirs);
    java.util.Objects.requireNonNull(sides, "sides");
  }

  /** Options for both sides of every service. */
  public GenOptions(List<Path> sources, List<Path> includeDirs, Path outputDir, Path protoc) {
    this(sources, includeDirs, outputDir, protoc, Sides.BOTH);
  }

  /** Options for Thrift sources only, both sides. */
  public GenOptions(List<Path> sources, List<Path> includeDirs, Path outputDir) {
    this(sources, includeDirs, outputDir, null);
  }
}
