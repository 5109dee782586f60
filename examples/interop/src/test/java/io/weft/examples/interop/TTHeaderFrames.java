package io.weft.examples.interop;

import interop.thrift.Request;
import interop.thrift.echoservice.EchoServiceDescriptor;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeWriter;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.PayloadFormat;
import io.weft.internal.wire.ttheader.StrKey;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.runtime.ThriftCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Raw TTHeader request frames, for tests that drive a server with a socket of their own. */
final class TTHeaderFrames {
  private TTHeaderFrames() {}

  /**
   * Appends a TTHeader + Thrift Binary CALL of interop.thrift's Echo(Request{msg}) with sequence id
   * {@code seq}.
   */
  static void echo(Buffer out, String msg, int seq) {
    TTHeader h = new TTHeader();
    h.strInfo().put(StrKey.IDL_SERVICE_NAME, "EchoService");
    EnvelopeWriter w = new EnvelopeWriter(out, Framing.TTHEADER, 16 << 20);
    w.begin(h, PayloadFormat.THRIFT_BINARY, Envelope.CALL, "Echo", seq);
    try {
      ThriftCodec.of(EchoServiceDescriptor.EchoArgs::new)
          .encode(new EchoServiceDescriptor.EchoArgs().setReq(new Request().setMsg(msg)), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    w.finish();
  }
}
