package io.weft.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kitex's metainfo key conventions (bytedance/gopkg cloud/metainfo), both directions. */
class MetaInfoTest {
  @Test
  void ttheaderKeysArePrefixedAsKitexWritesThem() {
    Map<String, String> str = new LinkedHashMap<>();
    MetaInfo.EMPTY
        .withPersistent("TRACE_ID", "t1")
        .withTransient("STAGE", "canary")
        .toTTHeader(str);
    assertThat(str)
        .containsExactly(
            Map.entry("RPC_TRANSIT_STAGE", "canary"), Map.entry("RPC_PERSIST_TRACE_ID", "t1"));
  }

  @Test
  void ttheaderKeysAreReadBackIgnoringOthers() {
    Map<String, String> str =
        Map.of(
            "RPC_PERSIST_TRACE_ID",
            "t1",
            "RPC_TRANSIT_STAGE",
            "canary",
            "RPC_TRANSIT_UPSTREAM_HOP",
            "2",
            "isn",
            "EchoService",
            "RPC_PERSIST_EMPTY",
            "");
    MetaInfo m = MetaInfo.fromTTHeader(str);
    assertThat(m.persistent()).containsExactly(Map.entry("TRACE_ID", "t1"));
    assertThat(m.transients()).containsOnly(Map.entry("STAGE", "canary"), Map.entry("HOP", "2"));
  }

  @Test
  void grpcHeadersUseLowerCaseHyphenatedKeys() {
    Metadata h = new Metadata();
    MetaInfo.EMPTY
        .withPersistent("TRACE_ID", "t1")
        .withTransient("STAGE", "canary")
        .toHttpHeaders(h);
    assertThat(h.get("rpc-persist-trace-id")).isEqualTo("t1");
    assertThat(h.get("rpc-transit-stage")).isEqualTo("canary");
    MetaInfo back = MetaInfo.fromHttpHeaders(h);
    assertThat(back.persistent("TRACE_ID")).isEqualTo("t1");
    assertThat(back.transientValue("STAGE")).isEqualTo("canary");
  }

  @Test
  void forwardingKeepsPersistentValuesAndDropsTransientOnes() {
    MetaInfo received =
        MetaInfo.EMPTY.withPersistent("A", "1").withPersistent("B", "2").withTransient("T", "x");
    MetaInfo sent =
        received.forwardedWith(MetaInfo.EMPTY.withPersistent("B", "3").withTransient("U", "y"));
    assertThat(sent.persistent()).containsExactly(Map.entry("A", "1"), Map.entry("B", "3"));
    assertThat(sent.transients()).containsExactly(Map.entry("U", "y"));
  }

  @Test
  void emptyKeysAndValuesAreRefused() {
    assertThatThrownBy(() -> MetaInfo.EMPTY.withPersistent("", "v"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MetaInfo.EMPTY.withTransient("K", ""))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
