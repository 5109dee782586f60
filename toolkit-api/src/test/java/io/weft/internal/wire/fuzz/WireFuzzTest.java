package io.weft.internal.wire.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.MetaInfo;
import io.weft.api.Metadata;
import io.weft.api.RpcException;
import io.weft.internal.wire.BizStatus;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import io.weft.internal.wire.grpc.GrpcDeframer;
import io.weft.internal.wire.grpc.GrpcStatusMessages;
import io.weft.internal.wire.grpc.GrpcTimeout;
import io.weft.internal.wire.kitexpb.KitexProtobufError;
import io.weft.internal.wire.thrift.ApplicationErrors;
import io.weft.internal.wire.thrift.ThriftSkipper;
import io.weft.internal.wire.ttheader.EnvelopeReader;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.StreamFrame;
import io.weft.internal.wire.ttheader.StreamFrameReader;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.testing.Vectors;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.thrift.TException;
import org.junit.jupiter.api.Test;

/**
 * Every decoder that reads bytes from the wire, fuzzed (see {@link Fuzz}): each test tries its
 * seeds and then exactly {@value #INPUTS} mutated inputs from a fixed seed (a second or so each).
 */
class WireFuzzTest {
  static final int INPUTS = 30_000;
  static final int MAX_FRAME = 16 << 20;

  @SafeVarargs
  private static Fuzz withVectors(long seed, Class<? extends Throwable>... allowed) {
    Fuzz f = new Fuzz(seed, allowed);
    Vectors.load().values().forEach(f::seed);
    return f;
  }

  @Test
  void envelopeReaderOnEveryFraming() {
    Framing[] framings = Framing.values();
    for (int seed = 0; seed < framings.length; seed++) {
      Framing framing = framings[seed];
      Fuzz f =
          withVectors(seed, WireException.class, IOException.class)
              .corpus("envelope")
              .run(
                  in -> {
                    EnvelopeReader r = new EnvelopeReader(new ByteArrayInputStream(in), MAX_FRAME);
                    while (r.read(framing) != null) {
                      // every message the input holds
                    }
                  },
                  INPUTS);
      assertThat(f.failures()).as(framing.toString()).isEmpty();
    }
  }

  @Test
  void streamFrameReader() {
    Fuzz f = withVectors(14, WireException.class, IOException.class).corpus("ttstream");
    f.run(
        in -> {
          StreamFrameReader r = new StreamFrameReader(new ByteArrayInputStream(in), MAX_FRAME);
          StreamFrame frame;
          while ((frame = r.read()) != null) {
            if (frame.type() == StreamFrame.Type.RST && frame.payload().length > 0) {
              StreamFrame.exception(frame.payload());
            }
          }
        },
        INPUTS);
    assertThat(f.failures()).isEmpty();
  }

  @Test
  void ttheaderHeaderBlock() {
    Fuzz f =
        withVectors(11, WireException.class).run(in -> TTHeader.decode(in, 0, in.length), INPUTS);
    assertThat(f.failures()).isEmpty();
  }

  @Test
  void thriftSkipperAndApplicationErrors() {
    Fuzz f =
        withVectors(12, WireException.class, IOException.class, TException.class).corpus("thrift");
    f.run(
        in ->
            new ThriftSkipper(new ByteArrayInputStream(in), new Buffer(64), MAX_FRAME).skipStruct(),
        INPUTS);
    f.run(in -> ApplicationErrors.decode(in, 0, in.length), INPUTS);
    assertThat(f.failures()).isEmpty();
  }

  @Test
  void kitexProtobufError() {
    Fuzz f =
        new Fuzz(13, WireException.class)
            .seed(new byte[] {0x08, (byte) 0xa2, 0x03, 0x12, 0x05, 'h', 'e', 'l', 'l', 'o'})
            .run(in -> KitexProtobufError.decode(in, 0, in.length), INPUTS);
    assertThat(f.failures()).isEmpty();
  }

  @Test
  void grpcDeframerFedInRandomPieces() {
    Random pieces = new Random(14);
    Fuzz f =
        new Fuzz(14, RpcException.class)
            .seed(new byte[] {0, 0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 0, 0})
            .seed(new byte[] {1, 0, 0, 0, 2, 0x1f, (byte) 0x8b})
            .corpus("grpc-frames")
            .run(
                in -> {
                  GrpcDeframer d =
                      new GrpcDeframer(MAX_FRAME, pieces.nextBoolean() ? "gzip" : null);
                  int off = 0;
                  while (off < in.length) {
                    int n = 1 + pieces.nextInt(in.length - off);
                    d.feed(in, off, n, m -> {});
                    off += n;
                  }
                },
                INPUTS);
    assertThat(f.failures()).isEmpty();
  }

  @Test
  void headerValueParsers() {
    Fuzz timeouts =
        new Fuzz(15, IllegalArgumentException.class)
            .seed("1H".getBytes(StandardCharsets.US_ASCII))
            .seed("99999999n".getBytes(StandardCharsets.US_ASCII))
            .run(in -> GrpcTimeout.parseNanos(new String(in, StandardCharsets.ISO_8859_1)), INPUTS);
    Fuzz statusMessages =
        new Fuzz(16)
            .seed("a%20b%E2%9C%93%".getBytes(StandardCharsets.US_ASCII))
            .run(
                in -> GrpcStatusMessages.decode(new String(in, StandardCharsets.ISO_8859_1)),
                INPUTS);
    Fuzz bizStatus =
        new Fuzz(17, WireException.class)
            .seed("{\"a\":\"b\",\"c\":\"\\u0041\\n\"}".getBytes(StandardCharsets.UTF_8))
            .run(in -> BizStatus.fromJson(new String(in, StandardCharsets.UTF_8)), INPUTS);
    Fuzz metaInfo =
        new Fuzz(18)
            .seed("rpc-persist-trace-id".getBytes(StandardCharsets.US_ASCII))
            .run(
                in -> {
                  String s =
                      new String(in, StandardCharsets.ISO_8859_1)
                          .toLowerCase(java.util.Locale.ROOT);
                  Metadata m = new Metadata();
                  try {
                    m.add(s.isEmpty() ? "x" : s.replaceAll("[^a-z0-9._-]", "-"), "v");
                  } catch (IllegalArgumentException e) {
                    return;
                  }
                  MetaInfo.fromHttpHeaders(m);
                },
                INPUTS);
    assertThat(timeouts.failures()).isEmpty();
    assertThat(statusMessages.failures()).isEmpty();
    assertThat(bizStatus.failures()).isEmpty();
    assertThat(metaInfo.failures()).isEmpty();
  }
}
