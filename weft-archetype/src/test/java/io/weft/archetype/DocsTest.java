package io.weft.archetype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's "Use Weft in your project" is tested as a reader would follow it: its pom (taken
 * from README.md between {@code <!-- docs-test:NAME -->} markers, never copied here), its
 * client-only dependencies and its archetype command each make a project outside the reactor, which
 * Maven builds and tests in a subprocess, offline, against the local repository this build installs
 * into. A README that drifts from the code fails here.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DocsTest {
  private static final long MVN_MINUTES = 5;

  private static String readme;
  private static Path work;
  private static String version;

  @BeforeAll
  static void setUp() throws IOException {
    readme = Files.readString(Path.of(property("weft.readme")));
    version = property("weft.version");
    work = Path.of(property("weft.work"));
    deleteTree(work);
    Files.createDirectories(work);
  }

  @Test
  void readmeNamesThisBuildsVersionAndJdk() {
    assertThat(snippet("pom"))
        .as("the README's pom snippet: weft.version")
        .contains("<weft.version>" + version + "</weft.version>");
    assertThat(snippet("archetype")).as("the README's archetype command").contains(version);
    assertThat(section("Use Weft in your project")).contains("JDK 21");
  }

  @Test
  void bomHasTheReactorsVersions() throws IOException {
    String bom = Files.readString(Path.of(property("weft.bom")));
    assertThat(bom)
        .as("weft-bom/pom.xml: its own version, and the versions weft-parent builds with")
        .contains("<version>" + version + "</version>")
        .contains("<thrift.version>" + property("weft.thrift.version") + "</thrift.version>")
        .contains("<protobuf.version>" + property("weft.protobuf.version") + "</protobuf.version>");
  }

  /**
   * The README's pom, as is, with a Thrift IDL, a proto IDL and a test that serves and calls both.
   */
  @Test
  void readmePomBuildsAService() throws Exception {
    Path dir = work.resolve("readme-service");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("pom.xml"), snippet("pom"));
    writeSources(dir, SERVICE_TEST);
    String out = mvn(dir, "test");
    assertThat(out).contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0");
  }

  /**
   * The README's pom with its properties and dependencies replaced by the client-only ones:
   * generated code compiles without toolkit-server, the client runs, and neither Weft's server nor
   * Helidon is on the test class path.
   */
  @Test
  void readmeClientOnlyPomBuildsAClientWithoutTheServer() throws Exception {
    String pom = snippet("pom");
    String clientOnly = snippet("client-only");
    pom = replaceBlock(pom, "properties", block(clientOnly, "properties"), 0);
    pom =
        replaceBlock(
            pom,
            "dependencies",
            block(clientOnly, "dependencies"),
            pom.indexOf("</dependencyManagement>"));
    Path dir = work.resolve("readme-client");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("pom.xml"), pom);
    writeSources(dir, CLIENT_TEST);
    String out = mvn(dir, "test");
    assertThat(out).contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0");
    assertThat(dir.resolve("target/generated-sources/weft/demo/hello/hello/HelloClient.java"))
        .exists();
    assertThat(dir.resolve("target/generated-sources/weft/demo/hello/hello/HelloServer.java"))
        .doesNotExist();
  }

  /** The first {@code <tag>…</tag>} of {@code xml}. */
  private static String block(String xml, String tag) {
    Matcher m = Pattern.compile("(?s)<" + tag + ">.*?</" + tag + ">").matcher(xml);
    assertThat(m.find()).as("a <%s> block in the README's client-only snippet", tag).isTrue();
    return m.group();
  }

  /**
   * {@code xml} with its first {@code <tag>…</tag>} at or after {@code from} replaced by {@code
   * with}.
   */
  private static String replaceBlock(String xml, String tag, String with, int from) {
    Matcher m = Pattern.compile("(?s)<" + tag + ">.*?</" + tag + ">").matcher(xml);
    assertThat(m.find(Math.max(from, 0))).as("a <%s> block in the README's pom", tag).isTrue();
    return xml.substring(0, m.start()) + with + xml.substring(m.end());
  }

  /** The README's archetype command, then the generated project's own test. */
  @Test
  void archetypeMakesARunnableProject() throws Exception {
    List<String> command =
        new ArrayList<>(List.of(snippet("archetype").replace("\\\n", " ").strip().split("\\s+")));
    assertThat(command.get(0)).isEqualTo("mvn");
    command.remove(0);
    Path dir = work.resolve("archetype");
    Files.createDirectories(dir);
    mvn(dir, command.toArray(String[]::new));
    Path project = dir.resolve(artifactId(command));
    assertThat(project.resolve("pom.xml")).exists();
    assertThat(Files.readString(project.resolve("pom.xml"))).doesNotContain("@");
    String out = mvn(project, "test");
    assertThat(out).contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0");
  }

  private static String artifactId(List<String> command) {
    return command.stream()
        .filter(a -> a.startsWith("-DartifactId="))
        .map(a -> a.substring("-DartifactId=".length()))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("the README's archetype command sets no -DartifactId"));
  }

  private static final String IDL =
      """
      namespace java demo.hello
      struct HelloRequest { 1: string name }
      struct HelloReply { 1: string message }
      service Hello { HelloReply SayHello(1: HelloRequest req) }
      """;

  private static final String SERVICE_TEST =
      """
      package demo;

      import demo.hello.Hello;
      import demo.hello.HelloReply;
      import demo.hello.HelloRequest;
      import demo.hello.hello.HelloClient;
      import demo.hello.hello.HelloServer;
      import io.weft.api.ClientOptions;
      import io.weft.api.ServerOptions;
      import io.weft.api.Server;
      import org.junit.jupiter.api.Test;
      import org.junit.jupiter.api.Timeout;

      @Timeout(60)
      class HelloTest {
        @Test
        void serves() {
          Hello handler = req -> new HelloReply().setMessage("hello " + req.getName());
          Server server = HelloServer.newServer(handler, ServerOptions.withPort(0)).start();
          try (var client = HelloClient.newClient("hello", ClientOptions.withHostPorts("127.0.0.1:" + server.port()))) {
            String msg = client.sayHello(new HelloRequest().setName("weft")).getMessage();
            if (!msg.equals("hello weft")) {
              throw new AssertionError(msg);
            }
          } finally {
            server.stop();
          }
        }
      }
      """;

  /** A client alone: it calls a port nobody listens on, and finds no server classes to load. */
  private static final String CLIENT_TEST =
      """
      package demo;

      import demo.hello.HelloRequest;
      import demo.hello.hello.HelloClient;
      import io.weft.api.ClientOptions;
      import io.weft.api.RpcException;
      import io.weft.api.StatusCode;
      import java.net.ServerSocket;
      import org.junit.jupiter.api.Test;
      import org.junit.jupiter.api.Timeout;

      @Timeout(60)
      class HelloTest {
        @Test
        void callsAndSaysNobodyAnswered() throws Exception {
          int port;
          try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
          }
          try (var client = HelloClient.newClient("hello", ClientOptions.withHostPorts("127.0.0.1:" + port))) {
            client.sayHello(new HelloRequest().setName("weft"));
            throw new AssertionError("a call to a closed port returned");
          } catch (RpcException e) {
            if (e.code() != StatusCode.UNAVAILABLE) {
              throw new AssertionError("expected UNAVAILABLE, got " + e.code(), e);
            }
          }
        }

        @Test
        void neitherWeftsServerNorHelidonIsThere() {
          for (String name : new String[] {"io.weft.server.WeftServerProvider", "io.helidon.webserver.WebServer"}) {
            try {
              Class.forName(name);
              throw new AssertionError(name + " is on the class path");
            } catch (ClassNotFoundException expected) {
              // as it should be
            }
          }
        }
      }
      """;

  private static void writeSources(Path dir, String test) throws IOException {
    Files.createDirectories(dir.resolve("src/main/thrift"));
    Files.writeString(dir.resolve("src/main/thrift/hello.thrift"), IDL);
    Path testDir = dir.resolve("src/test/java/demo");
    Files.createDirectories(testDir);
    Files.writeString(testDir.resolve("HelloTest.java"), test);
  }

  /**
   * Runs Maven offline on the running build's local repository; returns its output, fails with its
   * tail.
   */
  private static String mvn(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(property("maven.home"), "bin", "mvn").toString());
    command.addAll(
        List.of(
            "-B",
            "-o",
            "-ntp",
            "-Dstyle.color=never",
            "-Dmaven.repo.local=" + property("weft.repo.local")));
    command.addAll(List.of(args));
    Path log = dir.resolve("mvn-" + System.nanoTime() + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    if (!p.waitFor(MVN_MINUTES, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail(
          "mvn "
              + String.join(" ", args)
              + " in "
              + dir
              + " did not end within "
              + MVN_MINUTES
              + " min; log: "
              + log);
    }
    String out = Files.readString(log);
    if (p.exitValue() != 0) {
      fail(
          "mvn "
              + String.join(" ", args)
              + " in "
              + dir
              + " exited "
              + p.exitValue()
              + "; log "
              + log
              + " ends:\n"
              + tail(out, 60));
    }
    return out;
  }

  private static String tail(String s, int lines) {
    List<String> all = s.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /**
   * The fenced block between {@code <!-- docs-test:NAME -->} and {@code <!-- /docs-test:NAME -->}.
   */
  private static String snippet(String name) {
    Matcher m =
        Pattern.compile(
                "(?s)<!-- docs-test:"
                    + Pattern.quote(name)
                    + " -->\\s*```[a-z]*\\n(.*?)```\\s*<!-- /docs-test:"
                    + Pattern.quote(name)
                    + " -->")
            .matcher(readme);
    if (!m.find()) {
      fail(
          "README.md has no fenced block between <!-- docs-test:"
              + name
              + " --> and <!-- /docs-test:"
              + name
              + " -->");
    }
    return m.group(1);
  }

  private static String section(String title) {
    int start = readme.indexOf("\n## " + title + "\n");
    assertThat(start).as("README.md section '## " + title + "'").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  private static String property(String name) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      fail(
          "system property "
              + name
              + " is not set: run this test through Maven (weft-archetype's pom sets it)");
    }
    return v;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
