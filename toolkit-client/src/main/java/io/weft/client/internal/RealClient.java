package io.weft.client.internal;

import io.weft.api.BidiStreamingClient;
import io.weft.api.CallOptions;
import io.weft.api.ClientConfig;
import io.weft.api.ClientStreamingClient;
import io.weft.api.Endpoint;
import io.weft.api.Invocation;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.Middleware;
import io.weft.api.ServerStreamingClient;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Traffic;
import io.weft.api.Transport;
import io.weft.internal.wire.ttheader.Framing;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The client behind {@link io.weft.api.Client}: a coordinator that sends every call through one
 * chain ({@link #buildChain}): the user's middleware, then retries and backup requests, then
 * balancing, then the transport ({@link Transports}). Thread-safe.
 */
public final class RealClient {
  private final ClientConfig config;
  private final List<Middleware> middlewares;
  private final RetryMiddleware retry;
  private final Transports transports;

  /** The built-in stages, built once: every call enters them with its {@link ClientCall}. */
  private final Endpoint builtIn;

  private final LongAdder calls = new LongAdder();

  public RealClient(ClientConfig config) {
    this.config = config;
    this.middlewares = List.copyOf(config.middlewares());
    Framing framing =
        switch (config.transport()) {
          case TTHEADER, GRPC, TTHEADER_STREAMING -> Framing.TTHEADER;
          case TTHEADER_FRAMED -> Framing.TTHEADER_FRAMED;
          case FRAMED -> Framing.FRAMED;
          case BUFFERED -> Framing.BUFFERED;
        };
    this.transports = new Transports(config, new AddressPools(framing, config, new Dialer(config)));
    this.retry =
        config.retry() == null ? null : new RetryMiddleware(config.retry(), config.rpcTimeout());
    this.builtIn = buildChain(retry, new BalancingMiddleware(new Balancer(config)), transports);
  }

  /**
   * The client's chain, in its one order, outermost first:
   *
   * <ol>
   *   <li>the user's middleware ({@code ClientConfig.middlewares()}), once per call: it sees the
   *       call as the caller made it, whatever happens below ({@link #invoke} runs it, since its
   *       innermost endpoint is the call's own {@link ClientCall});
   *   <li>retries and backup requests ({@link RetryMiddleware}, with a retry policy), so that each
   *       attempt is balanced anew and can avoid the instances that failed;
   *   <li>balancing ({@link BalancingMiddleware}): one instance per attempt;
   *   <li>the transport ({@link Transports}).
   * </ol>
   *
   * <p>Kitex (client/client.go, {@code Call} and {@code initMiddlewares}) puts its retry container
   * outside every middleware, so that each attempt runs the user's middleware again, and its
   * resolve (balancing) middleware after the user's. Weft keeps balancing after the user's
   * middleware as Kitex does, but runs retries inside the user's middleware, as it always has: a
   * middleware sees one logical call (one span, one timing, one {@code Traffic}) however many
   * attempts it took, and {@code ClientStats} counts calls and retries apart.
   */
  private static Endpoint buildChain(
      RetryMiddleware retry, BalancingMiddleware balancing, Transports transport) {
    List<Middleware> builtIn = new ArrayList<>(2);
    if (retry != null) {
      builtIn.add(retry);
    }
    builtIn.add(balancing);
    return Middleware.chain(builtIn, transport);
  }

  /**
   * Runs {@code call} through the chain: straight into the built-in stages when the client has no
   * middleware (no {@link Invocation} is made then: the stages read the call itself), else through
   * the user's middleware first.
   */
  private Object invoke(ClientCall call) {
    MethodDescriptor<Object, Object> method = call.method;
    try {
      if (middlewares.isEmpty()) {
        return builtIn.call(null, call);
      }
      Invocation inv =
          new Invocation(
              method.serviceName(),
              method.fullServiceName(),
              method.methodName(),
              method.kind(),
              transportOf(method),
              call.options.metadata().copy(),
              new Traffic());
      return Middleware.chain(middlewares, call).call(inv, call.request);
    } catch (UnsentException e) {
      throw e.plain();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw Status.of(StatusCode.INTERNAL, "middleware of " + method.methodName() + " threw " + e)
          .withCause(e)
          .asException();
    }
  }

  /** The transport a call of {@code method} uses, as the middleware sees it. */
  private Transport transportOf(MethodDescriptor<?, ?> method) {
    if (method.kind().isStreaming() && transports.usesTTStream(method)) {
      return Transport.TTHEADER_STREAMING;
    }
    if (config.transport() == Transport.TTHEADER_STREAMING) {
      return method.grpcOnly() ? Transport.GRPC : Transport.TTHEADER;
    }
    return method.grpcOnly() ? Transport.GRPC : config.transport();
  }

  // the caller names the type: the chain returns Object, and its innermost stage made the value
  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
  private static <T> T cast(Object o) {
    return (T) o;
  }

  /** Calls made, retries sent and backup requests sent so far. */
  public long[] stats() {
    return new long[] {
      calls.sum(), retry == null ? 0 : retry.retries(), retry == null ? 0 : retry.backups()
    };
  }

  public ClientConfig config() {
    return config;
  }

  public <Req, Resp> Resp unary(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    if (method.kind() != MethodKind.UNARY) {
      throw new IllegalArgumentException(method + " is not unary");
    }
    calls.increment();
    return cast(
        invoke(new ClientCall(method, ClientCall.Shape.UNARY, true, request, options, builtIn)));
  }

  public <Req> void oneway(MethodDescriptor<Req, ?> method, Req request, CallOptions options) {
    if (method.kind() != MethodKind.ONEWAY) {
      throw new IllegalArgumentException(method + " is not oneway");
    }
    calls.increment();
    invoke(new ClientCall(method, ClientCall.Shape.ONEWAY, true, request, options, builtIn));
  }

  public <Req, Resp> ServerStreamingClient<Resp> serverStreaming(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    requireKind(method, MethodKind.SERVER_STREAMING);
    return openStream(method, options, request, true);
  }

  public <Req, Resp> ClientStreamingClient<Req, Resp> clientStreaming(
      MethodDescriptor<Req, Resp> method, CallOptions options) {
    requireKind(method, MethodKind.CLIENT_STREAMING);
    return openStream(method, options, null, false);
  }

  public <Req, Resp> BidiStreamingClient<Req, Resp> bidiStreaming(
      MethodDescriptor<Req, Resp> method, CallOptions options) {
    requireKind(method, MethodKind.BIDI_STREAMING);
    return openStream(method, options, null, false);
  }

  /**
   * Opens a stream through the chain: the middleware sees the opening, and the response is the
   * stream, which a middleware may wrap in its own object of the method's stream interface ({@code
   * S}: a tracing middleware ends its span when the stream ends).
   */
  @SuppressWarnings(
      "TypeParameterUnusedInFormals") // S is the method's stream interface, which the caller names
  private <S> S openStream(
      MethodDescriptor<?, ?> method, CallOptions options, Object first, boolean hasFirst) {
    calls.increment();
    return cast(
        invoke(new ClientCall(method, ClientCall.Shape.STREAM, hasFirst, first, options, builtIn)));
  }

  private static void requireKind(MethodDescriptor<?, ?> method, MethodKind kind) {
    if (method.kind() != kind) {
      throw new IllegalArgumentException(method + " is not " + kind);
    }
  }

  public void close() {
    transports.close();
  }

  /** The transport this client frames calls with. */
  public Transport transport() {
    return config.transport();
  }
}
