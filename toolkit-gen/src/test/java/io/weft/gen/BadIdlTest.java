package io.weft.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.gen.model.GenException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each broken IDL under {@code src/test/resources/bad} fails with one clear error at the right
 * position.
 */
class BadIdlTest {
  private static final Path BAD = Path.of("src/test/resources/bad");

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "duplicate_field_id.thrift     | duplicate_field_id.thrift:3:3: duplicate field id 1 (b)",
        "duplicate_field_name.thrift   | duplicate_field_name.thrift:3:13: duplicate field name a",
        "unknown_type.thrift           | unknown_type.thrift:2:6: unknown type Missing",
        "missing_include.thrift        | missing_include.thrift:1:1: cannot find included file \"nowhere.thrift\" (looked next to src/test/resources/bad/missing_include.thrift)",
        "unterminated_struct.thrift    | unterminated_struct.thrift:4:1: expected a type but found end of file",
        "missing_colon.thrift          | missing_colon.thrift:2:5: expected ':' but found 'string'",
        "oneway_returns.thrift         | oneway_returns.thrift:2:14: oneway method F must return void",
        "throws_not_exception.thrift   | throws_not_exception.thrift:5:25: throws names E, which is not an exception",
        "unknown_base_service.thrift   | unknown_base_service.thrift:1:9: service S extends Nope, which is not a known service",
        "const_type_mismatch.thrift    | const_type_mismatch.thrift:1:15: \"text\" is not a value of type i32",
        "duplicate_definition.thrift   | duplicate_definition.thrift:4:8: duplicate definition A",
        "enum_out_of_range.thrift      | enum_out_of_range.thrift:3:3: enum value 99999999999 does not fit in i32",
        "unknown_constant.thrift       | unknown_constant.thrift:2:14: unknown constant or enum value Color.PURPLE",
        "typedef_cycle.thrift          | typedef_cycle.thrift:1:9: typedef Loop refers to itself",
        "unterminated_string.thrift    | unterminated_string.thrift:2:17: unterminated string literal",
        "required_union_field.thrift   | required_union_field.thrift:2:22: union field a cannot be required",
        "streaming_two_args.thrift     | streaming_two_args.thrift:2:10: streaming method F must take exactly one argument (it has 2)",
        "streaming_unknown_mode.thrift | streaming_unknown_mode.thrift:2:10: unknown streaming.mode \"sideways\" on F (expected bidirectional, client, server or unary)",
        "union_field_default.thrift    | union_field_default.thrift:2:13: union field a cannot have a default: a union is built with the one field it holds",
        "union_const_two_fields.thrift | union_const_two_fields.thrift:5:16: a value of union U must set exactly one field (this one sets 2)",
        "streaming_union_message.thrift | streaming_union_message.thrift:8:5: streaming method F cannot carry union U as a message (a union is built only with a field set); wrap it in a struct",
      })
  void failsWithPosition(String file, String expected) {
    assertThatThrownBy(() ->
            Generator.generate(
                new GenOptions(List.of(BAD.resolve(file)), List.of(), Path.of("unused"))))
        .isInstanceOfSatisfying(
            GenException.class,
            e -> {
              assertThat(e.errors()).hasSize(1);
              assertThat(e.errors().get(0)).endsWith(expected.strip());
            });
  }

  @Test
  void everyBadFileIsCovered() throws Exception {
    try (Stream<Path> files = Files.list(BAD)) {
      assertThat(files.count()).isEqualTo(21);
    }
  }

  @Test
  void errorsInSeveralFilesAreAllReported() {
    assertThatThrownBy(() ->
            Generator.generate(
                new GenOptions(
                    List.of(
                        BAD.resolve("unknown_type.thrift"), BAD.resolve("oneway_returns.thrift")),
                    List.of(),
                    Path.of("unused"))))
        .isInstanceOfSatisfying(GenException.class, e -> assertThat(e.errors()).hasSize(2));
  }
}
