package org.petuum.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class RatingsDataTest {

  /** 1001 ratings whose values are their positions, so every rating can be traced through a split. */
  private static RatingsData numbered(int n) {
    RatingsData.Builder builder = RatingsData.builder();
    for (int i = 0; i < n; i++) {
      builder.add(1000 + i % 37, 5000 + i % 11, i);
    }
    return builder.build();
  }

  @Test
  void splitIsIdenticalForTheSameSeed() {
    RatingsData data = numbered(1001);

    RatingsData.Split first = data.split(0.2, 42);
    RatingsData.Split second = data.split(0.2, 42);

    assertArrayEquals(first.test().ratings(), second.test().ratings());
    assertArrayEquals(first.test().users(), second.test().users());
    assertArrayEquals(first.train().ratings(), second.train().ratings());
  }

  @Test
  void splitDiffersForAnotherSeed() {
    RatingsData data = numbered(1001);

    assertFalse(Arrays.equals(data.split(0.2, 42).test().ratings(), data.split(0.2, 43).test().ratings()));
  }

  @Test
  void splitPartsAreDisjointAndTogetherHoldEveryRatingOnce() {
    RatingsData data = numbered(1001);

    RatingsData.Split split = data.split(0.3, 7);

    BitSet seen = new BitSet();
    for (RatingsData part : new RatingsData[] {split.train(), split.test()}) {
      for (int i = 0; i < part.size(); i++) {
        int position = (int) part.rating(i);
        assertFalse(seen.get(position), () -> "rating " + position + " is in both parts");
        seen.set(position);
        assertEquals(data.user(position), part.user(i));
        assertEquals(data.item(position), part.item(i));
      }
    }
    assertEquals(data.size(), seen.cardinality());
  }

  @Test
  void testSetHoldsTheRoundedFractionOfRatings() {
    RatingsData data = numbered(1001);

    assertEquals(100, data.split(0.1, 1).test().size());
    assertEquals(901, data.split(0.1, 1).train().size());
    assertEquals(0, data.split(0.0, 1).test().size());
    assertEquals(3, numbered(10).split(0.25, 1).test().size());
    assertEquals(1000, data.split(0.9995, 1).test().size());
  }

  @Test
  void splitKeepsTheOriginalOrderWithinEachPart() {
    RatingsData.Split split = numbered(1001).split(0.5, 3);

    for (RatingsData part : new RatingsData[] {split.train(), split.test()}) {
      for (int i = 1; i < part.size(); i++) {
        assertTrue(part.rating(i - 1) < part.rating(i));
      }
    }
  }

  @Test
  void splitPartsShareTheIndexSpaceAndIdMaps() {
    RatingsData data = numbered(1001);

    RatingsData.Split split = data.split(0.5, 3);

    for (RatingsData part : new RatingsData[] {split.train(), split.test()}) {
      assertEquals(37, part.numUsers());
      assertEquals(11, part.numItems());
      assertEquals(1036, part.originalUserId(36));
      assertEquals(5010, part.originalItemId(10));
    }
  }

  @Test
  void splitRejectsAFractionOutsideZeroToOne() {
    RatingsData data = numbered(10);

    for (double bad : new double[] {-0.1, 1.0, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data.split(bad, 1));
      assertEquals("testFraction : " + bad + " (expected: 0 <= testFraction < 1)", e.getMessage());
    }
  }

  @Test
  void meanIsTheAverageRatingAndNaNWhenEmpty() {
    assertEquals(500.0, numbered(1001).mean(), 1e-9);
    assertTrue(Double.isNaN(numbered(10).split(0.0, 1).test().mean()));
  }

  @Test
  void accessorsReturnCopiesThatCannotChangeTheSet() {
    RatingsData data = numbered(3);

    data.users()[0] = 99;
    data.ratings()[0] = 99;

    assertEquals(0, data.user(0));
    assertEquals(0.0, data.rating(0));
  }

  @Test
  void ofDenseUsesIndicesAsOriginalIdsAndCopiesItsInput() {
    int[] users = {0, 2};
    RatingsData data = RatingsData.ofDense(users, new int[] {1, 0}, new double[] {1, 2}, 3, 2);
    users[0] = 1;

    assertEquals(0, data.user(0));
    assertEquals(3, data.numUsers());
    assertEquals(2, data.originalUserId(2));
  }

  @Test
  void ofDenseRejectsAnIndexOutsideTheSpace() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RatingsData.ofDense(new int[] {0, 3}, new int[] {0, 0}, new double[] {1, 2}, 3, 1));

    assertEquals("users[1] : 3 (expected: 0 <= user < numUsers=3)", e.getMessage());
  }

  @Test
  void builderRejectsANonFiniteRating() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RatingsData.builder().add(1, 1, Double.POSITIVE_INFINITY));

    assertEquals("rating : Infinity (expected: finite)", e.getMessage());
  }

  @Test
  void builderKeepsGrowingPastItsInitialCapacity() {
    RatingsData data = numbered(5000);

    assertEquals(5000, data.size());
    assertEquals(4999.0, data.rating(4999));
    assertEquals(1000 + 4999 % 37, data.originalUserId(data.user(4999)));
  }

  @Test
  void originalIdLookupRejectsAnIndexOutsideTheSpace() {
    RatingsData data = numbered(10);

    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> data.originalUserId(10));

    assertEquals("user : 10 (expected: 0 <= user < 10)", e.getMessage());
  }
}
