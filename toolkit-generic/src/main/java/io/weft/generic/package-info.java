/**
 * Generic calls: call or serve any Thrift service from its IDL at run time, with arguments and
 * results as JSON, without generated code ({@link io.weft.generic.GenericClient}, {@link
 * io.weft.generic.GenericServer}); streaming methods as streams of JSON messages ({@link
 * io.weft.generic.GenericStream}, {@link io.weft.generic.GenericStreamHandler}).
 */
package io.weft.generic;
