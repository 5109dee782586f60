package io.weft.server.internal;

import io.weft.api.BizStatusException;
import io.weft.api.Deadline;
import io.weft.api.Metadata;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.RpcException;
import io.weft.api.Serialization;
import io.weft.api.ServiceDefinition.MethodDefinition;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.api.UnaryHandler;
import io.weft.internal.api.Contexts;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.kitexpb.KitexProtobufError;
import io.weft.internal.wire.thrift.ApplicationErrors;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeWriter;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.PayloadFormat;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.internal.wire.ttheader.TTHeaderCallMeta;
import org.apache.thrift.TApplicationException;

/**
 * One request read from a {@link SocketConnection}, served on its own virtual thread: find the
 * method, decode the request, run the handler inside its {@link io.weft.api.CallContext}, encode
 * and write the reply (none for oneway). Every failure becomes an EXCEPTION reply, never a hung
 * caller.
 */
final class SocketCall implements Runnable {
  private static final System.Logger LOG = System.getLogger(SocketCall.class.getName());

  private final SocketConnection conn;
  private final CallServices services;
  private final Envelope request;

  SocketCall(SocketConnection conn, CallServices services, Envelope request) {
    this.conn = conn;
    this.services = services;
    this.request = request;
  }

  @Override
  public void run() {
    try {
      serve();
    } catch (Throwable t) {
      LOG.log(
          System.Logger.Level.ERROR,
          "unexpected failure serving " + request.name() + " from " + conn.peer(),
          t);
    } finally {
      conn.callFinished();
    }
  }

  /**
   * Answers without running the handler: the server's limits refused the call (oneway calls are
   * dropped).
   */
  void refuse(String why) {
    LOG.log(
        System.Logger.Level.DEBUG,
        "refused " + request.name() + " from " + conn.peer() + ": " + why);
    if (request.messageType() == Envelope.CALL) {
      replyError(ApplicationErrors.fromStatus(Status.of(StatusCode.RESOURCE_EXHAUSTED, why)), null);
    }
  }

  private void serve() {
    boolean oneway = request.messageType() == Envelope.ONEWAY;
    if (request.messageType() != Envelope.CALL && !oneway) {
      replyError(
          new TApplicationException(
              TApplicationException.INVALID_MESSAGE_TYPE,
              "message type " + request.messageType() + " is not a request"),
          null);
      return;
    }
    MethodDefinition<?, ?> method =
        services.registry().lookup(TTHeaderCallMeta.idlService(request.header()), request.name());
    if (method == null) {
      if (!oneway) {
        replyError(
            new TApplicationException(
                TApplicationException.UNKNOWN_METHOD, "unknown method " + request.name()),
            null);
      } else {
        LOG.log(
            System.Logger.Level.DEBUG,
            "oneway call of unknown method " + request.name() + " from " + conn.peer());
      }
      return;
    }
    Serialization expected =
        request.format() == PayloadFormat.KITEX_PROTOBUF
            ? Serialization.PROTOBUF
            : Serialization.THRIFT;
    if (method.descriptor().serialization() != expected) {
      replyError(
          new TApplicationException(
              TApplicationException.INVALID_PROTOCOL,
              request.name()
                  + " takes "
                  + method.descriptor().serialization()
                  + " payloads, not "
                  + expected),
          null);
      return;
    }
    if (method.descriptor().grpcOnly()) {
      replyError(
          new TApplicationException(
              TApplicationException.UNSUPPORTED_CLIENT_TYPE,
              request.name() + " is a streaming method: call it over gRPC"),
          null);
      return;
    }
    oneway |= method.descriptor().kind() == MethodKind.ONEWAY;
    invoke(method, oneway);
  }

  @SuppressWarnings("unchecked")
  private <Req, Resp> void invoke(MethodDefinition<Req, Resp> method, boolean oneway) {
    MethodDescriptor<Req, Resp> descriptor = method.descriptor();
    ServerCallContext ctx;
    try {
      ctx = newContext(descriptor);
    } catch (RuntimeException e) {
      // headers Weft cannot represent: the caller gets an error, never silence
      LOG.log(
          System.Logger.Level.WARNING,
          "refused "
              + request.name()
              + " from "
              + conn.peer()
              + ": bad TTHeader headers: "
              + e.getMessage());
      if (!oneway) {
        replyError(
            new TApplicationException(
                TApplicationException.PROTOCOL_ERROR, "bad TTHeader headers: " + e.getMessage()),
            null);
      }
      return;
    }
    // the reply is written inside the middleware chain (so that it sees the bytes); once it is out,
    // nothing else may answer the same sequence id: Reply lets one answer through
    Reply<Resp> reply = new Reply<>(descriptor, ctx, oneway);
    try (Contexts.Scope ignored = Contexts.attach(ctx)) {
      Req req =
          descriptor
              .requestCodec()
              .decode(request.buffer(), request.bodyOffset(), request.bodyLength());
      services
          .invoker()
          .invokeUnary(
              descriptor,
              (UnaryHandler<Req, Resp>) method.handler(),
              req,
              ctx,
              null,
              request.buffer().length,
              reply);
    } catch (BizStatusException biz) {
      if (!oneway && reply.claim()) {
        replyBizStatus(biz, ctx);
      }
    } catch (Throwable t) {
      Status status = RpcException.statusOf(t);
      if (!(t instanceof RpcException)) {
        LOG.log(
            System.Logger.Level.WARNING,
            descriptor.serviceName() + "." + descriptor.methodName() + " handler threw",
            t);
      }
      if (!oneway && reply.claim()) {
        replyError(
            t instanceof NullResultException && request.format() != PayloadFormat.KITEX_PROTOBUF
                ? new TApplicationException(
                    TApplicationException.MISSING_RESULT, status.description().orElse(""))
                : ApplicationErrors.fromStatus(status),
            ctx);
      }
    }
  }

