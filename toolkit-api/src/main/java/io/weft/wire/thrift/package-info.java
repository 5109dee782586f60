/**
 * Thrift serialization as generated code uses it: {@link io.weft.wire.thrift.ThriftStruct} (every
 * generated struct, union and exception implements it), {@link io.weft.wire.thrift.ThriftCodec}
 * (a method's arguments and result over libthrift's Binary protocol) and {@link
 * io.weft.wire.thrift.ThriftStructs} (the helpers generated {@code read}/{@code write} methods call).
 * Application code rarely names these types; they are public because generated code lives in the
 * application's packages.
 */
package io.weft.wire.thrift;
