package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.weft.api.ClientOptions;
import io.weft.api.Server;
import io.weft.api.Transport;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeReader;
import io.weft.internal.wire.ttheader.EnvelopeWriter;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.PayloadFormat;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.testing.KitexVectors;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kitex Protobuf and Thrift-over-gRPC vectors of toolkit-api's {@code kitex-vectors.txt}
 * against Weft's server and client: the server answers F with exactly G and H with H, and the
 * client writes F's payload byte for byte. (That they decode as their comments say, and that the
 * writers produce them, is toolkit-api's KitexVectorsTest.)
 */
class KitexWireVectorsTest {
  private static final int MAX = 16 << 20;
  private static Server server;

  @BeforeAll
  static void start() {
    server = InteropServer.create(0).start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @Test
  void serverAnswersFWithExactlyG() throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(KitexVectors.get("F"));
      assertThat(hex(readFrame(s.getInputStream()))).isEqualTo(hex(KitexVectors.get("G")));
    }
  }

  @Test
  void clientWritesFsPayloadAndReadsG() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Future<byte[]> captured =
          CompletableFuture.supplyAsync(() -> {
            try (Socket s = listener.accept()) {
              byte[] request = readFrame(s.getInputStream());
              int seq = Buffer.getInt(request, 8);
              s.getOutputStream().write(withSeq(KitexVectors.get("G"), seq));
              s.getOutputStream().flush();
              // wait for the client to close its side, so the reply is read before the socket goes
              s.getInputStream().read();
              return request;
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          });
      SimpleResponse reply;
      try (var client =
          TestServiceClient.newClient(
              "grpc.testing.TestService",
              ClientOptions.withHostPorts("127.0.0.1:" + listener.getLocalPort()),
              ClientOptions.withTransport(Transport.TTHEADER))) {
        reply = client.unaryCall(SimpleRequest.newBuilder().setResponseSize(4).build());
      }
      assertThat(reply.getPayload().getBody().toByteArray()).isEqualTo(new byte[4]);
      byte[] request = captured.get();
      Envelope e =
          new EnvelopeReader(new ByteArrayInputStream(request), MAX).read(Framing.TTHEADER);
      // the header carries Kitex's int keys; the payload after it is F's, byte for byte
      assertThat(e.header().protocolId()).isEqualTo(TTHeader.PROTOCOL_THRIFT_BINARY);
      assertThat(hex(payload(request)))
          .isEqualTo(hex(payload(withSeq(KitexVectors.get("F"), e.seqId()))));
    }
  }

  @Test
  void serverEchoesHOnEchoBidi() throws IOException {
    try (RawH2 h2 = new RawH2(server.port())) {
      Map<String, String> headers = RawH2.grpcHeaders();
      headers.put("content-type", "application/grpc+thrift");
      int stream = h2.open("/stream.StreamService/EchoBidi", headers, false);
      h2.data(stream, KitexVectors.get("H"), true);
      RawH2.Response r = h2.await(stream);
      assertThat(r.grpcStatus()).isEqualTo("0");
      assertThat(r.headers().get("content-type")).isEqualTo("application/grpc+thrift");
      // Response{Msg: "hello"} encodes exactly as Request{Msg: "hello"}
      assertThat(hex(r.data())).isEqualTo(hex(KitexVectors.get("H")));
    }
  }

  @Test
  void streamingMethodOverTTHeaderIsRefusedWithAReason() throws IOException {
    Buffer out = new Buffer();
    EnvelopeWriter w =
        new EnvelopeWriter(out, Framing.TTHEADER, MAX)
            .begin(new TTHeader(), PayloadFormat.THRIFT_BINARY, Envelope.CALL, "EchoBidi", 3);
    out.write(0); // an empty args struct
    w.finish();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(out.toByteArray());
      Envelope reply =
          new EnvelopeReader(new ByteArrayInputStream(readFrame(s.getInputStream())), MAX)
              .read(Framing.TTHEADER);
      assertThat(reply.messageType()).isEqualTo(Envelope.EXCEPTION);
      assertThat(reply.seqId()).isEqualTo(3);
      String body =
          new String(
              reply.buffer(), reply.bodyOffset(), reply.bodyLength(), StandardCharsets.UTF_8);
      assertThat(body).contains("EchoBidi is a streaming method: call it over gRPC");
    }
  }

  /** The bytes after the TTHeader header block. */
  private static byte[] payload(byte[] frame) {
    int headerSize = ((frame[12] & 0xff) << 8 | (frame[13] & 0xff)) * 4;
    return Arrays.copyOfRange(frame, 14 + headerSize, frame.length);
  }

  /** The frame with its sequence id (header and Kitex Protobuf payload) set to {@code seq}. */
  private static byte[] withSeq(byte[] frame, int seq) {
    byte[] b = frame.clone();
    Buffer.putInt(b, 8, seq);
    byte[] p = payload(b);
    int nameLength = Buffer.getInt(p, 8);
    Buffer.putInt(b, b.length - p.length + 12 + nameLength, seq);
    return b;
  }

  private static byte[] readFrame(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int length = data.readInt();
    assertThat(length).isBetween(0, MAX);
    byte[] frame = new byte[length + 4];
    Buffer.putInt(frame, 0, length);
    data.readFully(frame, 4, length);
    return frame;
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
