package io.weft.client.internal;

import io.weft.api.BizStatusException;
import io.weft.api.CallContext;
import io.weft.api.BidiStreamingClient;
import io.weft.api.CallOptions;
import io.weft.api.ClientStreamingClient;
import io.weft.api.ServerStreamingClient;
import io.weft.api.ClientConfig;
import io.weft.api.Deadline;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.RpcException;
import io.weft.api.Serialization;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.wire.BizStatus;
import io.weft.wire.Buffer;
import io.weft.wire.WireException;
import io.weft.wire.kitexpb.KitexProtobufError;
import io.weft.wire.thrift.ApplicationErrors;
import io.weft.wire.ttheader.Envelope;
import io.weft.wire.ttheader.EnvelopeWriter;
import io.weft.wire.ttheader.Framing;
import io.weft.wire.ttheader.IntKey;
import io.weft.wire.ttheader.PayloadFormat;
import io.weft.wire.ttheader.StrKey;
import io.weft.wire.ttheader.TTHeader;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;

/**
 * The client behind {@link io.weft.client.Client}: encodes a call for its transport, picks an
 * address round-robin, hands the frame to that address's {@link Endpoint}, and decodes the reply
 * or the error. Thread-safe.
 */
public final class RealClient {
  // The gRPC headers in which Kitex names caller and callee (its transmeta HTTP/2 keys).
  static final String KITEX_SOURCE_SERVICE = "source-service";
  static final String KITEX_SOURCE_METHOD = "source-method";
  static final String KITEX_DESTINATION_SERVICE = "destination-service";
  static final String KITEX_DESTINATION_METHOD = "destination-method";

  private final ClientConfig config;
  private final Framing framing;
  private final List<Endpoint> endpoints;
  private final List<HostPort> targets;
  private final List<GrpcEndpoint> grpcEndpoints;
  private final AtomicInteger nextEndpoint = new AtomicInteger();
  private final AtomicInteger nextSeq = new AtomicInteger();
  private volatile boolean closed;

  public RealClient(ClientConfig config) {
    this.config = config;
    this.framing = switch (config.transport()) {
      case TTHEADER, GRPC -> Framing.TTHEADER;
      case TTHEADER_FRAMED -> Framing.TTHEADER_FRAMED;
      case FRAMED -> Framing.FRAMED;
      case BUFFERED -> Framing.BUFFERED;
    };
    this.targets = config.hostPorts().stream().map(HostPort::parse).toList();
    Dialer dialer = new Dialer(config);
    this.endpoints = targets.stream()
        .map(hp -> config.muxConnections() > 0
            ? (Endpoint) new MuxEndpoint(hp, framing, config, dialer)
            : new PooledEndpoint(hp, framing, config, dialer))
        .toList();
    this.grpcEndpoints = targets.stream().map(hp -> new GrpcEndpoint(hp, config, dialer)).toList();
  }

  public ClientConfig config() {
    return config;
  }

  public <Req, Resp> Resp unary(MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    if (method.kind() != MethodKind.UNARY) {
      throw new IllegalArgumentException(method + " is not unary");
    }
    if (config.transport() == Transport.GRPC || method.grpcOnly()) {
      GrpcCall<Req, Resp> call = startGrpc(method, options, request, true);
      try {
        return call.single();
      } finally {
        options.responseCapture().ifPresent(c -> {
          c.headers().merge(call.headers());
          c.trailers().merge(call.trailers());
        });
      }
    }
    Envelope reply = call(method, request, options, false);
    if (reply.header() != null) {
      options.responseCapture().ifPresent(c -> reply.header().strInfo().forEach(c.headers()::add));
      BizStatusException biz;
      try {
        biz = BizStatus.read(reply.header().strInfo()::get, null);
      } catch (WireException e) {
        throw Status.of(StatusCode.INTERNAL, "reply to " + method.methodName() + ": " + e.getMessage()).asException();
      }
      if (biz != null) {
        throw biz;
      }
    }
    if (reply.messageType() == Envelope.EXCEPTION) {
      throw remoteError(reply);
    }
    if (reply.messageType() != Envelope.REPLY) {
      throw Status.of(StatusCode.INTERNAL, "reply to " + method.methodName() + " has message type " + reply.messageType()).asException();
    }
    return method.responseCodec().decode(reply.buffer(), reply.bodyOffset(), reply.bodyLength());
  }

  public <Req> void oneway(MethodDescriptor<Req, ?> method, Req request, CallOptions options) {
    if (method.kind() != MethodKind.ONEWAY) {
      throw new IllegalArgumentException(method + " is not oneway");
    }
    call(method, request, options, true);
  }

  public <Req, Resp> ServerStreamingClient<Resp> serverStreaming(MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    requireKind(method, MethodKind.SERVER_STREAMING);
    return startGrpc(method, options, request, true);
  }

  public <Req, Resp> ClientStreamingClient<Req, Resp> clientStreaming(MethodDescriptor<Req, Resp> method, CallOptions options) {
    requireKind(method, MethodKind.CLIENT_STREAMING);
    return startGrpc(method, options, null, false);
  }

  public <Req, Resp> BidiStreamingClient<Req, Resp> bidiStreaming(MethodDescriptor<Req, Resp> method, CallOptions options) {
    requireKind(method, MethodKind.BIDI_STREAMING);
    return startGrpc(method, options, null, false);
  }

  private static void requireKind(MethodDescriptor<?, ?> method, MethodKind kind) {
    if (method.kind() != kind) {
      throw new IllegalArgumentException(method + " is not " + kind);
    }
  }

