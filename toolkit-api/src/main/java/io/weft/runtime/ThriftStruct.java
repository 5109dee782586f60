package io.weft.runtime;

import org.apache.thrift.TException;
import org.apache.thrift.protocol.TProtocol;

/**
 * A Thrift struct, union or exception that reads and writes itself on a libthrift {@link
 * TProtocol}. Generated classes implement it; {@link ThriftCodec} drives it.
 */
public interface ThriftStruct {
  /** Writes this struct; checks that required fields are set first. */
  void write(TProtocol out) throws TException;

  /** Reads fields into this (fresh) struct, skipping unknown ones; checks required fields after. */
  void read(TProtocol in) throws TException;
}
