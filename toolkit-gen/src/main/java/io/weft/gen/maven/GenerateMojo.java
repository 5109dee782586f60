package io.weft.gen.maven;

import io.weft.gen.GenOptions;
import io.weft.gen.Generator;
import io.weft.gen.OutputWriter;
import io.weft.gen.Sides;
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
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;

/**
 * Generates Java from every {@code .thrift} file under {@code sourceDirectory} (default {@code
 * src/main/thrift}) and every {@code .proto} file under {@code protoSourceDirectory} (default
 * {@code src/main/proto}) into {@code target/generated-sources/weft}, and adds that to the compile
 * sources. For .proto files it fetches protoc from Maven Central ({@code
 * com.google.protobuf:protoc:<protocVersion>:exe:<os>-<arch>}), so nothing needs installing. Fails
 * the build with every IDL error, each with its position.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {
  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  /** Where the IDL files are; every {@code .thrift} file below it is compiled. */
  @Parameter(defaultValue = "${basedir}/src/main/thrift")
  private File sourceDirectory;

  /** Where the .proto files are; every {@code .proto} file below it is compiled. */
  @Parameter(defaultValue = "${basedir}/src/main/proto")
  private File protoSourceDirectory;

  /** The protoc release to fetch from Maven Central. */
  @Parameter(defaultValue = "4.33.2")
  private String protocVersion;

  /** A protoc to use instead of fetching one. */
  @Parameter(property = "weft.protoc")
  private File protocExecutable;

  @SuppressWarnings(
      "deprecation") // @Component still injects on every Maven 3.x; JSR-330 would need a dependency
  // more
  @Component
  private RepositorySystem repositorySystem;

  @Parameter(defaultValue = "${repositorySystemSession}", readonly = true)
  private RepositorySystemSession repositorySession;

  @Parameter(defaultValue = "${project.remoteProjectRepositories}", readonly = true)
  private List<RemoteRepository> remoteRepositories;

  /** Extra directories searched for {@code include}d files. */
  @Parameter private List<File> includeDirectories = new ArrayList<>();

  /** Where the Java sources go. */
  @Parameter(defaultValue = "${project.build.directory}/generated-sources/weft")
  private File outputDirectory;

  /**
   * Which sides of each service to generate: {@code both} (the default), {@code client} (no {@code
   * XxxServer} classes, so that an application that only calls services compiles against {@code
   * toolkit-client} alone) or {@code server}.
   */
  @Parameter(property = "weft.sides", defaultValue = "both")
  private String sides;

  /** Skips generation. */
  @Parameter(property = "weft.gen.skip", defaultValue = "false")
  private boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      return;
    }
    List<Path> sources = new ArrayList<>(list(sourceDirectory, ".thrift"));
    List<Path> protos = list(protoSourceDirectory, ".proto");
    sources.addAll(protos);
    if (sources.isEmpty()) {
      getLog().info("no IDL files in " + sourceDirectory + " or " + protoSourceDirectory);
      return;
    }
    List<Path> includes = new ArrayList<>();
    includes.add(sourceDirectory.toPath());
    includes.add(protoSourceDirectory.toPath());
    includeDirectories.forEach(f -> includes.add(f.toPath()));
    Path protoc = protos.isEmpty() ? null : protoc();
    try {
      var files =
          Generator.generate(
              new GenOptions(sources, includes, outputDirectory.toPath(), protoc, sides()));
      int changed = OutputWriter.write(files, outputDirectory.toPath());
      getLog()
          .info(
              "toolkit-gen: "
                  + sources.size()
                  + " IDL files, "
                  + files.size()
                  + " Java files ("
                  + changed
                  + " changed)");
    } catch (GenException e) {
      e.errors().forEach(getLog()::error);
      throw new MojoFailureException("IDL errors:\n" + String.join("\n", e.errors()));
    } catch (IOException e) {
      throw new MojoExecutionException("cannot write " + outputDirectory, e);
    }
    project.addCompileSourceRoot(outputDirectory.getPath());
  }

  private static List<Path> list(File dir, String suffix) throws MojoExecutionException {
    if (dir == null || !dir.isDirectory()) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir.toPath())) {
      return walk.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new MojoExecutionException("cannot list " + dir, e);
    }
  }

  /**
   * The protoc to run: the configured one, or the release from Maven Central, made executable in
   * target/.
   */
  private Path protoc() throws MojoExecutionException {
    if (protocExecutable != null) {
      return protocExecutable.toPath();
    }
    String classifier = osClassifier();
    Artifact wanted =
        new DefaultArtifact("com.google.protobuf", "protoc", classifier, "exe", protocVersion);
    try {
      File resolved =
          repositorySystem
              .resolveArtifact(
                  repositorySession, new ArtifactRequest(wanted, remoteRepositories, null))
              .getArtifact()
              .getFile();
      Path target =
          Path.of(
              project.getBuild().getDirectory(),
              "protoc",
              "protoc-" + protocVersion + "-" + classifier + ".exe");
      if (!Files.exists(target) || Files.size(target) != resolved.length()) {
        Files.createDirectories(target.getParent());
        Files.copy(resolved.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      if (!target.toFile().setExecutable(true)) {
        throw new MojoExecutionException("cannot make " + target + " executable");
      }
      return target;
    } catch (ArtifactResolutionException | IOException e) {
      throw new MojoExecutionException("cannot fetch protoc " + wanted + ": " + e.getMessage(), e);
    }
  }

  private static String osClassifier() throws MojoExecutionException {
    String classifier = io.weft.gen.proto.Protoc.classifier();
    if (classifier == null) {
      throw new MojoExecutionException(
          "no protoc release for "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + "; set weft.protoc to a local protoc");
    }
    return classifier;
  }

  private Sides sides() throws MojoExecutionException {
    try {
      return Sides.parse(sides);
    } catch (IllegalArgumentException e) {
      throw new MojoExecutionException("<sides>: " + e.getMessage(), e);
    }
  }
}