  private <Req, Resp> GrpcCall<Req, Resp> startGrpc(MethodDescriptor<Req, Resp> method, CallOptions options, Req first, boolean hasFirst) {
    if (closed) {
      throw Status.of(StatusCode.UNAVAILABLE, "client is closed").asException();
    }
    CallContext caller = CallContext.current();
    Deadline deadline = options.effectiveDeadline(config.rpcTimeout(), caller.deadline().orElse(null));
    int i = Math.floorMod(nextEndpoint.getAndIncrement(), grpcEndpoints.size());
    io.weft.api.Metadata extra = new io.weft.api.Metadata();
    caller.metaInfo().forwardedWith(options.metaInfo()).toHttpHeaders(extra);
    if (!config.callerService().isEmpty()) {
      // what Kitex's HTTP/2 meta handler sends, so that a Kitex server knows its caller
      extra.add(KITEX_SOURCE_SERVICE, config.callerService());
      extra.add(KITEX_DESTINATION_SERVICE, config.destService());
      extra.add(KITEX_DESTINATION_METHOD, method.methodName());
      if (!caller.method().isEmpty()) {
        extra.add(KITEX_SOURCE_METHOD, caller.method());
      }
    }
    return GrpcCall.start(grpcEndpoints.get(i), targets.get(i).toString(), method, options, deadline, extra,
        config.maxMessageSize(), first, hasFirst);
  }

  private <Req> Envelope call(MethodDescriptor<Req, ?> method, Req request, CallOptions options, boolean oneway) {
    if (closed) {
      throw Status.of(StatusCode.UNAVAILABLE, "client is closed").asException();
    }
    CallContext caller = CallContext.current();
    Deadline deadline = options.effectiveDeadline(config.rpcTimeout(), caller.deadline().orElse(null));
    if (deadline != null && deadline.isExpired()) {
      throw Status.of(StatusCode.DEADLINE_EXCEEDED, "deadline passed before " + method.methodName() + " was sent").asException();
    }
    int seqId = nextSeq.incrementAndGet();
    Buffer frame = encode(method, request, options, oneway, seqId, deadline, caller);
    Endpoint endpoint = endpoints.get(Math.floorMod(nextEndpoint.getAndIncrement(), endpoints.size()));
    return endpoint.exchange(frame, seqId, deadline, oneway);
  }

  private <Req> Buffer encode(
      MethodDescriptor<Req, ?> method, Req request, CallOptions options, boolean oneway, int seqId, Deadline deadline, CallContext caller) {
    PayloadFormat format = method.serialization() == Serialization.PROTOBUF ? PayloadFormat.KITEX_PROTOBUF : PayloadFormat.THRIFT_BINARY;
    if (format == PayloadFormat.KITEX_PROTOBUF && framing == Framing.BUFFERED) {
      throw new IllegalArgumentException("Protobuf methods need TTHeader, Framed or gRPC, not unframed Thrift");
    }
    int messageType = oneway ? Envelope.ONEWAY : Envelope.CALL;
    TTHeader header = null;
    if (framing.hasHeader()) {
      header = new TTHeader();
      options.metadata().forEach(header.strInfo()::put);
      caller.metaInfo().forwardedWith(options.metaInfo()).toTTHeader(header.strInfo());
      header.strInfo().put(StrKey.IDL_SERVICE_NAME, method.serviceName());
      var ints = header.intInfo();
      ints.put(IntKey.FROM_SERVICE, config.callerService());
      ints.put(IntKey.FROM_METHOD, caller.method());
      ints.put(IntKey.TO_SERVICE, config.destService());
      ints.put(IntKey.TO_METHOD, method.methodName());
      ints.put(IntKey.MSG_TYPE, Integer.toString(messageType));
      ints.put(IntKey.TRANSPORT_TYPE, framing == Framing.TTHEADER_FRAMED || format == PayloadFormat.KITEX_PROTOBUF ? "framed" : "unframed");
      if (deadline != null) {
        ints.put(IntKey.RPC_TIMEOUT, Long.toString(Math.max(1, deadline.remainingMillis())));
      }
    }
    Buffer out = new Buffer(Buffer.TYPICAL_FRAME);
    EnvelopeWriter w = new EnvelopeWriter(out, framing, config.maxFrameSize());
    w.begin(header, format, messageType, method.methodName(), seqId);
    try {
      method.requestCodec().encode(request, out);
      w.finish();
    } catch (IOException e) {
      throw Status.of(StatusCode.INTERNAL, "cannot encode the request of " + method.methodName() + ": " + e.getMessage())
          .withCause(e).asException();
    } catch (WireException e) {
      throw Status.of(StatusCode.RESOURCE_EXHAUSTED, "request of " + method.methodName() + ": " + e.getMessage()).asException();
    }
    return out;
  }

  private static RpcException remoteError(Envelope reply) {
    try {
      if (reply.format() == PayloadFormat.KITEX_PROTOBUF) {
        KitexProtobufError e = KitexProtobufError.decode(reply.buffer(), reply.bodyOffset(), reply.bodyLength());
        return ApplicationErrors.toStatus(new TApplicationException(e.typeId(), e.message())).asException();
      }
      TApplicationException e = ApplicationErrors.decode(reply.buffer(), reply.bodyOffset(), reply.bodyLength());
      return ApplicationErrors.toStatus(e).asException();
    } catch (TException | WireException e) {
      return Status.of(StatusCode.INTERNAL, "malformed error reply to " + reply.name() + ": " + e.getMessage()).asException();
    }
  }

  public void close() {
    closed = true;
    for (Endpoint e : endpoints) {
      e.close();
    }
    for (GrpcEndpoint e : grpcEndpoints) {
      e.close();
    }
  }

  /** The transport this client frames calls with. */
  public Transport transport() {
    return config.transport();
  }
}
