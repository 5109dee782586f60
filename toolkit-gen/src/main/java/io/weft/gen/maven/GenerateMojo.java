package io.weft.gen.maven;

import io.weft.gen.GenOptions;
import io.weft.gen.Generator;
import io.weft.gen.OutputWriter;
import io.weft.gen.model.GenException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Generates Java from every {@code .thrift} file under {@code sourceDirectory} (default {@code
 * src/main/thrift}) into {@code target/generated-sources/weft}, and adds that to the compile
 * sources. Fails the build with every IDL error, each with its position.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {
  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  /** Where the IDL files are; every {@code .thrift} file below it is compiled. */
  @Parameter(defaultValue = "${basedir}/src/main/thrift")
  private File sourceDirectory;

  /** Extra directories searched for {@code include}d files. */
  @Parameter
  private List<File> includeDirectories = new ArrayList<>();

  /** Where the Java sources go. */
  @Parameter(defaultValue = "${project.build.directory}/generated-sources/weft")
  private File outputDirectory;

  /** Skips generation. */
  @Parameter(property = "weft.gen.skip", defaultValue = "false")
  private boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      return;
    }
    List<Path> sources = new ArrayList<>();
    if (sourceDirectory.isDirectory()) {
      try (Stream<Path> walk = Files.walk(sourceDirectory.toPath())) {
        walk.filter(p -> p.toString().endsWith(".thrift")).sorted().forEach(sources::add);
      } catch (IOException e) {
        throw new MojoExecutionException("cannot list " + sourceDirectory, e);
      }
    }
    if (sources.isEmpty()) {
      getLog().info("no IDL files in " + sourceDirectory);
      return;
    }
    List<Path> includes = new ArrayList<>();
    includes.add(sourceDirectory.toPath());
    includeDirectories.forEach(f -> includes.add(f.toPath()));
    try {
      var files = Generator.generate(new GenOptions(sources, includes, outputDirectory.toPath()));
      int changed = OutputWriter.write(files, outputDirectory.toPath());
      getLog().info("toolkit-gen: " + sources.size() + " IDL files, " + files.size() + " Java files (" + changed + " changed)");
    } catch (GenException e) {
      e.errors().forEach(getLog()::error);
      throw new MojoFailureException("IDL errors:\n" + String.join("\n", e.errors()));
    } catch (IOException e) {
      throw new MojoExecutionException("cannot write " + outputDirectory, e);
    }
    project.addCompileSourceRoot(outputDirectory.getPath());
  }
}
