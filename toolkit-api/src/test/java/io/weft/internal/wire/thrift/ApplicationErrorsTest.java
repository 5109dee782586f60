package io.weft.internal.wire.thrift;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.kitexpb.KitexProtobufError;
import java.util.HexFormat;
import org.apache.thrift.TApplicationException;
import org.junit.jupiter.api.Test;

class ApplicationErrorsTest {
  @Test
  void thriftTypesMapToStatusCodes() {
    assertThat(code(TApplicationException.UNKNOWN_METHOD)).isEqualTo(StatusCode.UNIMPLEMENTED);
    assertThat(code(TApplicationException.INTERNAL_ERROR)).isEqualTo(StatusCode.INTERNAL);
    assertThat(code(TApplicationException.PROTOCOL_ERROR)).isEqualTo(StatusCode.INVALID_ARGUMENT);
    assertThat(code(TApplicationException.UNKNOWN)).isEqualTo(StatusCode.UNKNOWN);
    assertThat(code(TApplicationException.MISSING_RESULT)).isEqualTo(StatusCode.INTERNAL);
  }

  @Test
  void statusCodesMapToThriftTypes() {
    assertThat(ApplicationErrors.fromStatus(Status.UNIMPLEMENTED).getType())
        .isEqualTo(TApplicationException.UNKNOWN_METHOD);
    assertThat(ApplicationErrors.fromStatus(Status.INTERNAL.withDescription("x")).getType())
        .isEqualTo(TApplicationException.INTERNAL_ERROR);
    assertThat(ApplicationErrors.fromStatus(Status.INTERNAL.withDescription("x")).getMessage())
        .isEqualTo("x");
  }

  @Test
  void codesWithoutAThriftTypeSurviveARoundTripBetweenWeftPeers() {
    for (StatusCode c : StatusCode.values()) {
      if (c == StatusCode.OK) {
        continue;
      }
      Status back = ApplicationErrors.toStatus(ApplicationErrors.fromStatus(Status.of(c, "why")));
      assertThat(back).isEqualTo(Status.of(c, "why"));
    }
  }

  @Test
  void encodesAsLibthriftDoes() throws Exception {
    Buffer out = new Buffer();
    ApplicationErrors.encode(
        new TApplicationException(TApplicationException.UNKNOWN_METHOD, "nope"), out);
    // field 1 string "nope", field 2 i32 1, stop
    assertThat(HexFormat.of().formatHex(out.toByteArray()))
        .isEqualTo("0b0001000000046e6f706508000200000001" + "00");
    TApplicationException back = ApplicationErrors.decode(out.array(), 0, out.size());
    assertThat(back.getType()).isEqualTo(TApplicationException.UNKNOWN_METHOD);
    assertThat(back.getMessage()).isEqualTo("nope");
  }

  @Test
  void kitexProtobufErrorIsErrorProto() throws Exception {
    Buffer out = new Buffer();
    new KitexProtobufError(6, "boom").encode(out);
    // TypeID = 1 (varint 6), Message = 2 (length-delimited "boom")
    assertThat(HexFormat.of().formatHex(out.toByteArray())).isEqualTo("0806" + "1204626f6f6d");
    assertThat(KitexProtobufError.decode(out.array(), 0, out.size()))
        .isEqualTo(new KitexProtobufError(6, "boom"));
  }

  private static StatusCode code(int type) {
    return ApplicationErrors.toStatus(new TApplicationException(type, "m")).code();
  }
}
