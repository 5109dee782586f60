package io.weft.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.BizStatusException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Kitex's business status headers: biz-status, biz-message, biz-extra (a JSON object of strings).
 */
class BizStatusTest {
  @Test
  void writesWhatKitexWrites() {
    Map<String, String> headers = new LinkedHashMap<>();
    BizStatus.write(
        new BizStatusException(404, "not here", Map.of("k", "v \"q\"")), true, headers::put);
    assertThat(headers)
        .containsExactly(
            Map.entry("biz-status", "404"),
            Map.entry("biz-message", "not here"),
            Map.entry("biz-extra", "{\"k\":\"v \\\"q\\\"\"}"));
  }

  @Test
  void readsWhatKitexWrites() throws WireException {
    Map<String, String> headers =
        Map.of("biz-status", "7", "biz-extra", "{\"weft\":\"peer\", \"n\": 1}");
    BizStatusException e = BizStatus.read(headers::get, "from grpc-message");
    assertThat(e.code()).isEqualTo(7);
    assertThat(e.getMessage()).isEqualTo("from grpc-message");
    assertThat(e.extra()).containsExactly(Map.entry("weft", "peer"), Map.entry("n", "1"));
  }

  @Test
  void statusZeroOrAbsentIsNoError() throws WireException {
    assertThat(BizStatus.read(Map.of("biz-status", "0")::get, "")).isNull();
    assertThat(BizStatus.read(Map.<String, String>of()::get, "")).isNull();
  }

  @Test
  void malformedHeadersAreWireErrors() {
    assertThatThrownBy(() -> BizStatus.read(Map.of("biz-status", "x")::get, ""))
        .isInstanceOf(WireException.class);
    for (String bad :
        new String[] {
          "{", "{\"a\":{}}", "{\"a\":\"b\"", "[1]", "{\"a\":\"\\u12\"}", "{\"a\":\"b\"} x"
        }) {
      assertThatThrownBy(() -> BizStatus.fromJson(bad)).as(bad).isInstanceOf(WireException.class);
    }
    assertThatThrownBy(
            () -> BizStatus.fromJson("{\"a\":\"" + "x".repeat(BizStatus.MAX_EXTRA_CHARS) + "\"}"))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("exceeds");
  }

  @Test
  void jsonRoundTripsControlCharactersAndUnicode() throws WireException {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("tab\t", "line\nbreak \u0001 ✓");
    assertThat(BizStatus.fromJson(BizStatus.toJson(m))).isEqualTo(m);
  }
}
