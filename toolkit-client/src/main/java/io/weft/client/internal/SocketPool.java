package io.weft.client.internal;

import io.weft.api.Deadline;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.ttheader.Envelope;

/**
 * The TTHeader, Framed or unframed Thrift connections of one address, in one of two modes: {@link
 * ExclusivePool} (one call per connection at a time) or {@link MuxPool} (many calls per
 * connection). Part of the address's {@link AddressPool}.
 */
sealed interface SocketPool extends AutoCloseable permits ExclusivePool, MuxPool {
  /**
   * Writes {@code request} and, unless {@code oneway}, blocks for the reply with sequence id {@code
   * seqId}.
   *
   * @return the reply, or null for oneway
   * @throws io.weft.api.RpcException on any failure: {@code DEADLINE_EXCEEDED}, {@code
   *     UNAVAILABLE}, {@code CANCELLED}
   */
  Envelope exchange(Buffer request, int seqId, Deadline deadline, boolean oneway);

  @Override
  void close();
}
