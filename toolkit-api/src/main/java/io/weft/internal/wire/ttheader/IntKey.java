package io.weft.internal.wire.ttheader;

/**
 * The keys of TTHeader's int-key info block, numbered as Kitex numbers them ({@code
 * github.com/cloudwego/gopkg/protocol/ttheader/metakey.go}).
 */
public final class IntKey {
  private IntKey() {}

  public static final int MESH_VERSION = 0;
  public static final int TRANSPORT_TYPE = 1;
  public static final int LOG_ID = 2;
  public static final int FROM_SERVICE = 3;
  public static final int FROM_CLUSTER = 4;
  public static final int FROM_IDC = 5;
  public static final int TO_SERVICE = 6;
  public static final int TO_CLUSTER = 7;
  public static final int TO_IDC = 8;
  public static final int TO_METHOD = 9;
  public static final int ENV = 10;
  public static final int DEST_ADDRESS = 11;

  /** The caller's timeout for this call, in milliseconds, as a decimal string. */
  public static final int RPC_TIMEOUT = 12;

  public static final int READ_TIMEOUT = 13;
  public static final int RING_HASH_KEY = 14;
  public static final int DDP_TAG = 15;
  public static final int WITH_MESH_HEADER = 16;
  public static final int CONNECT_TIMEOUT = 17;
  public static final int SPAN_CONTEXT = 18;
  public static final int SHORT_CONNECTION = 19;
  public static final int FROM_METHOD = 20;
  public static final int STRESS_TAG = 21;

  /**
   * The Thrift message type of the frame (1 CALL, 2 REPLY, 3 EXCEPTION, 4 ONEWAY), as a decimal
   * string.
   */
  public static final int MSG_TYPE = 22;

  public static final int HTTP_CONTENT_TYPE = 23;
  public static final int RAW_RING_HASH_KEY = 24;
  public static final int LB_TYPE = 25;
  public static final int CLUSTER_SHARD_ID = 26;
  public static final int FRAME_TYPE = 27;
}
