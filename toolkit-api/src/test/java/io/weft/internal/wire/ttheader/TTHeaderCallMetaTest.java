package io.weft.internal.wire.ttheader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.BizStatusException;
import io.weft.api.Deadline;
import io.weft.api.MetaInfo;
import io.weft.api.Metadata;
import io.weft.internal.wire.WireException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A call's metadata through TTHeader: what the client writes, the server reads back, and the same
 * for the reply.
 */
class TTHeaderCallMetaTest {
  @Test
  void aRequestReadsBackAsTheServerSeesIt() {
    Metadata md = new Metadata().add("trace", "t1");
    MetaInfo meta = MetaInfo.EMPTY.withPersistent("TENANT", "a").withTransient("STAGE", "b");
    TTHeader h =
        TTHeaderCallMeta.request(
            md,
            meta,
            "EchoService",
            "caller-svc",
            "callerMethod",
            "EchoService",
            "echo",
            Envelope.CALL,
            true,
            Deadline.after(5, TimeUnit.SECONDS));

    assertThat(h.strInfo())
        .containsEntry("trace", "t1")
        .containsEntry("RPC_PERSIST_TENANT", "a")
        .containsEntry("RPC_TRANSIT_STAGE", "b")
        .containsEntry(StrKey.IDL_SERVICE_NAME, "EchoService");
    assertThat(h.intInfo())
        .containsEntry(IntKey.FROM_SERVICE, "caller-svc")
        .containsEntry(IntKey.FROM_METHOD, "callerMethod")
        .containsEntry(IntKey.TO_SERVICE, "EchoService")
        .containsEntry(IntKey.TO_METHOD, "echo")
        .containsEntry(IntKey.MSG_TYPE, Integer.toString(Envelope.CALL))
        .containsEntry(IntKey.TRANSPORT_TYPE, "framed");

    assertThat(TTHeaderCallMeta.metadata(h).get("trace")).isEqualTo("t1");
    assertThat(TTHeaderCallMeta.metaInfo(h)).isEqualTo(meta);
    assertThat(TTHeaderCallMeta.caller(h)).isEqualTo("caller-svc");
    assertThat(TTHeaderCallMeta.idlService(h)).isEqualTo("EchoService");
    Deadline d = TTHeaderCallMeta.deadline(h);
    assertThat(d).isNotNull();
    assertThat(d.remainingMillis()).isBetween(1L, 5_000L);
  }

  @Test
  void noHeaderAndOddTimeoutsMeanNothing() {
    assertThat(TTHeaderCallMeta.metadata(null).isEmpty()).isTrue();
    assertThat(TTHeaderCallMeta.metaInfo(null)).isSameAs(MetaInfo.EMPTY);
    assertThat(TTHeaderCallMeta.caller(null)).isEmpty();
    assertThat(TTHeaderCallMeta.deadline(null)).isNull();
    TTHeader h = new TTHeader();
    h.intInfo().put(IntKey.RPC_TIMEOUT, "soon");
    assertThat(TTHeaderCallMeta.deadline(h)).as("unparsable, as Kitex ignores it").isNull();
    h.intInfo().put(IntKey.RPC_TIMEOUT, "0");
    assertThat(TTHeaderCallMeta.deadline(h)).isNull();
    h.strInfo().put("", "empty key");
    assertThat(TTHeaderCallMeta.metadata(h).isEmpty())
        .as("an empty key no metadata can name")
        .isTrue();
  }

  @Test
  void aRequestWithoutDeadlineSendsNoTimeout() {
    TTHeader h =
        TTHeaderCallMeta.request(
            new Metadata(), MetaInfo.EMPTY, "S", "", "", "S", "m", Envelope.ONEWAY, false, null);
    assertThat(h.intInfo())
        .doesNotContainKey(IntKey.RPC_TIMEOUT)
        .containsEntry(IntKey.TRANSPORT_TYPE, "unframed");
  }

  @Test
  void aReplyCarriesMetadataTrailersBusinessStatusAndTheResetMark() throws WireException {
    TTHeader request = new TTHeader().protocolId(TTHeader.PROTOCOL_KITEX_PROTOBUF);
    Metadata trailers = new Metadata().add("t", "2");
    TTHeaderCallMeta.putBizStatus(
        new BizStatusException(404, "not here", Map.of("k", "v")), trailers);
    TTHeader reply =
        TTHeaderCallMeta.reply(
            request, new Metadata().add("h", "1"), trailers, true, Envelope.REPLY);

    assertThat(reply.protocolId()).isEqualTo(TTHeader.PROTOCOL_KITEX_PROTOBUF);
    assertThat(TTHeaderCallMeta.resetRequested(reply)).isTrue();
    Metadata captured = new Metadata();
    TTHeaderCallMeta.copyStrInfo(reply, captured);
    assertThat(captured.get("h")).isEqualTo("1");
    assertThat(captured.get("t")).isEqualTo("2");
    BizStatusException biz = TTHeaderCallMeta.bizStatus(reply);
    assertThat(biz.code()).isEqualTo(404);
    assertThat(biz.getMessage()).isEqualTo("not here");
    assertThat(biz.extra()).containsExactly(Map.entry("k", "v"));

    TTHeader plain = TTHeaderCallMeta.reply(request, null, null, false, Envelope.REPLY);
    assertThat(TTHeaderCallMeta.resetRequested(plain)).isFalse();
    assertThat(TTHeaderCallMeta.bizStatus(plain)).isNull();
    assertThat(plain.intInfo()).containsEntry(IntKey.MSG_TYPE, Integer.toString(Envelope.REPLY));
  }

  @Test
  void aMalformedBusinessStatusIsAWireError() {
    TTHeader h = new TTHeader();
    h.strInfo().put(BizStatusException.STATUS_KEY, "four");
    assertThatThrownBy(() -> TTHeaderCallMeta.bizStatus(h))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("biz-status");
  }
}
