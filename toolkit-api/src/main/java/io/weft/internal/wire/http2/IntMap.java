package io.weft.internal.wire.http2;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A map from positive int keys (stream ids) to values, by open addressing with linear probing and
 * backward-shift deletion: no boxing and no entry objects on a connection's hot path. Not
 * thread-safe; its connection's lock guards it.
 */
final class IntMap<V> {
  private int[] keys;
  private Object[] values;
  private int size;
  private int mask;

  IntMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
    keys = new int[cap];
    values = new Object[cap];
    mask = cap - 1;
  }

  int size() {
    return size;
  }

  @SuppressWarnings("unchecked")
  V get(int key) {
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      int k = keys[i];
      if (k == key) {
        return (V) values[i];
      }
      if (k == 0) {
        return null;
      }
    }
  }

  void put(int key, V value) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      int k = keys[i];
      if (k == key) {
        values[i] = value;
        return;
      }
      if (k == 0) {
        keys[i] = key;
        values[i] = value;
        size++;
        return;
      }
    }
  }

  @SuppressWarnings("unchecked")
  V remove(int key) {
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      int k = keys[i];
      if (k == 0) {
        return null;
      }
      if (k == key) {
        V old = (V) values[i];
        shiftBack(i);
        size--;
        return old;
      }
    }
  }

  @SuppressWarnings("unchecked")
  void forEach(Consumer<V> action) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != 0) {
        action.accept((V) values[i]);
      }
    }
  }

  void clear() {
    Arrays.fill(keys, 0);
    Arrays.fill(values, null);
    size = 0;
  }

  /**
   * Fills the hole at {@code hole} with later entries of its probe run, so lookups never stop
   * early.
   */
  private void shiftBack(int hole) {
    int i = hole;
    while (true) {
      i = (i + 1) & mask;
      int k = keys[i];
      if (k == 0) {
        break;
      }
      int home = mix(k) & mask;
      // move k back into the hole unless its home lies cyclically in (hole, i]
      boolean between = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
      if (!between) {
        keys[hole] = k;
        values[hole] = values[i];
        hole = i;
      }
    }
    keys[hole] = 0;
    values[hole] = null;
  }

  private void grow() {
    int[] oldKeys = keys;
    Object[] oldValues = values;
    keys = new int[oldKeys.length * 2];
    values = new Object[oldKeys.length * 2];
    mask = keys.length - 1;
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        @SuppressWarnings("unchecked")
        V v = (V) oldValues[i];
        put(oldKeys[i], v);
      }
    }
  }

  private static int mix(int key) {
    int h = key * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
