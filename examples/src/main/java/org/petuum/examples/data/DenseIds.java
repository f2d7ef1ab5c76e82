package org.petuum.examples.data;

import java.util.Arrays;

/**
 * Numbers arbitrary {@code int} ids densely from 0 in order of first appearance: an open-addressing hash table of
 * primitive ints, so that looking up one id per rating allocates nothing. Not thread-safe: one thread fills it.
 */
final class DenseIds {

  private static final int EMPTY = -1;
  private static final int MAX_IDS = 1 << 29;

  /** Slot to dense index, or {@link #EMPTY}; the id of a used slot is {@code ids[indexOfSlot[slot]]}. */
  private int[] indexOfSlot = new int[64];
  /** Dense index to original id. */
  private int[] ids = new int[32];
  private int size;

  DenseIds() {
    Arrays.fill(indexOfSlot, EMPTY);
  }

  /** The dense index of {@code id}, assigning the next free one if {@code id} is new. */
  int indexOf(int id) {
    int mask = indexOfSlot.length - 1;
    for (int slot = mix(id) & mask; ; slot = (slot + 1) & mask) {
      int index = indexOfSlot[slot];
      if (index == EMPTY) {
        return add(id, slot);
      }
      if (ids[index] == id) {
        return index;
      }
    }
  }

  int size() {
    return size;
  }

  /** A copy of the original ids, indexed by dense index. */
  int[] toArray() {
    return Arrays.copyOf(ids, size);
  }

  private int add(int id, int slot) {
    if (size == MAX_IDS) {
      throw new IllegalStateException("too many distinct ids: " + size + " (expected: < " + MAX_IDS + ")");
    }
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, 2 * size);
    }
    int index = size++;
    ids[index] = id;
    indexOfSlot[slot] = index;
    // Keep the table at most half full so that probe sequences stay short.
    if (2 * size > indexOfSlot.length) {
      rehash(2 * indexOfSlot.length);
    }
    return index;
  }

  private void rehash(int capacity) {
    int[] slots = new int[capacity];
    Arrays.fill(slots, EMPTY);
    int mask = capacity - 1;
    for (int index = 0; index < size; index++) {
      int slot = mix(ids[index]) & mask;
      while (slots[slot] != EMPTY) {
        slot = (slot + 1) & mask;
      }
      slots[slot] = index;
    }
    indexOfSlot = slots;
  }

  /** Spreads consecutive ids, the common case, over the table (the 32-bit finalizer of MurmurHash3). */
  private static int mix(int id) {
    int h = id;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
