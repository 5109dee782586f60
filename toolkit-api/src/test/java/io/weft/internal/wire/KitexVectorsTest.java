package io.weft.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.internal.wire.grpc.GrpcDeframer;
import io.weft.internal.wire.grpc.GrpcFrames;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeReader;
import io.weft.internal.wire.ttheader.EnvelopeWriter;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.IntKey;
import io.weft.internal.wire.ttheader.PayloadFormat;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.testing.KitexVectors;
import io.weft.testing.StringStruct;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The vectors of {@code kitex-vectors.txt} at the wire-format level, without a server, a client or
 * generated code: they decode as their comments say, and Weft's writers produce them byte for byte.
 * (examples/interop's KitexWireVectorsTest checks them against Weft's server and client.)
 */
class KitexVectorsTest {
  private static final int MAX = 16 << 20;

  /** SimpleRequest{response_size: 4}: field 2, varint 4. */
  private static final String SIMPLE_REQUEST = "1004";

  /** SimpleResponse{payload: {body: 4 zero bytes}}: field 1 (6 bytes) holding field 2 (4 bytes). */
  private static final String SIMPLE_RESPONSE = "0a06120400000000";

  @Test
  void fDecodesAsKitexProtobufCall() throws IOException {
    Envelope e = read(KitexVectors.get("F"));
    assertThat(e.format()).isEqualTo(PayloadFormat.KITEX_PROTOBUF);
    assertThat(e.header().protocolId()).isEqualTo(TTHeader.PROTOCOL_THRIFT_BINARY);
    assertThat(e.messageType()).isEqualTo(Envelope.CALL);
    assertThat(e.name()).isEqualTo("UnaryCall");
    assertThat(e.seqId()).isEqualTo(7);
    assertThat(hex(body(e))).isEqualTo(SIMPLE_REQUEST);
  }

  @Test
  void envelopeWriterWritesF() {
    Buffer out = new Buffer();
    EnvelopeWriter w =
        new EnvelopeWriter(out, Framing.TTHEADER, MAX)
            .begin(new TTHeader(), PayloadFormat.KITEX_PROTOBUF, Envelope.CALL, "UnaryCall", 7);
    byte[] body = HexFormat.of().parseHex(SIMPLE_REQUEST);
    out.write(body, 0, body.length);
    w.finish();
    assertThat(hex(out.toByteArray())).isEqualTo(hex(KitexVectors.get("F")));
  }

  @Test
  void gDecodesAsKitexProtobufReplyWithKitexsMessageTypeKey() throws IOException {
    Envelope e = read(KitexVectors.get("G"));
    assertThat(e.format()).isEqualTo(PayloadFormat.KITEX_PROTOBUF);
    assertThat(e.messageType()).isEqualTo(Envelope.REPLY);
    assertThat(e.name()).isEqualTo("UnaryCall");
    assertThat(e.seqId()).isEqualTo(7);
    assertThat(e.header().intInfo()).containsEntry(IntKey.MSG_TYPE, "2");
    assertThat(hex(body(e))).isEqualTo(SIMPLE_RESPONSE);
  }

  @Test
  void envelopeWriterWritesG() {
    TTHeader header = new TTHeader();
    header.intInfo().put(IntKey.MSG_TYPE, "2");
    Buffer out = new Buffer();
    EnvelopeWriter w =
        new EnvelopeWriter(out, Framing.TTHEADER, MAX)
            .begin(header, PayloadFormat.KITEX_PROTOBUF, Envelope.REPLY, "UnaryCall", 7);
    byte[] body = HexFormat.of().parseHex(SIMPLE_RESPONSE);
    out.write(body, 0, body.length);
    w.finish();
    assertThat(hex(out.toByteArray())).isEqualTo(hex(KitexVectors.get("G")));
  }

  @Test
  void hIsTheBareThriftStructInAGrpcMessage() {
    Buffer out = new Buffer();
    GrpcFrames.write(out, new StringStruct(1), "hello", false, MAX);
    assertThat(hex(out.toByteArray())).isEqualTo(hex(KitexVectors.get("H")));
  }

  @Test
  void hDeframesToTheStruct() {
    byte[] h = KitexVectors.get("H");
    List<byte[]> messages = new ArrayList<>();
    new GrpcDeframer(MAX, null).feed(h, 0, h.length, messages::add);
    assertThat(messages).hasSize(1);
    assertThat(new StringStruct(1).decode(messages.get(0), 0, messages.get(0).length))
        .isEqualTo("hello");
  }

  private static Envelope read(byte[] frame) throws IOException {
    return new EnvelopeReader(new ByteArrayInputStream(frame), MAX).read(Framing.TTHEADER);
  }

  private static byte[] body(Envelope e) {
    return Arrays.copyOfRange(e.buffer(), e.bodyOffset(), e.bodyOffset() + e.bodyLength());
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
