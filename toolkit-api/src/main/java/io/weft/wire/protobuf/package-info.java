/**
 * Protobuf serialization as generated code uses it: {@link io.weft.wire.protobuf.ProtobufCodec}
 * carries protoc's message classes through Weft's transports (gRPC and Kitex Protobuf). Public
 * because generated service code lives in the application's packages.
 */
package io.weft.wire.protobuf;
