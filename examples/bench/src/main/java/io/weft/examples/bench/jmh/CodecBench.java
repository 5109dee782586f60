package io.weft.examples.bench.jmh;

import com.google.protobuf.ByteString;
import interop.thrift.AllTypes;
import interop.thrift.Request;
import interop.thrift.echoservice.EchoServiceDescriptor;
import io.grpc.testing.integration.Messages.Payload;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.weft.examples.interop.InteropClient;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.grpc.GrpcDeframer;
import io.weft.internal.wire.grpc.GrpcFrames;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeReader;
import io.weft.internal.wire.ttheader.EnvelopeWriter;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.IntKey;
import io.weft.internal.wire.ttheader.PayloadFormat;
import io.weft.internal.wire.ttheader.StrKey;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.runtime.ProtobufCodec;
import io.weft.runtime.ThriftCodec;
import java.io.ByteArrayInputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The codecs on every call's path: a TTHeader + Thrift Echo frame of 1 KiB written and read, the
 * {@code AllTypes} struct written and read, and a 1 KiB protobuf message framed and deframed for
 * gRPC. Run with {@code BENCH_ONLY=jmh make bench} (adds {@code -prof gc} for allocation per op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CodecBench {
  private final ThriftCodec<EchoServiceDescriptor.EchoArgs> echoArgs =
      ThriftCodec.of(EchoServiceDescriptor.EchoArgs::new);
  private final ThriftCodec<AllTypes> allTypes = ThriftCodec.of(AllTypes::new);
  private final ProtobufCodec<SimpleRequest> simpleRequest =
      ProtobufCodec.of(SimpleRequest.parser());
  private EchoServiceDescriptor.EchoArgs args;
  private AllTypes all;
  private SimpleRequest proto;
  private byte[] frame;
  private byte[] allBytes;
  private byte[] grpcFrame;

  @Setup
  public void setUp() throws Exception {
    args = new EchoServiceDescriptor.EchoArgs().setReq(new Request().setMsg("x".repeat(1024)));
    all = InteropClient.allTypes();
    proto =
        SimpleRequest.newBuilder()
            .setResponseSize(1024)
            .setPayload(Payload.newBuilder().setBody(ByteString.copyFrom(new byte[1024])))
            .build();
    frame = writeFrame().toByteArray();
    Buffer b = new Buffer(Buffer.TYPICAL_FRAME);
    allTypes.encode(all, b);
    allBytes = b.toByteArray();
    Buffer g = new Buffer(Buffer.TYPICAL_FRAME);
    GrpcFrames.write(g, simpleRequest, proto, false, Integer.MAX_VALUE);
    grpcFrame = g.toByteArray();
  }

  private Buffer writeFrame() throws Exception {
    TTHeader h = new TTHeader();
    h.strInfo().put(StrKey.IDL_SERVICE_NAME, "EchoService");
    h.intInfo().put(IntKey.TO_METHOD, "Echo");
    h.intInfo().put(IntKey.MSG_TYPE, "1");
    Buffer out = new Buffer(Buffer.TYPICAL_FRAME);
    EnvelopeWriter w = new EnvelopeWriter(out, Framing.TTHEADER, 16 << 20);
    w.begin(h, PayloadFormat.THRIFT_BINARY, Envelope.CALL, "Echo", 1);
    echoArgs.encode(args, out);
    w.finish();
    return out;
  }

  @Benchmark
  public Buffer ttheaderEchoWrite() throws Exception {
    return writeFrame();
  }

  @Benchmark
  public Object ttheaderEchoRead() throws Exception {
    Envelope e =
        new EnvelopeReader(new ByteArrayInputStream(frame), 16 << 20).read(Framing.TTHEADER);
    return echoArgs.decode(e.buffer(), e.bodyOffset(), e.bodyLength());
  }

  @Benchmark
  public Buffer thriftAllTypesWrite() throws Exception {
    Buffer b = new Buffer(Buffer.TYPICAL_FRAME);
    allTypes.encode(all, b);
    return b;
  }

  @Benchmark
  public AllTypes thriftAllTypesRead() {
    return allTypes.decode(allBytes, 0, allBytes.length);
  }

  @Benchmark
  public Buffer grpcFrameWrite() {
    Buffer g = new Buffer(Buffer.TYPICAL_FRAME);
    GrpcFrames.write(g, simpleRequest, proto, false, Integer.MAX_VALUE);
    return g;
  }

  @Benchmark
  public void grpcFrameRead(Blackhole bh) {
    new GrpcDeframer(4 << 20, null)
        .feed(
            grpcFrame, 0, grpcFrame.length, m -> bh.consume(simpleRequest.decode(m, 0, m.length)));
  }
}
