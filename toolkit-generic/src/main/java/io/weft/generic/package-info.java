/**
 * Generic calls: call or serve any Thrift service from its IDL at run time, with arguments and
 * results as JSON, without generated code ({@link io.weft.generic.GenericClient}, {@link
 * io.weft.generic.GenericServer}).
 */
package io.weft.generic;
