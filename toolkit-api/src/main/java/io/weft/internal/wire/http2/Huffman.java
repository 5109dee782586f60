package io.weft.internal.wire.http2;

import io.weft.internal.wire.Buffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The static Huffman code of RFC 7541 Appendix B, for HPACK string literals. Stateless: its tables
 * are built once, in the static initialiser, and are then only read, so any thread may use it.
 *
 * <p>The decoder is a state machine that eats 4 bits per step: a state is an internal node of the
 * code tree (there are 256 of them, for 257 symbols), and each (state, nibble) pair has a
 * precomputed entry giving the next state and the symbol completed on the way, if any. The shortest
 * code is 5 bits, so one nibble completes at most one symbol. That makes decoding two table reads
 * per input byte and no allocation beyond the caller's output array.
 */
final class Huffman {
  /** The end-of-string symbol; it must never appear inside a string (RFC 7541 section 5.2). */
  static final int EOS = 256;

  /**
   * The code length in bits of each symbol, 0 to 255 then EOS, from Appendix B. The code is
   * canonical (within one length, codes increase with the symbol; each length continues where the
   * shorter one stopped), so the lengths alone determine the codes; the static initialiser derives
   * them and checks that they fill the code space exactly.
   */
  private static final byte[] LENGTHS = {
    13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, //   0 ..  15
    28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, //  16 ..  31
    6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, //         ' ' .. '/'
    5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, //              '0' .. '?'
    13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, //                '@' .. 'O'
    7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, //             'P' .. '_'
    15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, //                '`' .. 'o'
    6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, //            'p' .. 127
    20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128 .. 143
    24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144 .. 159
    22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160 .. 175
    21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176 .. 191
    26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192 .. 207
    19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208 .. 223
    20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224 .. 239
    26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240 .. 255
    30 //                                                              EOS
  };

  /** The code of each symbol, right-aligned in {@code LENGTHS[symbol]} bits. */
  private static final int[] CODES = new int[EOS + 1];

  /**
   * Decoder transitions, indexed by {@code state << 4 | nibble}: bits 0-7 the next state, bits 8-15
   * the symbol completed during the nibble when {@link #EMIT} is set; {@link #FAIL} (negative) when
   * the nibble completes EOS.
   */
  private static final int[] DECODE = new int[256 * 16];

  private static final int EMIT = 1 << 16;
  private static final int FAIL = -1;

  /**
   * Whether a string may end in each state (section 5.2): 0 if it may (the bits since the last
   * symbol are at most 7 and all 1s, the most significant bits of EOS), {@link #END_TOO_LONG} if
   * they are all 1s but 8 or more, {@link #END_NOT_EOS} if they are not all 1s.
   */
  private static final byte[] END = new byte[256];

  private static final byte END_TOO_LONG = 1;
  private static final byte END_NOT_EOS = 2;

  static {
    int code = 0;
    for (int len = 1; len <= 30; len++) {
      for (int sym = 0; sym <= EOS; sym++) {
        if (LENGTHS[sym] == len) {
          CODES[sym] = code++;
        }
      }
      if (len < 30) {
        code <<= 1;
      }
    }
    if (code != 1 << 30) {
      throw new ExceptionInInitializerError("Huffman code lengths do not fill the code space");
    }

    // The code tree: internal node n has children child[2n] (bit 0) and child[2n + 1] (bit 1),
    // each an internal node number (> 0; the root, 0, is nobody's child) or ~symbol for a leaf.
    int[] child = new int[2 * 256];
    int[] onesDepth = new int[256]; // depth if the path from the root is all 1 bits, else -1
    int nodes = 1;
    for (int sym = 0; sym <= EOS; sym++) {
      int node = 0;
      for (int bit = LENGTHS[sym] - 1; bit > 0; bit--) {
        int b = (CODES[sym] >>> bit) & 1;
        int next = child[2 * node + b];
        if (next == 0) {
          next = nodes++;
          child[2 * node + b] = next;
          onesDepth[next] = b == 1 && onesDepth[node] >= 0 ? onesDepth[node] + 1 : -1;
        }
        node = next;
      }
      child[2 * node + (CODES[sym] & 1)] = ~sym;
    }
    if (nodes != 256) {
      throw new ExceptionInInitializerError("Huffman code tree has " + nodes + " internal nodes");
    }

    for (int state = 0; state < 256; state++) {
      END[state] = onesDepth[state] < 0 ? END_NOT_EOS : onesDepth[state] > 7 ? END_TOO_LONG : 0;
      for (int nibble = 0; nibble < 16; nibble++) {
        int node = state;
        int entry = 0;
        for (int bit = 3; bit >= 0; bit--) {
          int next = child[2 * node + ((nibble >>> bit) & 1)];
          if (next < 0) {
            int sym = ~next;
            if (sym == EOS) {
              entry = FAIL;
              break;
            }
            entry = EMIT | sym << 8;
            node = 0;
          } else {
            node = next;
          }
        }
        DECODE[state << 4 | nibble] = entry == FAIL ? FAIL : entry | node;
      }
    }
  }

