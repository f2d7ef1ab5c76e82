package org.petuum.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DenseIdsTest {

  @Test
  void numbersIdsInOrderOfFirstAppearanceLikeAHashMapWould() {
    DenseIds ids = new DenseIds();
    Map<Integer, Integer> expected = new HashMap<>();
    SplittableRandom random = new SplittableRandom(4);

    for (int i = 0; i < 200_000; i++) {
      // A mix of a few repeated small ids, consecutive ids and arbitrary ones, including negatives and extremes.
      int id = switch (i % 4) {
        case 0 -> random.nextInt(50) - 25;
        case 1 -> i;
        case 2 -> i % 1000 == 2 ? Integer.MIN_VALUE : Integer.MAX_VALUE - i % 7;
        default -> random.nextInt();
      };
      int index = ids.indexOf(id);
      Integer known = expected.putIfAbsent(id, expected.size());
      assertEquals(known == null ? expected.size() - 1 : known, index, "id " + id);
    }
    assertEquals(expected.size(), ids.size());

    int[] original = ids.toArray();
    assertEquals(ids.size(), original.length);
    for (Map.Entry<Integer, Integer> entry : expected.entrySet()) {
      assertEquals(entry.getKey(), original[entry.getValue()]);
    }
  }

  @Test
  void toArrayIsACopyInDenseOrder() {
    DenseIds ids = new DenseIds();
    ids.indexOf(7);
    ids.indexOf(-3);
    ids.indexOf(7);

    int[] original = ids.toArray();
    original[0] = 99;

    assertArrayEquals(new int[] {7, -3}, ids.toArray());
  }
}
