package org.petuum.bench.ssp;

import java.io.Serializable;
import java.util.Arrays;
import org.petuum.examples.data.RatingsData;

/**
 * The ratings of the users one worker owns, train and test, with users renumbered locally
 * ({@code 0..users.length-1}) so the worker's user factors are one dense array.
 *
 * @param globalUsers  local user index → dense user index of the whole data set
 * @param trainUsers   local user of each training rating
 * @param trainItems   item of each training rating
 * @param trainRatings the training ratings
 * @param testUsers    local user of each test rating
 * @param testItems    item of each test rating
 * @param testRatings  the test ratings
 * @param items        the distinct items this worker's ratings touch, ascending
 */
public record MfPartition(int[] globalUsers, int[] trainUsers, int[] trainItems, double[] trainRatings,
                          int[] testUsers, int[] testItems, double[] testRatings, int[] items) implements Serializable {

    /** Splits train and test ratings into {@code workers} partitions by user: user {@code u} goes to {@code u mod workers}. */
    public static MfPartition[] byUser(RatingsData train, RatingsData test, int workers) {
        int numUsers = Math.max(train.numUsers(), test.numUsers());
        int[] local = new int[numUsers];
        int[] owned = new int[workers];
        for (int u = 0; u < numUsers; u++) {
            local[u] = owned[u % workers]++;
        }
        MfPartition[] out = new MfPartition[workers];
        for (int w = 0; w < workers; w++) {
            int[] globals = new int[owned[w]];
            for (int u = w, k = 0; u < numUsers; u += workers, k++) {
                globals[k] = u;
            }
            Part tr = Part.of(train, local, workers, w);
            Part te = Part.of(test, local, workers, w);
            int[] items = java.util.stream.IntStream.concat(Arrays.stream(tr.items), Arrays.stream(te.items))
                    .distinct().sorted().toArray();
            out[w] = new MfPartition(globals, tr.users, tr.items, tr.ratings, te.users, te.items, te.ratings, items);
        }
        return out;
    }

    public int numUsers() {
        return globalUsers.length;
    }

    private record Part(int[] users, int[] items, double[] ratings) {
        static Part of(RatingsData d, int[] local, int workers, int w) {
            int n = 0;
            for (int i = 0; i < d.size(); i++) {
                if (d.user(i) % workers == w) {
                    n++;
                }
            }
            int[] users = new int[n];
            int[] items = new int[n];
            double[] ratings = new double[n];
            for (int i = 0, k = 0; i < d.size(); i++) {
                if (d.user(i) % workers == w) {
                    users[k] = local[d.user(i)];
                    items[k] = d.item(i);
                    ratings[k++] = d.rating(i);
                }
            }
            return new Part(users, items, ratings);
        }
    }
}
