package io.weft.client.internal;

import io.weft.api.BizStatusException;
import io.weft.api.CallContext;
import io.weft.api.CallOptions;
import io.weft.api.ClientConfig;
import io.weft.api.Deadline;
import io.weft.api.MethodDescriptor;
import io.weft.api.RpcException;
import io.weft.api.Serialization;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Traffic;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import io.weft.internal.wire.kitexpb.KitexProtobufError;
import io.weft.internal.wire.thrift.ApplicationErrors;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeWriter;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.PayloadFormat;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.internal.wire.ttheader.TTHeaderCallMeta;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;

/**
 * Calls over the socket transports (TTHeader, TTHeader framed, Framed, unframed Thrift): encodes
 * the request envelope (its header through {@link TTHeaderCallMeta}), exchanges it on the
 * instance's {@link SocketPool}, and decodes the reply, the business status or the error.
 * Thread-safe.
 */
final class TTHeaderCalls {
  private final ClientConfig config;
  private final Framing framing;
  private final AtomicInteger nextSeq = new AtomicInteger();

  TTHeaderCalls(ClientConfig config, Framing framing) {
    this.config = config;
    this.framing = framing;
  }

  /** One unary attempt on {@code pool}: its response, or what the reply says went wrong. */
  <Req, Resp> Resp unary(
      SocketPool pool,
      MethodDescriptor<Req, Resp> method,
      Req request,
      CallOptions options,
      Traffic traffic) {
    Envelope reply = exchange(pool, method, request, options, false, traffic);
    if (traffic != null) {
      traffic.addReceived(reply.buffer().length);
    }
    TTHeader header = reply.header();
    if (header != null) {
      options.responseCapture().ifPresent(c -> TTHeaderCallMeta.copyStrInfo(header, c.headers()));
      BizStatusException biz;
      try {
        biz = TTHeaderCallMeta.bizStatus(header);
      } catch (WireException e) {
        throw Status.of(
                StatusCode.INTERNAL, "reply to " + method.methodName() + ": " + e.getMessage())
            .asException();
      }
      if (biz != null) {
        throw biz;
      }
    }
    if (reply.messageType() == Envelope.EXCEPTION) {
      throw remoteError(reply);
    }
    if (reply.messageType() != Envelope.REPLY) {
      throw Status.of(
              StatusCode.INTERNAL,
              "reply to " + method.methodName() + " has message type " + reply.messageType())
          .asException();
    }
    return method.responseCodec().decode(reply.buffer(), reply.bodyOffset(), reply.bodyLength());
  }

  /** Sends a oneway request on {@code pool}; returns once it is written. */
  <Req> void oneway(
      SocketPool pool,
      MethodDescriptor<Req, ?> method,
      Req request,
      CallOptions options,
      Traffic traffic) {
    exchange(pool, method, request, options, true, traffic);
  }

  private <Req> Envelope exchange(
      SocketPool pool,
      MethodDescriptor<Req, ?> method,
      Req request,
      CallOptions options,
      boolean oneway,
      Traffic traffic) {
    CallContext caller = CallContext.current();
    Deadline deadline =
        options.effectiveDeadline(config.rpcTimeout(), caller.deadline().orElse(null));
    if (deadline != null && deadline.isExpired()) {
      throw Status.of(
              StatusCode.DEADLINE_EXCEEDED,
              "deadline passed before " + method.methodName() + " was sent")
          .asException();
    }
    int seqId = nextSeq.incrementAndGet();
    Buffer frame = encode(method, request, options, oneway, seqId, deadline, caller);
    if (traffic != null) {
      traffic.addSent(frame.size());
    }
    return pool.exchange(frame, seqId, deadline, oneway);
  }

  private <Req> Buffer encode(
      MethodDescriptor<Req, ?> method,
      Req request,
      CallOptions options,
      boolean oneway,
      int seqId,
      Deadline deadline,
      CallContext caller) {
    PayloadFormat format =
        method.serialization() == Serialization.PROTOBUF
            ? PayloadFormat.KITEX_PROTOBUF
            : PayloadFormat.THRIFT_BINARY;
    if (format == PayloadFormat.KITEX_PROTOBUF && framing == Framing.BUFFERED) {
      throw Status.of(
              StatusCode.UNIMPLEMENTED,
              method.methodName()
                  + " is a Protobuf method: call it over TTHeader, Framed or gRPC, not BUFFERED (unframed Thrift)")
          .asException();
    }
    int messageType = oneway ? Envelope.ONEWAY : Envelope.CALL;
    TTHeader header = null;
    if (framing.hasHeader()) {
      header =
          TTHeaderCallMeta.request(
              options.metadata(),
              caller.metaInfo().forwardedWith(options.metaInfo()),
              method.serviceName(),
              config.callerService(),
              caller.method(),
              config.destService(),
              method.methodName(),
              messageType,
              framing == Framing.TTHEADER_FRAMED || format == PayloadFormat.KITEX_PROTOBUF,
              deadline);
      if (config.muxConnections() > 0) {
        // as Kitex's mux client: replies may come in any order, so the server may run the calls
        // of this connection at once (without the flag it serves them one at a time, in order)
        header.flags(TTHeader.FLAG_SUPPORT_OUT_OF_ORDER);
      }
    }
    Buffer out = new Buffer(Buffer.TYPICAL_FRAME);
    EnvelopeWriter w = new EnvelopeWriter(out, framing, config.maxFrameSize());
    w.begin(header, format, messageType, method.methodName(), seqId);
    try {
      method.requestCodec().encode(request, out);
      w.finish();
    } catch (IOException e) {
      throw Status.of(
              StatusCode.INTERNAL,
              "cannot encode the request of " + method.methodName() + ": " + e.getMessage())
          .withCause(e)
          .asException();
    } catch (WireException e) {
      throw Status.of(
              StatusCode.RESOURCE_EXHAUSTED,
              "request of " + method.methodName() + ": " + e.getMessage())
          .asException();
    }
    return out;
  }

  private static RpcException remoteError(Envelope reply) {
    try {
      if (reply.format() == PayloadFormat.KITEX_PROTOBUF) {
        KitexProtobufError e =
            KitexProtobufError.decode(reply.buffer(), reply.bodyOffset(), reply.bodyLength());
        return ApplicationErrors.toStatus(new TApplicationException(e.typeId(), e.message()))
            .asException();
      }
      TApplicationException e =
          ApplicationErrors.decode(reply.buffer(), reply.bodyOffset(), reply.bodyLength());
      return ApplicationErrors.toStatus(e).asException();
    } catch (TException | WireException e) {
      return Status.of(
              StatusCode.INTERNAL,
              "malformed error reply to " + reply.name() + ": " + e.getMessage())
          .asException();
    }
  }
}
