/**
 * Thrift plumbing behind {@link io.weft.runtime.ThriftCodec}: the in-memory transports, the reading
 * protocol with Weft's limits, the skipper and Thrift application errors. Internal: exported only
 * to Weft's own modules.
 */
package io.weft.internal.wire.thrift;