  private Huffman() {}

  /** The code length in bits of {@code symbol} (0 to 256); for tests. */
  static int codeLength(int symbol) {
    return LENGTHS[symbol];
  }

  /** The code of {@code symbol} (0 to 256), right-aligned; for tests. */
  static int code(int symbol) {
    return CODES[symbol];
  }

  /** The Huffman-coded length in bytes of {@code src[off, off + len)}, padding included. */
  static int encodedLength(byte[] src, int off, int len) {
    long bits = 0;
    for (int i = off, end = off + len; i < end; i++) {
      bits += LENGTHS[src[i] & 0xff];
    }
    return Math.toIntExact((bits + 7) >>> 3);
  }

  /** The Huffman-coded length in bytes of the UTF-8 octets of {@code s}. */
  static int encodedLength(String s) {
    long bits = 0;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return encodedLength(utf8, 0, utf8.length);
      }
      bits += LENGTHS[c];
    }
    return Math.toIntExact((bits + 7) >>> 3);
  }

  /**
   * Writes the Huffman code of {@code src[off, off + len)} into {@code dst} at {@code dstOff},
   * which must have room for {@link #encodedLength(byte[], int, int)} bytes; returns the number of
   * bytes written. The last byte is padded with the most significant bits of EOS (all 1s).
   */
  static int encode(byte[] src, int off, int len, byte[] dst, int dstOff) {
    long acc = 0; // only the low (bits) bits are pending; anything above was already written
    int bits = 0;
    int p = dstOff;
    for (int i = off, end = off + len; i < end; i++) {
      int sym = src[i] & 0xff;
      acc = acc << LENGTHS[sym] | CODES[sym];
      bits += LENGTHS[sym];
      while (bits >= 8) {
        bits -= 8;
        dst[p++] = (byte) (acc >>> bits);
      }
    }
    if (bits > 0) {
      dst[p++] = (byte) (acc << (8 - bits) | 0xff >>> bits);
    }
    return p - dstOff;
  }

  /** Appends the Huffman code of {@code src[off, off + len)} to {@code out}. */
  static void encode(Buffer out, byte[] src, int off, int len) {
    int n = encodedLength(src, off, len);
    out.ensureWritable(n);
    encode(src, off, len, out.array(), out.size());
    out.advance(n);
  }

  /** Appends the Huffman code of the UTF-8 octets of {@code s} to {@code out}. */
  static void encode(Buffer out, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    encode(out, utf8, 0, utf8.length);
  }

  /**
   * The most bytes that {@code encodedLength} bytes of Huffman code can decode to: every symbol
   * takes at least 5 bits.
   */
  static int maxDecodedLength(int encodedLength) {
    return (int) (encodedLength * 8L / 5);
  }

  /**
   * Decodes the Huffman string {@code src[off, off + len)} into {@code dst} at {@code dstOff},
   * which must have room for {@link #maxDecodedLength(int) maxDecodedLength(len)} bytes; returns
   * the number of bytes written.
   *
   * @param origin the index in {@code src} of the start of the header block, for the offsets in
   *     error messages
   * @throws HpackException if the string contains EOS, or ends in padding that is longer than 7
   *     bits or not all 1s (RFC 7541 section 5.2)
   */
  static int decode(byte[] src, int off, int len, byte[] dst, int dstOff, int origin)
      throws HpackException {
    int state = 0;
    int d = dstOff;
    for (int i = off, end = off + len; i < end; i++) {
      int b = src[i];
      int e = DECODE[(state << 4) | ((b >>> 4) & 0xf)];
      if (e < 0) {
        throw new HpackException("EOS symbol inside a Huffman string", i - origin);
      }
      if ((e & EMIT) != 0) {
        dst[d++] = (byte) (e >>> 8);
      }
      e = DECODE[((e & 0xff) << 4) | (b & 0xf)];
      if (e < 0) {
        throw new HpackException("EOS symbol inside a Huffman string", i - origin);
      }
      if ((e & EMIT) != 0) {
        dst[d++] = (byte) (e >>> 8);
      }
      state = e & 0xff;
    }
    int last = off + len - 1 - origin;
    switch (END[state]) {
      case END_TOO_LONG ->
          throw new HpackException("Huffman string padded with more than 7 bits", last);
      case END_NOT_EOS ->
          throw new HpackException(
              "Huffman string padding is not the most significant bits of EOS", last);
      default -> {
        return d - dstOff;
      }
    }
  }

  /**
   * Decodes the Huffman string {@code src[off, off + len)} to a String of {@code charset}; error
   * offsets count from {@code off}. A convenience that allocates a scratch array: the header
   * decoder uses {@link #decode(byte[], int, int, byte[], int, int)} with its own.
   */
  static String decode(byte[] src, int off, int len, Charset charset) throws HpackException {
    byte[] dst = new byte[maxDecodedLength(len)];
    int n = decode(src, off, len, dst, 0, off);
    return new String(dst, 0, n, charset);
  }
}
