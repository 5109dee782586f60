package io.weft.internal.wire.ttheader;

/** What a message's payload is, which its first bytes tell (Kitex decides the same way). */
public enum PayloadFormat {
  /** Strict Thrift Binary: {@code 0x8001 0x00 type}, name, sequence id, then the struct. */
  THRIFT_BINARY,
  /**
   * Kitex Protobuf: {@code length u32 | 0x9001 u16 | type u16 | name (u32 length) | seq u32 |
   * protobuf bytes}, where length counts every byte after itself.
   */
  KITEX_PROTOBUF
}
