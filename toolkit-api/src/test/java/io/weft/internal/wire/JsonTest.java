package io.weft.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void numbersStayExact() {
    Object v =
        Json.parse(
            "{\"a\": 1152921504606846977, \"b\": -0.5e3, \"c\": [true, null, \"x\\u00e9\\n\"]}");
    assertThat(v)
        .isEqualTo(
            Map.of(
                "a",
                new BigDecimal("1152921504606846977"),
                "b",
                new BigDecimal("-0.5e3"),
                "c",
                java.util.Arrays.asList(true, null, "xé\n")));
    assertThat(Json.write(v))
        .isEqualTo("{\"a\":1152921504606846977,\"b\":-5E+2,\"c\":[true,null,\"xé\\n\"]}");
    assertThat(Json.write(List.of(Long.MIN_VALUE, 1.5, Double.NaN)))
        .isEqualTo("[-9223372036854775808,1.5,\"NaN\"]");
  }

  @Test
  void strict() {
    for (String bad :
        List.of(
            "",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            "'x'",
            "{\"a\":1} x",
            "{\"a\":1,\"a\":2}",
            "nul",
            "\"\t\"",
            "-")) {
      assertThatThrownBy(() -> Json.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("bad JSON");
    }
  }
}
