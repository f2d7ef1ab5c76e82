package org.petuum.examples.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Generates a ratings set with a known low-rank structure and known noise, to check that matrix factorization finds
 * what is there: a model that fits well should reach a test RMSE close to the noise level.
 *
 * <p>The true factors {@code U} (users × rank) and {@code V} (items × rank) have independent Gaussian entries with
 * variance {@code sqrt(SIGNAL_VARIANCE / rank)}: the usual {@code N(0, 1/sqrt(rank))} scaled so that the noise-free
 * ratings {@code u·v} have variance {@value #SIGNAL_VARIANCE} whatever the rank. Each (user, item) pair is rated with
 * probability {@code density}, once at most; a user or item left without any rating is then given one with a random
 * partner, so every index in the space is used. Each rating is {@code u·v + noiseStd · N(0, 1)}.
 *
 * <p>Factors, pattern and noise come from three independent streams of one seed. The same arguments always give the
 * same data, and two calls that differ only in {@code noiseStd} give the same pairs and the same noise-free part:
 * their ratings differ by the noise alone.
 */
public final class SyntheticRatings {

  /** The variance of the noise-free ratings. */
  public static final double SIGNAL_VARIANCE = 2.0;

  /** Leaves headroom below {@code Integer.MAX_VALUE}, as some JVMs cannot allocate arrays right up to it. */
  private static final int MAX_SIZE = Integer.MAX_VALUE - 8;

  private SyntheticRatings() {
  }

  /**
   * A generated set and the standard deviation of the noise in it, the RMSE a perfect model would have.
   */
  public record Generated(RatingsData data, double noiseStd) {
  }

  /**
   * Generates about {@code users * items * density} ratings; see the class description.
   *
   * @throws IllegalArgumentException if a count is below 1, {@code density} is outside {@code (0, 1]},
   *     {@code noiseStd} is negative or not finite, or the expected number of ratings does not fit in an array
   */
  public static Generated generate(int users, int items, int rank, double density, double noiseStd, long seed) {
    requirePositive("users", users);
    requirePositive("items", items);
    requirePositive("rank", rank);
    if (!(density > 0 && density <= 1)) {
      throw new IllegalArgumentException("density : " + density + " (expected: 0 < density <= 1)");
    }
    if (!(noiseStd >= 0 && Double.isFinite(noiseStd))) {
      throw new IllegalArgumentException("noiseStd : " + noiseStd + " (expected: finite and >= 0)");
    }
    long pairs = (long) users * items;
    double expected = pairs * density;
    if (expected + users + items > MAX_SIZE * 0.9 || (long) Math.max(users, items) * rank > MAX_SIZE) {
      throw new IllegalArgumentException("too large: users=" + users + ", items=" + items + ", rank=" + rank
          + ", density=" + density + " gives about " + (long) expected + " ratings (expected: < "
          + (long) (MAX_SIZE * 0.9) + ", and users*rank, items*rank < " + MAX_SIZE + ")");
    }

    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom factorRandom = root.split();
    SplittableRandom patternRandom = root.split();
    SplittableRandom noiseRandom = root.split();

    double factorStd = Math.pow(SIGNAL_VARIANCE / rank, 0.25);
    double[] userFactors = gaussians(factorRandom, users * rank, factorStd);
    double[] itemFactors = gaussians(factorRandom, items * rank, factorStd);

    Pattern pattern = new Pattern((int) Math.min(MAX_SIZE, (long) (expected * 1.05) + 64));
    samplePairs(pattern, users, items, density, patternRandom);
    coverEveryIndex(pattern, users, items, patternRandom);

    double[] ratings = new double[pattern.size];
    for (int k = 0; k < pattern.size; k++) {
      int u = pattern.users[k] * rank;
      int v = pattern.items[k] * rank;
      double dot = 0;
      for (int f = 0; f < rank; f++) {
        dot += userFactors[u + f] * itemFactors[v + f];
      }
      ratings[k] = dot + noiseStd * noiseRandom.nextGaussian();
    }
    RatingsData data = new RatingsData(Arrays.copyOf(pattern.users, pattern.size),
        Arrays.copyOf(pattern.items, pattern.size), ratings, RatingsData.identity(users), RatingsData.identity(items));
    return new Generated(data, noiseStd);
  }

  /**
   * Visits the pairs in row-major order and keeps each with probability {@code density}. Rather than one draw per
   * pair, it draws the geometric gap to the next kept pair, so the cost follows the ratings kept, not the pairs.
   */
  private static void samplePairs(Pattern pattern, int users, int items, double density, SplittableRandom random) {
    long pairs = (long) users * items;
    double logSkip = Math.log1p(-density); // -Infinity when density == 1: every gap is 0
    long position = nextGap(random, logSkip);
    while (position < pairs) {
      pattern.add((int) (position / items), (int) (position % items));
      position += 1 + nextGap(random, logSkip);
    }
  }

  private static long nextGap(SplittableRandom random, double logSkip) {
    // 1 - nextDouble() lies in (0, 1], so the logarithm is finite.
    double gap = Math.floor(Math.log(1.0 - random.nextDouble()) / logSkip);
    return gap >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : (long) gap;
  }

  /**
   * Gives a random partner to every user, then every item, that has no rating. Neither adds a duplicate pair: the
   * user or item being covered has no pair yet.
   */
  private static void coverEveryIndex(Pattern pattern, int users, int items, SplittableRandom random) {
    boolean[] userSeen = new boolean[users];
    boolean[] itemSeen = new boolean[items];
    for (int k = 0; k < pattern.size; k++) {
      userSeen[pattern.users[k]] = true;
      itemSeen[pattern.items[k]] = true;
    }
    for (int u = 0; u < users; u++) {
      if (!userSeen[u]) {
        int item = random.nextInt(items);
        pattern.add(u, item);
        itemSeen[item] = true;
      }
    }
    for (int v = 0; v < items; v++) {
      if (!itemSeen[v]) {
        pattern.add(random.nextInt(users), v);
      }
    }
  }

  private static double[] gaussians(SplittableRandom random, int count, double std) {
    double[] values = new double[count];
    for (int i = 0; i < count; i++) {
      values[i] = std * random.nextGaussian();
    }
    return values;
  }

  private static void requirePositive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " : " + value + " (expected: >= 1)");
    }
  }

  /** The growing list of rated pairs. */
  private static final class Pattern {

    int[] users;
    int[] items;
    int size;

    Pattern(int capacity) {
      users = new int[capacity];
      items = new int[capacity];
    }

    void add(int user, int item) {
      if (size == users.length) {
        int capacity = (int) Math.min(MAX_SIZE, users.length + (users.length >> 1) + 16L);
        if (capacity == size) {
          throw new IllegalStateException("too many ratings: size=" + size + " (expected: < " + MAX_SIZE + ")");
        }
        users = Arrays.copyOf(users, capacity);
        items = Arrays.copyOf(items, capacity);
      }
      users[size] = user;
      items[size] = item;
      size++;
    }
  }
}
