package io.weft.internal.wire.ttheader;

import io.weft.api.BizStatusException;
import io.weft.api.Deadline;
import io.weft.api.MetaInfo;
import io.weft.api.Metadata;
import io.weft.internal.wire.BizStatus;
import io.weft.internal.wire.WireException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a call's metadata meets TTHeader, both ways and on both sides: the request's string headers
 * (metadata and Kitex metainfo), its int headers (caller and callee, message and transport type,
 * timeout), and the reply's headers (response metadata and trailers, business status, Kitex's
 * connection-reset mark). The client and the server both map through here and nowhere else.
 */
public final class TTHeaderCallMeta {
  private TTHeaderCallMeta() {}

  // ---- the request: written by the client, read by the server ----

  /**
   * The header of a request: {@code metadata} and {@code metaInfo} as string headers, then the IDL
   * service name; caller, callee, message type, transport type and (when there is a deadline) the
   * time left in milliseconds as int headers, as Kitex's TTHeader codec sends them.
   */
  public static TTHeader request(
      Metadata metadata,
      MetaInfo metaInfo,
      String idlService,
      String fromService,
      String fromMethod,
      String toService,
      String toMethod,
      int messageType,
      boolean framed,
      Deadline deadline) {
    TTHeader header = new TTHeader();
    Map<String, String> str = header.strInfo();
    metadata.forEach(str::put);
    metaInfo.toTTHeader(str);
    str.put(StrKey.IDL_SERVICE_NAME, idlService);
    Map<Integer, String> ints = header.intInfo();
    ints.put(IntKey.FROM_SERVICE, fromService);
    ints.put(IntKey.FROM_METHOD, fromMethod);
    ints.put(IntKey.TO_SERVICE, toService);
    ints.put(IntKey.TO_METHOD, toMethod);
    ints.put(IntKey.MSG_TYPE, Integer.toString(messageType));
    ints.put(IntKey.TRANSPORT_TYPE, framed ? "framed" : "unframed");
    if (deadline != null) {
      ints.put(IntKey.RPC_TIMEOUT, Long.toString(Math.max(1, deadline.remainingMillis())));
    }
    return header;
  }

  /** The IDL service a request names (Kitex's multi-service servers route by it), or null. */
  public static String idlService(TTHeader header) {
    return header == null ? null : header.strInfo().get(StrKey.IDL_SERVICE_NAME);
  }

  /**
   * A request's metadata: every string header but the empty key, which Kitex's decoder accepts and
   * no metadata can name. Metainfo headers stay in it too, as Kitex's server sees them.
   */
  public static Metadata metadata(TTHeader header) {
    Metadata metadata = new Metadata();
    if (header != null) {
      copyStrInfo(header, metadata);
    }
    return metadata;
  }

  /**
   * The Kitex metainfo a request carries (its {@code RPC_PERSIST_} and {@code RPC_TRANSIT_}
   * headers).
   */
  public static MetaInfo metaInfo(TTHeader header) {
    return header == null ? MetaInfo.EMPTY : MetaInfo.fromTTHeader(header.strInfo());
  }

  /**
   * The deadline a request's timeout header gives, from now; null without one (or with one Kitex
   * would ignore).
   */
  public static Deadline deadline(TTHeader header) {
    String timeout = header == null ? null : header.intInfo().get(IntKey.RPC_TIMEOUT);
    if (timeout == null) {
      return null;
    }
    try {
      long ms = Long.parseLong(timeout.trim());
      return ms > 0 ? Deadline.after(ms, TimeUnit.MILLISECONDS) : null;
    } catch (NumberFormatException e) {
      return null; // Kitex ignores an unparsable timeout too
    }
  }

  /** The calling service a request names, or empty. */
  public static String caller(TTHeader header) {
    return header == null ? "" : header.intInfo().getOrDefault(IntKey.FROM_SERVICE, "");
  }

  // ---- the reply: written by the server, read by the client ----

  /**
   * The header of a reply to {@code request}: the handler's response metadata and trailers (null:
   * none set) as string headers, Kitex's connection-reset mark when the server is {@code draining}
   * the connection, and the message type.
   */
  public static TTHeader reply(
      TTHeader request,
      Metadata responseMetadata,
      Metadata responseTrailers,
      boolean draining,
      int messageType) {
    TTHeader header = new TTHeader().protocolId(request.protocolId());
    Map<String, String> str = header.strInfo();
    if (responseMetadata != null) {
      responseMetadata.forEach(str::put);
    }
    if (responseTrailers != null) {
      responseTrailers.forEach(str::put);
    }
    if (draining) {
      str.put(StrKey.CONNECTION_READY_TO_RESET, "1");
    }
    header.intInfo().put(IntKey.MSG_TYPE, Integer.toString(messageType));
    return header;
  }

  /**
   * Puts a business status error into the response trailers, message included, as Kitex's server
   * sends it over TTHeader (a normal reply with an empty result and these headers).
   */
  public static void putBizStatus(BizStatusException biz, Metadata trailers) {
    BizStatus.write(biz, true, trailers::set);
  }

  /**
   * Copies a reply's string headers (but the empty key) into {@code into}: what the caller captures
   * as response headers.
   */
  public static void copyStrInfo(TTHeader header, Metadata into) {
    for (Map.Entry<String, String> e : header.strInfo().entrySet()) {
      if (!e.getKey().isEmpty()) { // a key Kitex's decoder accepts and no metadata can name
        into.add(e.getKey(), e.getValue());
      }
    }
  }

  /**
   * The business status error a reply carries, or null.
   *
   * @throws WireException if its {@code biz-status} or {@code biz-extra} is malformed
   */
  public static BizStatusException bizStatus(TTHeader header) throws WireException {
    return header == null ? null : BizStatus.read(header.strInfo()::get, null);
  }

  /**
   * Whether a reply asks the client not to reuse its connection (Kitex's {@code crrst}: the server
   * is closing it).
   */
  public static boolean resetRequested(TTHeader header) {
    return header != null && header.strInfo().containsKey(StrKey.CONNECTION_READY_TO_RESET);
  }
}
