package io.weft.internal.wire.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.RpcException;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gRPC's message framing, timeouts and status messages, byte for byte. */
class GrpcWireTest {
  @Test
  void timeoutsParseEveryUnitAndFormatInEightDigits() {
    assertThat(GrpcTimeout.parseNanos("1H")).isEqualTo(3_600_000_000_000L);
    assertThat(GrpcTimeout.parseNanos("2M")).isEqualTo(120_000_000_000L);
    assertThat(GrpcTimeout.parseNanos("3S")).isEqualTo(3_000_000_000L);
    assertThat(GrpcTimeout.parseNanos("4m")).isEqualTo(4_000_000L);
    assertThat(GrpcTimeout.parseNanos("5u")).isEqualTo(5_000L);
    assertThat(GrpcTimeout.parseNanos("99999999n")).isEqualTo(99_999_999L);
    assertThat(GrpcTimeout.format(999)).isEqualTo("999n");
    assertThat(GrpcTimeout.format(1_500_000_000L)).isEqualTo("1500000u");
    assertThat(GrpcTimeout.format(250_000_000_000L)).isEqualTo("250000m");
    assertThat(GrpcTimeout.format(0)).isEqualTo("1n");
    for (String bad : new String[] {"", "S", "123456789S", "12x", "-1S", "1.5S", "1s"}) {
      assertThatThrownBy(() -> GrpcTimeout.parseNanos(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void statusMessagesArePercentEncodedUtf8() {
    String special = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
    String encoded = GrpcStatusMessages.encode(special);
    assertThat(encoded)
        .isEqualTo(
            "%09%0Atest with whitespace%0D%0Aand Unicode BMP %E2%98%BA and non-BMP %F0%9F%98%88%09%0A");
    assertThat(GrpcStatusMessages.decode(encoded)).isEqualTo(special);
    assertThat(GrpcStatusMessages.encode("100%")).isEqualTo("100%25");
    assertThat(GrpcStatusMessages.decode("bad %zz escape")).isEqualTo("bad %zz escape");
  }

  @Test
  void framesAreFlagLengthBody() {
    Buffer out = new Buffer();
    GrpcFrames.write(out, new BytesCodec(), "hi".getBytes(StandardCharsets.US_ASCII), false, 100);
    assertThat(HexFormat.of().formatHex(out.toByteArray())).isEqualTo("00" + "00000002" + "6869");
  }

  @Test
  void deframerReassemblesAcrossAnySplit() {
    byte[] two = HexFormat.of().parseHex("0000000003616263" + "0000000000" + "000000000178");
    for (int chunk = 1; chunk <= two.length; chunk++) {
      List<String> got = new ArrayList<>();
      GrpcDeframer d = new GrpcDeframer(1024, null);
      for (int off = 0; off < two.length; off += chunk) {
        d.feed(
            two,
            off,
            Math.min(chunk, two.length - off),
            m -> got.add(new String(m, StandardCharsets.US_ASCII)));
      }
      assertThat(got).as("chunks of " + chunk).containsExactly("abc", "", "x");
      assertThat(d.hasPartialMessage()).isFalse();
    }
  }

  @Test
  void deframerChecksLengthBeforeAllocatingAndRejectsBadFlags() {
    GrpcDeframer d = new GrpcDeframer(10, null);
    assertThatThrownBy(() -> d.feed(HexFormat.of().parseHex("007fffffff"), 0, 5, m -> {}))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED));
    assertThatThrownBy(() ->
            new GrpcDeframer(10, null).feed(HexFormat.of().parseHex("0100000000"), 0, 5, m -> {}))
        .isInstanceOfSatisfying(
            RpcException.class,
            e ->
                assertThat(e.status().description().orElse(""))
                    .contains("without a grpc-encoding"));
    assertThatThrownBy(() ->
            new GrpcDeframer(10, null).feed(HexFormat.of().parseHex("0500000000"), 0, 5, m -> {}))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.INTERNAL));
  }

  @Test
  void gzipRoundTripsAndBombsAreStopped() {
    Buffer out = new Buffer();
    byte[] big = new byte[100_000];
    GrpcFrames.write(out, new BytesCodec(), big, true, Integer.MAX_VALUE);
    assertThat(out.array()[0]).isEqualTo((byte) 1);
    List<byte[]> got = new ArrayList<>();
    new GrpcDeframer(200_000, "gzip").feed(out.array(), 0, out.size(), got::add);
    assertThat(got).hasSize(1);
    assertThat(got.get(0)).hasSize(100_000);
    assertThatThrownBy(
            () -> new GrpcDeframer(50_000, "gzip").feed(out.array(), 0, out.size(), m -> {}))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED));
  }

  @Test
  void contentTypes() {
    assertThat(GrpcHeaders.isGrpc("application/grpc")).isTrue();
    assertThat(GrpcHeaders.isGrpc("application/grpc+thrift")).isTrue();
    assertThat(GrpcHeaders.isGrpc("application/grpc;charset=utf-8")).isTrue();
    assertThat(GrpcHeaders.isGrpc("application/grpcx")).isFalse();
    assertThat(GrpcHeaders.isGrpc("text/plain")).isFalse();
    assertThat(GrpcHeaders.subtype("application/grpc+thrift")).isEqualTo("thrift");
    assertThat(GrpcHeaders.subtype("application/grpc")).isEqualTo("proto");
  }

  /** Raw bytes as their own encoding. */
  private static final class BytesCodec implements io.weft.api.Codec<byte[]> {
    @Override
    public io.weft.api.Serialization serialization() {
      return io.weft.api.Serialization.PROTOBUF;
    }

    @Override
    public void encode(byte[] value, java.io.OutputStream out) throws java.io.IOException {
      out.write(value);
    }

    @Override
    public byte[] decode(byte[] data, int offset, int length) {
      return java.util.Arrays.copyOfRange(data, offset, offset + length);
    }
  }
}
