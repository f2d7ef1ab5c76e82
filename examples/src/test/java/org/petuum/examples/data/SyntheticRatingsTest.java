package org.petuum.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SyntheticRatingsTest {

  @Test
  void sameSeedGivesIdenticalData() {
    RatingsData first = SyntheticRatings.generate(300, 200, 5, 0.05, 0.5, 11).data();
    RatingsData second = SyntheticRatings.generate(300, 200, 5, 0.05, 0.5, 11).data();

    assertArrayEquals(first.users(), second.users());
    assertArrayEquals(first.items(), second.items());
    assertArrayEquals(first.ratings(), second.ratings());
  }

  @Test
  void anotherSeedGivesOtherData() {
    RatingsData first = SyntheticRatings.generate(300, 200, 5, 0.05, 0.5, 11).data();
    RatingsData second = SyntheticRatings.generate(300, 200, 5, 0.05, 0.5, 12).data();

    assertFalse(Arrays.equals(first.items(), second.items()));
  }

  @Test
  void everyUserAndItemHasARatingEvenWhenSparse() {
    RatingsData data = SyntheticRatings.generate(500, 400, 3, 0.001, 0.1, 5).data();

    boolean[] userSeen = new boolean[data.numUsers()];
    boolean[] itemSeen = new boolean[data.numItems()];
    for (int i = 0; i < data.size(); i++) {
      userSeen[data.user(i)] = true;
      itemSeen[data.item(i)] = true;
    }
    assertEquals(500, data.numUsers());
    assertEquals(400, data.numItems());
    for (int u = 0; u < 500; u++) {
      assertTrue(userSeen[u], "user " + u + " has no rating");
    }
    for (int v = 0; v < 400; v++) {
      assertTrue(itemSeen[v], "item " + v + " has no rating");
    }
  }

  @Test
  void noPairIsRatedTwice() {
    RatingsData data = SyntheticRatings.generate(500, 400, 3, 0.02, 0.1, 5).data();

    Set<Long> pairs = new HashSet<>();
    for (int i = 0; i < data.size(); i++) {
      long pair = (long) data.user(i) * data.numItems() + data.item(i);
      assertTrue(pairs.add(pair), () -> "pair rated twice: " + pair);
    }
  }

  @Test
  void originalIdsAreTheIndices() {
    RatingsData data = SyntheticRatings.generate(30, 20, 2, 0.5, 0.1, 5).data();

    assertEquals(29, data.originalUserId(29));
    assertEquals(19, data.originalItemId(19));
  }

  @Test
  void ratingsDifferFromTheNoiseFreeOnesByNoiseOfTheRequestedStandardDeviation() {
    SyntheticRatings.Generated clean = SyntheticRatings.generate(2000, 1000, 10, 0.05, 0.0, 3);
    SyntheticRatings.Generated noisy = SyntheticRatings.generate(2000, 1000, 10, 0.05, 0.5, 3);

    assertEquals(0.5, noisy.noiseStd());
    assertArrayEquals(clean.data().users(), noisy.data().users());
    assertArrayEquals(clean.data().items(), noisy.data().items());
    int n = noisy.data().size();
    double sum = 0;
    double sumSquares = 0;
    for (int i = 0; i < n; i++) {
      double noise = noisy.data().rating(i) - clean.data().rating(i);
      sum += noise;
      sumSquares += noise * noise;
    }
    double mean = sum / n;
    double std = Math.sqrt(sumSquares / n - mean * mean);
    assertEquals(0.0, mean, 0.01);
    assertEquals(0.5, std, 0.01);
  }

  @Test
  void noiseFreeRatingsHaveTheSignalVarianceWhateverTheRank() {
    for (int rank : new int[] {1, 4, 32}) {
      RatingsData data = SyntheticRatings.generate(1000, 500, rank, 0.1, 0.0, 9).data();
      double variance = variance(data);
      assertTrue(variance > 1 && variance < 4, "rank " + rank + ": variance " + variance + " (expected: in (1, 4))");
      if (rank > 1) {
        // A rank-1 product of two Gaussians is heavy-tailed; for higher ranks the estimate settles near 2.
        assertEquals(SyntheticRatings.SIGNAL_VARIANCE, variance, 0.3, "rank " + rank);
      }
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void numberOfRatingsFollowsTheDensity() {
    RatingsData data = SyntheticRatings.generate(2000, 1000, 10, 0.05, 0.5, 1).data();

    // Binomial(2,000,000, 0.05) has a standard deviation of about 308; a few covering ratings may come on top.
    assertEquals(100_000, data.size(), 2_000);
  }

  @Test
  void fullDensityRatesEveryPair() {
    RatingsData data = SyntheticRatings.generate(40, 30, 2, 1.0, 0.1, 1).data();

    assertEquals(1200, data.size());
  }

  @Test
  void rejectsInvalidArguments() {
    assertRejected("density : 0.0 (expected: 0 < density <= 1)", () -> SyntheticRatings.generate(5, 5, 2, 0, 0.1, 1));
    assertRejected("density : 1.5 (expected: 0 < density <= 1)",
        () -> SyntheticRatings.generate(5, 5, 2, 1.5, 0.1, 1));
    assertRejected("noiseStd : -1.0 (expected: finite and >= 0)",
        () -> SyntheticRatings.generate(5, 5, 2, 0.5, -1, 1));
    assertRejected("rank : 0 (expected: >= 1)", () -> SyntheticRatings.generate(5, 5, 0, 0.5, 0.1, 1));
    assertRejected("users : 0 (expected: >= 1)", () -> SyntheticRatings.generate(0, 5, 2, 0.5, 0.1, 1));
  }

  private static void assertRejected(String message, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertEquals(message, e.getMessage());
  }

  private static double variance(RatingsData data) {
    double mean = data.mean();
    double sum = 0;
    for (int i = 0; i < data.size(); i++) {
      double d = data.rating(i) - mean;
      sum += d * d;
    }
    return sum / data.size();
  }
}
