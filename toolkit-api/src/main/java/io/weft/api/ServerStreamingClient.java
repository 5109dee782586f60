package io.weft.api;

/**
 * The caller's side of a server-streaming call: {@code recv()} responses until null, or iterate.
 */
public interface ServerStreamingClient<Resp> extends StreamReader<Resp>, ClientStream {}
