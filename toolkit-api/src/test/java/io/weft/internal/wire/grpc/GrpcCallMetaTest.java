package io.weft.internal.wire.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.BizStatusException;
import io.weft.api.Deadline;
import io.weft.api.MetaInfo;
import io.weft.api.Metadata;
import io.weft.api.RpcException;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.http2.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A gRPC call's metadata through HTTP/2 header blocks: request headers, status trailers, business
 * status.
 */
class GrpcCallMetaTest {
  private static List<String> names(Fields f) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < f.size(); i++) {
      out.add(f.name(i));
    }
    return out;
  }

  @Test
  void requestHeadersCarryTimeoutMetadataMetainfoAndKitexNames() {
    Metadata md = new Metadata().add("X-Trace", "t1").add("te", "not user metadata");
    MetaInfo meta = MetaInfo.EMPTY.withPersistent("TENANT_ID", "a");
    Fields h =
        GrpcCallMeta.requestHeaders(
            "http",
            "/pkg.Svc/Call",
            "host:1",
            false,
            true,
            TimeUnit.SECONDS.toNanos(2),
            md,
            meta,
            "caller",
            "callerMethod",
            "Svc",
            "Call");

    assertThat(names(h))
        .containsExactly(
            ":method",
            ":scheme",
            ":path",
            ":authority",
            "content-type",
            "te",
            "user-agent",
            "grpc-accept-encoding",
            "grpc-encoding",
            "grpc-timeout",
            "x-trace",
            "rpc-persist-tenant-id",
            "source-service",
            "destination-service",
            "destination-method",
            "source-method");
    assertThat(h.get("content-type")).isEqualTo("application/grpc");
    assertThat(h.get("te")).isEqualTo("trailers");
    assertThat(h.get("user-agent")).isEqualTo(GrpcCallMeta.USER_AGENT);
    assertThat(h.get("x-trace")).isEqualTo("t1");
    assertThat(h.get("source-service")).isEqualTo("caller");
    assertThat(h.get("destination-method")).isEqualTo("Call");

    // the server's view of the same block
    Metadata seen = GrpcCallMeta.metadata(h);
    assertThat(GrpcCallMeta.metaInfo(seen)).isEqualTo(meta);
    Deadline d = GrpcCallMeta.deadline(h.get("grpc-timeout"));
    assertThat(d.remainingMillis()).isBetween(1L, 2_000L);
  }

  @Test
  void noDeadlineNoCallerNoExtraHeaders() {
    Fields h =
        GrpcCallMeta.requestHeaders(
            "https",
            "/S/m",
            "a:1",
            true,
            false,
            -1,
            new Metadata(),
            MetaInfo.EMPTY,
            "",
            "",
            "S",
            "m");
    assertThat(names(h))
        .containsExactly(
            ":method",
            ":scheme",
            ":path",
            ":authority",
            "content-type",
            "te",
            "user-agent",
            "grpc-accept-encoding");
    assertThat(h.get("content-type")).isEqualTo("application/grpc+thrift");
  }

  @Test
  void aMalformedTimeoutIsRefused() {
    assertThatThrownBy(() -> GrpcCallMeta.deadline("soon"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void statusAndTrailersRoundTrip() {
    Fields block = new Fields(4);
    GrpcCallMeta.addStatus(block, Status.of(StatusCode.NOT_FOUND, "no such thing: 100%"));
    GrpcCallMeta.addMetadata(block, new Metadata().add("k", "v").add("grpc-status", "0"), null);
    Status s = GrpcCallMeta.status(block);
    assertThat(s.code()).isEqualTo(StatusCode.NOT_FOUND);
    assertThat(s.description()).contains("no such thing: 100%");
    assertThat(GrpcCallMeta.metadata(block).get("k")).isEqualTo("v");
    assertThat(names(block)).containsExactly("grpc-status", "grpc-message", "k");

    assertThat(GrpcCallMeta.status(new Fields(1)).code()).isEqualTo(StatusCode.UNKNOWN);
    assertThat(GrpcCallMeta.status(new Fields(1).add("grpc-status", "x")).code())
        .isEqualTo(StatusCode.UNKNOWN);
  }

  @Test
  void addMetadataLeavesOutWhatIsExcepted() {
    Fields f = new Fields(4);
    GrpcCallMeta.addMetadata(
        f, new Metadata().add("a", "1").add("b", "2"), new Metadata().add("b", "x"));
    assertThat(names(f)).containsExactly("a");
    GrpcCallMeta.addMetadata(f, null, null);
    assertThat(f.size()).isEqualTo(1);
  }

  @Test
  void aBusinessStatusTravelsInTheTrailersAsKitexSendsIt() {
    Metadata trailers = new Metadata();
    Status s =
        GrpcCallMeta.bizStatus(
            new BizStatusException(7, "business says no", Map.of("why", "because")), trailers);
    assertThat(s.code()).isEqualTo(StatusCode.INTERNAL);
    assertThat(s.description()).contains("business says no");
    assertThat(trailers.get(BizStatusException.STATUS_KEY)).isEqualTo("7");
    assertThat(trailers.get(BizStatusException.MESSAGE_KEY))
        .as("gRPC carries the message in grpc-message")
        .isNull();

    RuntimeException thrown = GrpcCallMeta.failure(s, trailers);
    assertThat(thrown).isInstanceOf(BizStatusException.class);
    BizStatusException biz = (BizStatusException) thrown;
    assertThat(biz.code()).isEqualTo(7);
    assertThat(biz.getMessage()).isEqualTo("business says no");
    assertThat(biz.extra()).containsExactly(Map.entry("why", "because"));
  }

  @Test
  void failureWithoutBusinessStatusIsTheStatus() {
    RuntimeException e =
        GrpcCallMeta.failure(
            Status.of(StatusCode.UNAVAILABLE, "down"), new Metadata().add("k", "v"));
    assertThat(e).isInstanceOf(RpcException.class);
    assertThat(((RpcException) e).code()).isEqualTo(StatusCode.UNAVAILABLE);
    RuntimeException bad =
        GrpcCallMeta.failure(
            Status.of(StatusCode.INTERNAL, "x"),
            new Metadata().add(BizStatusException.STATUS_KEY, "seven"));
    assertThat(((RpcException) bad).code()).isEqualTo(StatusCode.INTERNAL);
    assertThat(bad).hasMessageContaining("biz-status");
  }

  @Test
  void metadataGrpcCannotCarryIsRefusedNamingTheKey() {
    assertThat(GrpcCallMeta.invalidPair("x-ok", "printable ASCII ~!")).isNull();
    assertThat(GrpcCallMeta.invalidPair("x-name", "caf\u00e9"))
        .isEqualTo(
            "header key \"x-name\" contains value with non-printable ASCII characters (gRPC"
                + " metadata values are printable ASCII; send bytes base64-encoded under a key"
                + " ending in -bin)");
    assertThat(GrpcCallMeta.invalidPair("x-tab", "a\tb")).contains("\"x-tab\"");
    assertThat(GrpcCallMeta.invalidPair("x k", "v")).contains("illegal characters");
    Metadata md = new Metadata().add("X-Upper", "fine").add("x-name", "\u65e5\u672c");
    assertThat(GrpcCallMeta.invalidMetadata(md)).contains("\"x-name\"");
    assertThatThrownBy(() -> GrpcCallMeta.addMetadata(new Fields(), md, null))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.INTERNAL))
        .hasMessageContaining("\"x-name\"");
    // binary values travel in base64, whatever their bytes
    Metadata bin = new Metadata().addBinary("x-raw-bin", new byte[] {(byte) 0xff, 0, 10});
    assertThat(GrpcCallMeta.invalidMetadata(bin)).isNull();
  }

  @Test
  void aBusinessErrorsExtraPastAsciiTravelsEscaped() throws Exception {
    Metadata trailers = new Metadata();
    GrpcCallMeta.bizStatus(
        new BizStatusException(7, "m", Map.of("who", "J\u00fcrgen \u65e5")), trailers);
    assertThat(GrpcCallMeta.invalidMetadata(trailers)).isNull();
    assertThat(trailers.get(BizStatusException.EXTRA_KEY)).contains("\\u00fc");
    BizStatusException back = io.weft.internal.wire.BizStatus.read(trailers::get, "m");
    assertThat(back.extra()).containsEntry("who", "J\u00fcrgen \u65e5");
  }
}
