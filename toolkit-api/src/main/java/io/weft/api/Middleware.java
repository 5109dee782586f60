package io.weft.api;

import java.util.List;

/**
 * Code around every call (Kitex's {@code endpoint.Middleware}): it gets the next {@link Endpoint}
 * and returns one that does its own work before and after calling it, or instead of calling it. On
 * a client the innermost endpoint sends the call; on a server it runs the handler. Middlewares run
 * in the order they were added, the first outermost, on the calling (client) or handling (server)
 * thread, so {@link CallContext#current()} works inside them.
 *
 * <pre>{@code
 * Middleware timing = next -> (inv, req) -> {
 *   long t = System.nanoTime();
 *   try { return next.call(inv, req); }
 *   finally { log(inv.method() + " took " + (System.nanoTime() - t) / 1000 + " µs"); }
 * };
 * }</pre>
 *
 * <p>As in Kitex, a Thrift method's request and response are its generated args and result structs
 * (a declared exception travels inside the result); a protobuf method's are its messages. Streaming
 * calls are wrapped too: on a client the chain runs around opening the stream (the request is the
 * first message of a server-streaming call, else null; the response is the stream object); on a
 * server around the whole handler (the request is null, the response null).
 */
@FunctionalInterface
public interface Middleware {
  Endpoint wrap(Endpoint next);

  /** {@code terminal} wrapped by {@code chain}, the first middleware outermost. */
  static Endpoint chain(List<Middleware> chain, Endpoint terminal) {
    Endpoint e = terminal;
    for (int i = chain.size() - 1; i >= 0; i--) {
      e = chain.get(i).wrap(e);
    }
    return e;
  }
}
