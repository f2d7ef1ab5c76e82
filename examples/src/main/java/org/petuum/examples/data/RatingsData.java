package org.petuum.examples.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An immutable set of (user, item, rating) triples whose users and items are numbered densely from 0, as matrix
 * factorization wants them: user indices are {@code 0 .. numUsers()-1}, item indices {@code 0 .. numItems()-1}.
 * The ids the input used are kept and can be looked up with {@link #originalUserId} and {@link #originalItemId}.
 *
 * <p>Ratings are held in three parallel primitive arrays, about 16 bytes per rating. Element accessors
 * ({@link #user}, {@link #item}, {@link #rating}) read them without copying; {@link #users()} and its siblings return
 * copies. Instances are safe to share between threads.
 *
 * <p>The sets returned by {@link #split} share this set's index space and id maps, so a user index means the same
 * user in the training and in the test set, even if that user has no rating in one of them.
 */
public final class RatingsData {

  private final int[] users;
  private final int[] items;
  private final double[] ratings;
  /** Dense user index to original id; shared, never written, between a set and its splits. */
  private final int[] userIds;
  private final int[] itemIds;
  private final double mean;

  /** Takes ownership of the arrays, which the caller has validated and will not modify. */
  RatingsData(int[] users, int[] items, double[] ratings, int[] userIds, int[] itemIds) {
    this.users = users;
    this.items = items;
    this.ratings = ratings;
    this.userIds = userIds;
    this.itemIds = itemIds;
    this.mean = computeMean(ratings);
  }

  /**
   * A set whose users and items already are dense indices; their original ids are the indices themselves. The arrays
   * are copied.
   *
   * @throws IllegalArgumentException if the arrays differ in length, an index is outside {@code [0, numUsers)} or
   *     {@code [0, numItems)}, or a rating is not finite
   */
  public static RatingsData ofDense(int[] users, int[] items, double[] ratings, int numUsers, int numItems) {
    if (users.length != items.length || users.length != ratings.length) {
      throw new IllegalArgumentException("array lengths differ: users=" + users.length + ", items=" + items.length
          + ", ratings=" + ratings.length + " (expected: all equal)");
    }
    if (numUsers < 0 || numItems < 0) {
      throw new IllegalArgumentException(
          "numUsers=" + numUsers + ", numItems=" + numItems + " (expected: both >= 0)");
    }
    for (int i = 0; i < users.length; i++) {
      if (users[i] < 0 || users[i] >= numUsers) {
        throw new IllegalArgumentException(
            "users[" + i + "] : " + users[i] + " (expected: 0 <= user < numUsers=" + numUsers + ")");
      }
      if (items[i] < 0 || items[i] >= numItems) {
        throw new IllegalArgumentException(
            "items[" + i + "] : " + items[i] + " (expected: 0 <= item < numItems=" + numItems + ")");
      }
      if (!Double.isFinite(ratings[i])) {
        throw new IllegalArgumentException("ratings[" + i + "] : " + ratings[i] + " (expected: finite)");
      }
    }
    return new RatingsData(users.clone(), items.clone(), ratings.clone(), identity(numUsers), identity(numItems));
  }

  /** A builder that numbers users and items densely in order of first appearance. */
  public static Builder builder() {
    return new Builder();
  }

  /** The number of ratings. */
  public int size() {
    return ratings.length;
  }

  /** The number of distinct users in the index space, including users that have no rating in this set. */
  public int numUsers() {
    return userIds.length;
  }

  /** The number of distinct items in the index space, including items that have no rating in this set. */
  public int numItems() {
    return itemIds.length;
  }

  /** The dense user index of rating {@code i}. */
  public int user(int i) {
    return users[i];
  }

  /** The dense item index of rating {@code i}. */
  public int item(int i) {
    return items[i];
  }

  /** The value of rating {@code i}. */
  public double rating(int i) {
    return ratings[i];
  }

  /** A copy of the dense user indices, one per rating. */
  public int[] users() {
    return users.clone();
  }

  /** A copy of the dense item indices, one per rating. */
  public int[] items() {
    return items.clone();
  }

  /** A copy of the rating values. */
  public double[] ratings() {
    return ratings.clone();
  }

  /** The id the input used for dense user index {@code user}. */
  public int originalUserId(int user) {
    if (user < 0 || user >= userIds.length) {
      throw new IndexOutOfBoundsException("user : " + user + " (expected: 0 <= user < " + userIds.length + ")");
    }
    return userIds[user];
  }

  /** The id the input used for dense item index {@code item}. */
  public int originalItemId(int item) {
    if (item < 0 || item >= itemIds.length) {
      throw new IndexOutOfBoundsException("item : " + item + " (expected: 0 <= item < " + itemIds.length + ")");
    }
    return itemIds[item];
  }

  /** The mean rating, or NaN for an empty set. */
  public double mean() {
    return mean;
  }

  /**
   * Splits the ratings at random into a training and a test set over the same index space. The test set holds exactly
   * {@code Math.round(size() * testFraction)} ratings, chosen by a shuffle seeded with {@code seed}: the same seed on
   * the same data always gives the same split. Both sets keep the ratings in the order of this set.
   *
   * <p>Nothing guarantees that every user or item keeps a training rating; with a small test fraction on real data a
   * few do not.
   *
   * @param testFraction the share of ratings to hold out, in {@code [0, 1)}
   */
  public Split split(double testFraction, long seed) {
    if (!(testFraction >= 0 && testFraction < 1)) {
      throw new IllegalArgumentException("testFraction : " + testFraction + " (expected: 0 <= testFraction < 1)");
    }
    int n = size();
    int testSize = (int) Math.round(n * testFraction);
    // A partial Fisher-Yates shuffle: after step i, order[0..i] is a uniform sample of i+1 distinct positions.
    int[] order = identity(n);
    SplittableRandom random = new SplittableRandom(seed);
    boolean[] inTest = new boolean[n];
    for (int i = 0; i < testSize; i++) {
      int j = i + random.nextInt(n - i);
      int chosen = order[j];
      order[j] = order[i];
      order[i] = chosen;
      inTest[chosen] = true;
    }
    return new Split(select(inTest, false, n - testSize), select(inTest, true, testSize));
  }

  /** The ratings at positions {@code k} where {@code inTest[k] == wanted}, in their order here. */
  private RatingsData select(boolean[] inTest, boolean wanted, int count) {
    int[] u = new int[count];
    int[] v = new int[count];
    double[] r = new double[count];
    int next = 0;
    for (int k = 0; k < inTest.length; k++) {
      if (inTest[k] == wanted) {
        u[next] = users[k];
        v[next] = items[k];
        r[next] = ratings[k];
        next++;
      }
    }
    return new RatingsData(u, v, r, userIds, itemIds);
  }

  @Override
  public String toString() {
    return "RatingsData[size=" + size() + ", numUsers=" + numUsers() + ", numItems=" + numItems() + ", mean="
        + mean + "]";
  }

  static int[] identity(int n) {
    int[] ids = new int[n];
    Arrays.setAll(ids, i -> i);
    return ids;
  }

  private static double computeMean(double[] ratings) {
    double sum = 0;
    for (double r : ratings) {
      sum += r;
    }
    return ratings.length == 0 ? Double.NaN : sum / ratings.length;
  }

  /** A training and a test set over the same users and items. */
  public record Split(RatingsData train, RatingsData test) {
  }

  /**
   * Collects ratings keyed by original ids and numbers users and items densely in order of first appearance.
   * Duplicate (user, item) pairs are kept as separate ratings. Not thread-safe: one thread fills it.
   */
  public static final class Builder {

    /** Leaves headroom below {@code Integer.MAX_VALUE}, as some JVMs cannot allocate arrays right up to it. */
    private static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    private final DenseIds userIndex = new DenseIds();
    private final DenseIds itemIndex = new DenseIds();
    private int[] users = new int[1024];
    private int[] items = new int[1024];
    private double[] ratings = new double[1024];
    private int size;

    private Builder() {
    }

    /**
     * Adds one rating.
     *
     * @throws IllegalArgumentException if {@code rating} is not finite
     */
    public Builder add(int userId, int itemId, double rating) {
      if (!Double.isFinite(rating)) {
        throw new IllegalArgumentException("rating : " + rating + " (expected: finite)");
      }
      if (size == users.length) {
        grow();
      }
      users[size] = userIndex.indexOf(userId);
      items[size] = itemIndex.indexOf(itemId);
      ratings[size] = rating;
      size++;
      return this;
    }

    /** The number of ratings added so far. */
    public int size() {
      return size;
    }

    /** An immutable set holding the ratings added so far; the builder stays usable. */
    public RatingsData build() {
      return new RatingsData(Arrays.copyOf(users, size), Arrays.copyOf(items, size), Arrays.copyOf(ratings, size),
          userIndex.toArray(), itemIndex.toArray());
    }

    private void grow() {
      int capacity = newCapacity(users.length);
      users = Arrays.copyOf(users, capacity);
      items = Arrays.copyOf(items, capacity);
      ratings = Arrays.copyOf(ratings, capacity);
    }

    private static int newCapacity(int current) {
      if (current >= MAX_SIZE) {
        throw new IllegalStateException("too many ratings: size=" + current + " (expected: < " + MAX_SIZE + ")");
      }
      return (int) Math.min(MAX_SIZE, 2L * current);
    }
  }
}
