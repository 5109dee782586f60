package io.weft.internal.wire.ttheader;

/**
 * String keys of TTHeader's key-value info block that Kitex itself reads or writes ({@code
 * gopkg/protocol/ttheader/metakey.go}, {@code kitex/pkg/transmeta/ttheader.go}). Any other string
 * key is user metadata.
 */
public final class StrKey {
  private StrKey() {}

  /** The IDL service name of the callee, set by Kitex clients. */
  public static final String IDL_SERVICE_NAME = "isn";

  /** The caller's real address, set by proxies. */
  public static final String REMOTE_ADDR = "rip";

  /** Set by a server that is about to close the connection: the client should not reuse it. */
  public static final String CONNECTION_READY_TO_RESET = "crrst";

  /** A Kitex business status error: its code (decimal), message and JSON extra map. */
  public static final String BIZ_STATUS = "biz-status";

  public static final String BIZ_MESSAGE = "biz-message";
  public static final String BIZ_EXTRA = "biz-extra";
}
