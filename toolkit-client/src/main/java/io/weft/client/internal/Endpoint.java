package io.weft.client.internal;

import io.weft.api.Deadline;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.ttheader.Envelope;

/** The connections of one address, in one of the two modes: a pool (one call per connection at a time) or multiplexed. */
interface Endpoint extends AutoCloseable {
  /**
   * Writes {@code request} and, unless {@code oneway}, blocks for the reply with sequence id
   * {@code seqId}.
   *
   * @return the reply, or null for oneway
   * @throws io.weft.api.RpcException on any failure: {@code DEADLINE_EXCEEDED}, {@code UNAVAILABLE}, {@code CANCELLED}
   */
  Envelope exchange(Buffer request, int seqId, Deadline deadline, boolean oneway);

  @Override
  void close();
}