  /** The call's one answer: the response, encoded and written; nothing for oneway. */
  private final class Reply<Resp> extends UnaryReply<Resp> {
    private final MethodDescriptor<?, Resp> descriptor;
    private final ServerCallContext ctx;
    private final boolean oneway;

    Reply(MethodDescriptor<?, Resp> descriptor, ServerCallContext ctx, boolean oneway) {
      this.descriptor = descriptor;
      this.ctx = ctx;
      this.oneway = oneway;
    }

    @Override
    protected long write(Resp response) {
      return oneway ? 0 : writeReply(descriptor, response, ctx);
    }
  }

  /**
   * Encodes and writes the reply; returns its size in bytes (0 if it could not be encoded: an error
   * reply went instead).
   */
  private <Resp> long writeReply(
      MethodDescriptor<?, Resp> descriptor, Resp response, ServerCallContext ctx) {
    Buffer out = new Buffer(Buffer.TYPICAL_FRAME);
    EnvelopeWriter w = beginReply(out, Envelope.REPLY, ctx);
    try {
      descriptor.responseCodec().encode(response, out);
      w.finish();
    } catch (Exception e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "cannot encode the reply of " + descriptor.methodName() + ": " + e.getMessage());
      replyError(
          ApplicationErrors.fromStatus(
              Status.of(StatusCode.INTERNAL, "cannot encode reply: " + e.getMessage())),
          ctx);
      return 0;
    }
    conn.write(out);
    return out.size();
  }

  private ServerCallContext newContext(MethodDescriptor<?, ?> descriptor) {
    TTHeader header = request.header();
    Metadata metadata = TTHeaderCallMeta.metadata(header);
    Deadline deadline = TTHeaderCallMeta.deadline(header);
    String caller = TTHeaderCallMeta.caller(header);
    Transport transport =
        switch (request.framing()) {
          case TTHEADER -> Transport.TTHEADER;
          case TTHEADER_FRAMED -> Transport.TTHEADER_FRAMED;
          case FRAMED -> Transport.FRAMED;
          case BUFFERED -> Transport.BUFFERED;
        };
    return new ServerCallContext(
        descriptor.serviceName(),
        descriptor.methodName(),
        deadline,
        metadata,
        caller,
        conn.peer(),
        transport,
        conn::isClosed,
        () -> TTHeaderCallMeta.metaInfo(header));
  }

  /**
   * Answers a business status error as Kitex does: a normal reply with an empty result (so the
   * payload still decodes) and the status in the TTHeader string headers. Without a header there is
   * nowhere to put it, so the caller gets an internal error with the status in its message.
   */
  private void replyBizStatus(BizStatusException biz, ServerCallContext ctx) {
    if (!request.framing().hasHeader()) {
      replyError(
          ApplicationErrors.fromStatus(
              Status.of(
                  StatusCode.INTERNAL,
                  "business status "
                      + biz.code()
                      + ": "
                      + biz.getMessage()
                      + " (needs TTHeader to reach the caller as such)")),
          ctx);
      return;
    }
    TTHeaderCallMeta.putBizStatus(biz, ctx.responseTrailers());
    Buffer out = new Buffer(128);
    EnvelopeWriter w = beginReply(out, Envelope.REPLY, ctx);
    try {
      if (request.format() != PayloadFormat.KITEX_PROTOBUF) {
        out.writeByte(0); // a result struct with no field set: just its STOP
      }
      w.finish();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.ERROR, "cannot encode a business status reply: " + e);
      return;
    }
    conn.write(out);
  }

  /** Writes an EXCEPTION reply in the request's payload format. */
  private void replyError(TApplicationException error, ServerCallContext ctx) {
    Buffer out = new Buffer(128);
    EnvelopeWriter w = beginReply(out, Envelope.EXCEPTION, ctx);
    try {
      if (request.format() == PayloadFormat.KITEX_PROTOBUF) {
        new KitexProtobufError(
                error.getType(), error.getMessage() == null ? "" : error.getMessage())
            .encode(out);
      } else {
        ApplicationErrors.encode(error, out);
      }
      w.finish();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.ERROR, "cannot encode an error reply: " + e);
      return;
    }
    conn.write(out);
  }

  private EnvelopeWriter beginReply(Buffer out, int messageType, ServerCallContext ctx) {
    Framing framing = request.framing();
    TTHeader header = null;
    if (framing.hasHeader()) {
      header =
          TTHeaderCallMeta.reply(
              request.header(),
              ctx == null ? null : ctx.responseMetadataIfAny(),
              ctx == null ? null : ctx.responseTrailersIfAny(),
              conn.draining(),
              messageType);
    }
    return new EnvelopeWriter(out, framing, Integer.MAX_VALUE)
        .begin(header, request.format(), messageType, request.name(), request.seqId());
  }
}
