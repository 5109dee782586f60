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
import io.weft.internal.wire.BizStatus;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import io.weft.internal.wire.kitexpb.KitexProtobufError;
import io.weft.internal.wire.thrift.ApplicationErrors;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeWriter;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.IntKey;
import io.weft.internal.wire.ttheader.PayloadFormat;
import io.weft.internal.wire.ttheader.StrKey;
import io.weft.internal.wire.ttheader.TTHeader;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
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
  private final Dialer dialer;
  private final Balancer balancer;
  private final Map<HostPort, Endpoint> endpoints = new ConcurrentHashMap<>();
  private final Map<HostPort, GrpcEndpoint> grpcEndpoints = new ConcurrentHashMap<>();
  private final RetryBudget budget;
  private final AtomicInteger nextSeq = new AtomicInteger();
  private final LongAdder calls = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder backups = new LongAdder();
  private volatile boolean closed;

  public RealClient(ClientConfig config) {
    this.config = config;
    this.framing = switch (config.transport()) {
      case TTHEADER, GRPC -> Framing.TTHEADER;
      case TTHEADER_FRAMED -> Framing.TTHEADER_FRAMED;
      case FRAMED -> Framing.FRAMED;
      case BUFFERED -> Framing.BUFFERED;
    };
    this.dialer = new Dialer(config);
    this.balancer = new Balancer(config);
    this.budget = config.retry() == null ? null : new RetryBudget(config.retry().budgetRatio());
  }

  private Endpoint endpoint(HostPort hp) {
    return endpoints.computeIfAbsent(hp, k -> config.muxConnections() > 0
        ? new MuxEndpoint(k, framing, config, dialer)
        : new PooledEndpoint(k, framing, config, dialer));
  }

  private GrpcEndpoint grpcEndpoint(HostPort hp) {
    return grpcEndpoints.computeIfAbsent(hp, k -> new GrpcEndpoint(k, config, dialer));
  }

  /** Calls made, retries sent and backup requests sent so far. */
  public long[] stats() {
    return new long[] {calls.sum(), retries.sum(), backups.sum()};
  }

  public ClientConfig config() {
    return config;
  }

  public <Req, Resp> Resp unary(MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    if (method.kind() != MethodKind.UNARY) {
      throw new IllegalArgumentException(method + " is not unary");
    }
    calls.increment();
    if (config.middlewares().isEmpty()) {
      return UnsentException.plain(() -> routed(method, request, options, null));
    }
    return throughMiddleware(method, request, options,
        (inv, req) -> UnsentException.plain(() -> routed(method, cast(req), withMetadata(options, inv), inv.traffic())));
  }

  public <Req> void oneway(MethodDescriptor<Req, ?> method, Req request, CallOptions options) {
    if (method.kind() != MethodKind.ONEWAY) {
      throw new IllegalArgumentException(method + " is not oneway");
    }
    calls.increment();
    if (config.middlewares().isEmpty()) {
      UnsentException.plain(() -> attempt(method, request, options, null, true, null));
      return;
    }
    throughMiddleware(method, request, options,
        (inv, req) -> UnsentException.plain(() -> attempt(method, cast(req), withMetadata(options, inv), null, true, inv.traffic())));
  }

  // the caller names the type: the middleware chain returns Object, and its terminal made the value
  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
  private <Resp> Resp throughMiddleware(MethodDescriptor<?, ?> method, Object request, CallOptions options, io.weft.api.Endpoint terminal) {
    io.weft.api.Invocation inv = new io.weft.api.Invocation(method.serviceName(), method.methodName(), method.kind(),
        method.grpcOnly() ? Transport.GRPC : config.transport(), options.metadata().copy());
    try {
      return (Resp) io.weft.api.Middleware.chain(config.middlewares(), terminal).call(inv, request);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw Status.of(StatusCode.INTERNAL, "middleware of " + method.methodName() + " threw " + e).withCause(e).asException();
    }
  }

  // the caller names the type: the middleware chain returns Object, and its terminal made the value
  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
  private static <T> T cast(Object o) {
    return (T) o;
  }

  /** {@code options} with the metadata as the middleware left it. */
  private static CallOptions withMetadata(CallOptions options, io.weft.api.Invocation inv) {
    return inv.metadata().equals(options.metadata()) ? options : options.withMetadata(inv.metadata());
  }

  /** A unary call with the retry policy: failure retries on other instances, backup requests. */
  private <Req, Resp> Resp routed(MethodDescriptor<Req, Resp> method, Req request, CallOptions options, io.weft.api.Traffic traffic) {
    io.weft.api.RetryPolicy policy = config.retry();
    if (policy == null) {
      return attempt(method, request, options, null, false, traffic);
    }
    if (policy.backupDelay() != null) {
      return withBackup(method, request, options, policy, traffic);
    }
    java.util.Set<HostPort> tried = new java.util.HashSet<>();
    budget.call();
    for (int retry = 0; ; retry++) {
      try {
        return attempt(method, request, options, tried, false, traffic);
      } catch (UnsentException e) {
        if (retry >= policy.maxRetries() || !budget.tryRetry()) {
          throw e;
        }
        CallContext caller = CallContext.current();
        Deadline deadline = options.effectiveDeadline(config.rpcTimeout(), caller.deadline().orElse(null));
        long backoff = backoffNanos(policy, retry);
        if (deadline != null && deadline.remainingNanos() <= backoff) {
          throw e;
        }
        retries.increment();
        if (backoff > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(backoff);
        }
      }
    }
  }

  /** Full jitter over an exponential backoff: uniform in [0, min(max, initial * 2^retry)]. */
  private static long backoffNanos(io.weft.api.RetryPolicy p, int retry) {
    long cap = Math.min(p.maxBackoff().toNanos(), p.initialBackoff().toNanos() << Math.min(retry, 20));
    return cap <= 0 ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextLong(cap + 1);
  }

  /** Sends the call; after the policy's delay without an answer, sends it again elsewhere; the first answer wins. */
  private <Req, Resp> Resp withBackup(MethodDescriptor<Req, Resp> method, Req request, CallOptions options, io.weft.api.RetryPolicy policy,
      io.weft.api.Traffic traffic) {
    budget.call();
    java.util.concurrent.CompletableFuture<Resp> answer = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger(1);
    java.util.Set<HostPort> tried = java.util.concurrent.ConcurrentHashMap.newKeySet();
    CallContext caller = CallContext.current();
    Runnable send = () -> {
      try (var ignored = io.weft.internal.api.Contexts.attach(caller)) {
        answer.complete(attempt(method, request, options, tried, false, traffic));
      } catch (RuntimeException e) {
        if (pending.decrementAndGet() == 0) {
          answer.completeExceptionally(e);
        }
      }
    };
    Thread.ofVirtual().name("weft-call " + method.methodName()).start(send);
    try {
      return answer.get(policy.backupDelay().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException slow) {
      if (budget.tryRetry()) {
        backups.increment();
        pending.incrementAndGet();
        Thread.ofVirtual().name("weft-backup " + method.methodName()).start(send);
      }
      return awaitAnswer(answer);
    } catch (java.util.concurrent.ExecutionException | InterruptedException e) {
      return awaitAnswer(answer);
    }
  }

  private static <Resp> Resp awaitAnswer(java.util.concurrent.CompletableFuture<Resp> answer) {
    try {
      return answer.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw (RuntimeException) e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.of(StatusCode.CANCELLED, "interrupted while waiting for the answer").asException();
    }
  }

  /**
   * One attempt on one instance, not one of {@code tried} when there is another; an instance
   * that fails before the call got out is ejected for a while and added to {@code tried} (when
   * the caller passed one: null when it does not retry).
   */
  private <Req, Resp> Resp attempt(MethodDescriptor<Req, Resp> method, Req request, CallOptions options, java.util.Set<HostPort> tried,
      boolean oneway, io.weft.api.Traffic traffic) {
    HostPort target = balancer.pick(options.hashKey().orElse(null), tried == null ? java.util.Set.of() : tried);
    try {
      Resp r = null;
      if (oneway) {
        call(method, request, options, true, target, traffic);
      } else {
        r = oneAttempt(method, request, options, target, traffic);
      }
      balancer.succeeded(target);
      return r;
    } catch (UnsentException e) {
      balancer.failed(target);
      if (tried != null) {
        tried.add(target);
      }
      throw e;
    }
  }

  private <Req, Resp> Resp oneAttempt(MethodDescriptor<Req, Resp> method, Req request, CallOptions options, HostPort target,
      io.weft.api.Traffic traffic) {
    if (config.transport() == Transport.GRPC || method.grpcOnly()) {
      for (int attempt = 0; ; attempt++) {
        GrpcCall<Req, Resp> call = startGrpc(method, options, request, true, target, traffic);
        try {
          return call.single();
        } catch (UnsentException e) {
          // the server refused the stream unprocessed (GOAWAY past it, REFUSED_STREAM): once, as
          // grpc-java's transparent retry, whatever the retry policy; a server closing an idle
          // connection races new calls this way
          if (attempt > 0 || !call.wasRefused()) {
            throw e;
          }
        } finally {
          options.responseCapture().ifPresent(c -> {
            c.headers().merge(call.headers());
            c.trailers().merge(call.trailers());
          });
        }
      }
    }
    Envelope reply = call(method, request, options, false, target, traffic);
    if (traffic != null) {
      traffic.addReceived(reply.buffer().length);
    }
    if (reply.header() != null) {
      options.responseCapture().ifPresent(c -> reply.header().strInfo().forEach((k, v) -> {
        if (!k.isEmpty()) { // a key Kitex's decoder accepts and no metadata can name
          c.headers().add(k, v);
        }
      }));
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

  public <Req, Resp> ServerStreamingClient<Resp> serverStreaming(MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    requireKind(method, MethodKind.SERVER_STREAMING);
    return openStream(method, options, request, true);
  }

  public <Req, Resp> ClientStreamingClient<Req, Resp> clientStreaming(MethodDescriptor<Req, Resp> method, CallOptions options) {
    requireKind(method, MethodKind.CLIENT_STREAMING);
    return openStream(method, options, null, false);
  }

  public <Req, Resp> BidiStreamingClient<Req, Resp> bidiStreaming(MethodDescriptor<Req, Resp> method, CallOptions options) {
    requireKind(method, MethodKind.BIDI_STREAMING);
    return openStream(method, options, null, false);
  }

  /**
   * Opens a stream, through the middleware when there is any: it sees the opening, and the
   * response is the stream, which a middleware may wrap in its own object of the method's stream
   * interface ({@code S}: a tracing middleware ends its span when the stream ends).
   */
  @SuppressWarnings("TypeParameterUnusedInFormals") // S is the method's stream interface, which the caller names
  private <Req, Resp, S> S openStream(MethodDescriptor<Req, Resp> method, CallOptions options, Req first, boolean hasFirst) {
    calls.increment();
    if (config.middlewares().isEmpty()) {
      return cast(UnsentException.plain(
          () -> startGrpc(method, options, first, hasFirst, balancer.pick(options.hashKey().orElse(null), java.util.Set.of()), null)));
    }
    return throughMiddleware(method, first, options, (inv, req) -> UnsentException.plain(() -> startGrpc(method,
        withMetadata(options, inv), cast(req), hasFirst, balancer.pick(options.hashKey().orElse(null), java.util.Set.of()), inv.traffic())));
  }

  private static void requireKind(MethodDescriptor<?, ?> method, MethodKind kind) {
    if (method.kind() != kind) {
      throw new IllegalArgumentException(method + " is not " + kind);
    }
  }

  private <Req, Resp> GrpcCall<Req, Resp> startGrpc(MethodDescriptor<Req, Resp> method, CallOptions options, Req first, boolean hasFirst,
      HostPort target, io.weft.api.Traffic traffic) {
    if (closed) {
      throw Status.of(StatusCode.UNAVAILABLE, "client is closed").asException();
    }
    CallContext caller = CallContext.current();
    Deadline deadline = options.effectiveDeadline(config.rpcTimeout(), caller.deadline().orElse(null));
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
    return GrpcCall.start(grpcEndpoint(target), target.toString(), method, options, deadline, extra,
        config.maxMessageSize(), first, hasFirst, traffic);
  }

  private <Req> Envelope call(MethodDescriptor<Req, ?> method, Req request, CallOptions options, boolean oneway, HostPort target,
      io.weft.api.Traffic traffic) {
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
    if (traffic != null) {
      traffic.addSent(frame.size());
    }
    return endpoint(target).exchange(frame, seqId, deadline, oneway);
  }

  private <Req> Buffer encode(
      MethodDescriptor<Req, ?> method, Req request, CallOptions options, boolean oneway, int seqId, Deadline deadline, CallContext caller) {
    PayloadFormat format = method.serialization() == Serialization.PROTOBUF ? PayloadFormat.KITEX_PROTOBUF : PayloadFormat.THRIFT_BINARY;
    if (format == PayloadFormat.KITEX_PROTOBUF && framing == Framing.BUFFERED) {
      throw Status.of(StatusCode.UNIMPLEMENTED,
          method.methodName() + " is a Protobuf method: call it over TTHeader, Framed or gRPC, not BUFFERED (unframed Thrift)").asException();
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
    for (Endpoint e : endpoints.values()) {
      e.close();
    }
    for (GrpcEndpoint e : grpcEndpoints.values()) {
      e.close();
    }
  }

  /** The transport this client frames calls with. */
  public Transport transport() {
    return config.transport();
  }
}
