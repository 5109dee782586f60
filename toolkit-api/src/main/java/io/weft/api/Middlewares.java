package io.weft.api;

import java.util.function.Consumer;

/**
 * Ready-made {@link Middleware}: an access log and per-call events, for clients and servers alike.
 */
public final class Middlewares {
  private Middlewares() {}

  /**
   * What one call did, as {@link #events} reports it once the call ends.
   *
   * @param service the service called
   * @param method the method called
   * @param transport the transport it travelled on
   * @param status OK, or the code it failed with ({@code UNKNOWN} for a non-RPC exception, which
   *     includes a Thrift method's declared exception on the client)
   * @param nanos how long it took, from the middleware's start to its end
   * @param bytesSent message bytes this side sent (see {@link Traffic})
   * @param bytesReceived message bytes this side received
   * @param error what it failed with, or null
   */
  public record CallEvent(
      String service,
      String method,
      Transport transport,
      StatusCode status,
      long nanos,
      long bytesSent,
      long bytesReceived,
      Throwable error) {}

  /** Reports every call to {@code listener} when it ends (on the calling or handling thread). */
  public static Middleware events(Consumer<CallEvent> listener) {
    return events(inv -> {}, listener);
  }

  /**
   * Reports every call to {@code started} as it starts and to {@code ended} when it ends (on the
   * calling or handling thread). For a stream the client's events bracket opening it; the server's
   * bracket the whole stream.
   */
  public static Middleware events(Consumer<Invocation> started, Consumer<CallEvent> ended) {
    return next ->
        (inv, req) -> {
          started.accept(inv);
          long start = System.nanoTime();
          Throwable error = null;
          try {
            return next.call(inv, req);
          } catch (Exception | Error e) {
            error = e;
            throw e;
          } finally {
            StatusCode code =
                error == null
                    ? StatusCode.OK
                    : error instanceof RpcException r ? r.code() : StatusCode.UNKNOWN;
            ended.accept(
                new CallEvent(
                    inv.service(),
                    inv.method(),
                    inv.transport(),
                    code,
                    System.nanoTime() - start,
                    inv.traffic().bytesSent(),
                    inv.traffic().bytesReceived(),
                    error));
          }
        };
  }

  /**
   * One INFO line per call on the {@code System.Logger} named {@code io.weft.access}: {@code
   * service.method transport status microseconds bytes-in bytes-out [caller] [peer]}.
   */
  public static Middleware accessLog() {
    System.Logger log = System.getLogger("io.weft.access");
    return events(e -> {
      if (log.isLoggable(System.Logger.Level.INFO)) {
        CallContext ctx = CallContext.current();
        log.log(
            System.Logger.Level.INFO,
            e.service()
                + "."
                + e.method()
                + " "
                + e.transport()
                + " "
                + e.status()
                + " "
                + e.nanos() / 1000
                + "µs "
                + e.bytesReceived()
                + "B in "
                + e.bytesSent()
                + "B out"
                + (ctx.callerService().isEmpty() ? "" : " caller=" + ctx.callerService())
                + (ctx.peer().isEmpty() ? "" : " peer=" + ctx.peer()));
      }
    });
  }
}
