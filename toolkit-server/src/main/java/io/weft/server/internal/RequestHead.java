package io.weft.server.internal;

import io.weft.api.Metadata;
import io.weft.internal.wire.grpc.GrpcCallMeta;
import io.weft.internal.wire.grpc.GrpcHeaders;
import io.weft.internal.wire.http2.Fields;

/**
 * What the server reads from a request's header block, taken in one pass over its fields (a lookup
 * per header would scan the block a dozen times per call): the pseudo-headers and gRPC's own
 * headers by name, every other field as the call's metadata ({@link GrpcCallMeta} says which are
 * metadata and names Kitex's caller header). Reader thread; then read-only.
 */
final class RequestHead {
  String method;
  String path;

  /** The content type without parameters. */
  String contentType;

  String encoding;
  String acceptEncoding;
  String timeout;
  String sourceService;
  final Metadata metadata = new Metadata();

  static RequestHead of(Fields f) {
    RequestHead h = new RequestHead();
    for (int i = 0; i < f.size(); i++) {
      String name = f.name(i);
      String value = f.value(i);
      switch (name) {
        case ":method" -> h.method = value;
        case ":path" -> h.path = value;
        case ":scheme", ":authority", GrpcHeaders.TE -> {
          // checked by the engine, not wanted here
        }
        case GrpcHeaders.CONTENT_TYPE -> {
          int semi = value.indexOf(';');
          h.contentType = semi < 0 ? value : value.substring(0, semi).strip();
        }
        case GrpcHeaders.GRPC_ENCODING -> h.encoding = value;
        case GrpcHeaders.GRPC_ACCEPT_ENCODING -> h.acceptEncoding = value;
        case GrpcHeaders.GRPC_TIMEOUT -> h.timeout = value;
        default -> {
          if (GrpcCallMeta.isMetadata(name)) {
            if (name.equals(GrpcCallMeta.SOURCE_SERVICE)) {
              h.sourceService = value;
            }
            h.metadata.add(name, value);
          }
        }
      }
    }
    return h;
  }

  /**
   * The caller as the call context names it: the service name a Kitex (or Weft) client sends, else
   * empty, as over TTHeader. A user agent names a library, not a service; it stays in the metadata.
   */
  String caller() {
    return sourceService != null ? sourceService : "";
  }
}
