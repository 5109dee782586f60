package io.weft.gen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --sides client} and {@code --sides server}: what is left out, and that what is left
 * compiles without the other side's module (an application that only calls services needs neither
 * toolkit-server nor Helidon).
 */
class SidesTest {
  @ParameterizedTest
  @ValueSource(strings = {"echo.thrift", "everything.thrift", "stream.thrift"})
  void clientSideLeavesOutTheServerClassesAndCompilesWithoutToolkitServer(
      String idl, @TempDir Path tmp) throws Exception {
    Map<String, String> both = GoldenTest.generate(idl);
    Map<String, String> client = GoldenTest.generate(idl, Sides.CLIENT);
    assertThat(client.keySet()).isEqualTo(without(both, "io.weft.api.Server").keySet());
    assertThat(client.values()).noneMatch(source -> source.contains("io.weft.api.Server;"));
    GoldenTest.compile(
        client, tmp, entry -> !entry.contains("toolkit-server") && !entry.contains("helidon"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"echo.thrift", "everything.thrift", "stream.thrift"})
  void serverSideLeavesOutTheClientClassesAndCompilesWithoutToolkitClient(
      String idl, @TempDir Path tmp) throws Exception {
    Map<String, String> both = GoldenTest.generate(idl);
    Map<String, String> server = GoldenTest.generate(idl, Sides.SERVER);
    assertThat(server.keySet()).isEqualTo(without(both, "io.weft.api.Client").keySet());
    assertThat(server.values()).noneMatch(source -> source.contains("io.weft.api.Client;"));
    GoldenTest.compile(server, tmp, entry -> !entry.contains("toolkit-client"));
  }

  /** {@code all} without the files that import {@code type}: one side's classes. */
  private static Map<String, String> without(Map<String, String> all, String type) {
    Map<String, String> out = new TreeMap<>(all);
    out.values().removeIf(source -> source.contains("import " + type + ";"));
    return out;
  }
}
