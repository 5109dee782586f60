package io.weft.generic;

/**
 * A message of a generic Thrift method: either already encoded (what is sent, checked against the
 * IDL before anything goes on the wire) or decoded (what arrived, as JSON values).
 *
 * @param encoded the Thrift Binary of the args or result struct, or null
 * @param decoded for args, the JSON object of the arguments; for results, an {@link Outcome}; or
 *     null
 */
record ThriftMessage(byte[] encoded, Object decoded) {
  static ThriftMessage encoded(byte[] bytes) {
    return new ThriftMessage(bytes, null);
  }

  /**
   * What a result struct held.
   *
   * @param field null for the success value, else the {@code throws} field that is set
   * @param value the JSON value (null for void)
   */
  record Outcome(String field, Object value) {}
}
