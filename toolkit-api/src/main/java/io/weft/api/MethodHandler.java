package io.weft.api;

/**
 * How a method is served: one of {@link UnaryHandler} (unary and oneway), {@link
 * ServerStreamingHandler}, {@link ClientStreamingHandler} or {@link BidiStreamingHandler}, matching
 * the method's {@link MethodKind}. Each runs on the call's own virtual thread.
 */
public sealed interface MethodHandler<Req, Resp>
    permits UnaryHandler, ServerStreamingHandler, ClientStreamingHandler, BidiStreamingHandler {}
