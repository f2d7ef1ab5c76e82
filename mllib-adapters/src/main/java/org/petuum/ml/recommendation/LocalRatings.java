package org.petuum.ml.recommendation;

import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.sql.Row;

/**
 * The ratings of one worker's partition, read once from the partition's rows {@code (user INT, item INT,
 * rating DOUBLE)} into flat arrays: users renumbered locally ({@code 0..numUsers-1}, so the worker's user factors
 * are one dense array), ratings standardised, and the positions grouped by item block for the rotation schedule.
 *
 * <p>Not thread-safe: built and used by one worker's task thread.
 */
final class LocalRatings {
    /** Local user index → user id, ascending. */
    final int[] userIds;
    /** Ratings of each local user. */
    final int[] userCounts;
    final int[] users;
    final int[] items;
    final double[] z;
    /** The distinct items of this partition, ascending. */
    final int[] distinctItems;
    /** Of each rating: its item's position in {@link #distinctItems}, and in its block's {@link #blockItems}. */
    final int[] itemIndex;
    final int[] blockIndex;
    /** Positions of the ratings sorted by block; block {@code b}'s are {@code byBlock[blockStart[b]..blockStart[b+1])}. */
    final int[] byBlock;
    final int[] blockStart;
    /** The distinct items of each block, ascending. */
    final int[][] blockItems;

    private LocalRatings(int[] userIds, int[] users, int[] items, double[] z, int blocks) {
        this.userIds = userIds;
        this.userCounts = new int[userIds.length];
        for (int u : users) {
            userCounts[u]++;
        }
        this.users = users;
        this.items = items;
        this.z = z;
        this.distinctItems = Arrays.stream(items).distinct().sorted().toArray();
        int[] count = new int[blocks + 1];
        for (int i : items) {
            count[block(i, blocks) + 1]++;
        }
        for (int b = 0; b < blocks; b++) {
            count[b + 1] += count[b];
        }
        this.blockStart = count.clone();
        this.byBlock = new int[items.length];
        int[] next = count.clone();
        for (int n = 0; n < items.length; n++) {
            byBlock[next[block(items[n], blocks)]++] = n;
        }
        this.blockItems = new int[blocks][];
        for (int b = 0; b < blocks; b++) {
            int bb = b;
            blockItems[b] = Arrays.stream(distinctItems).filter(i -> block(i, blocks) == bb).toArray();
        }
        this.itemIndex = new int[items.length];
        this.blockIndex = new int[items.length];
        for (int n = 0; n < items.length; n++) {
            itemIndex[n] = Arrays.binarySearch(distinctItems, items[n]);
            blockIndex[n] = Arrays.binarySearch(blockItems[block(items[n], blocks)], items[n]);
        }
    }

    /** The block of {@code item} among {@code blocks}: items are dealt round-robin, which spreads popular ids. */
    static int block(int item, int blocks) {
        return item % blocks;
    }

    /** Reads a partition, standardising each rating as {@code (rating - mean) / std}. */
    static LocalRatings read(Iterator<Row> rows, double mean, double std, int blocks) {
        int[] u = new int[1024];
        int[] it = new int[1024];
        double[] r = new double[1024];
        int n = 0;
        while (rows.hasNext()) {
            Row row = rows.next();
            if (n == u.length) {
                int cap = Math.max(n + 1, (int) Math.min(Integer.MAX_VALUE - 8, 2L * n));
                u = Arrays.copyOf(u, cap);
                it = Arrays.copyOf(it, cap);
                r = Arrays.copyOf(r, cap);
            }
            u[n] = row.getInt(0);
            it[n] = row.getInt(1);
            r[n] = (row.getDouble(2) - mean) / std;
            n++;
        }
        int[] users = Arrays.copyOf(u, n);
        int[] ids = Arrays.stream(users).distinct().sorted().toArray();
        for (int k = 0; k < n; k++) {
            users[k] = Arrays.binarySearch(ids, users[k]);
        }
        return new LocalRatings(ids, users, Arrays.copyOf(it, n), Arrays.copyOf(r, n), blocks);
    }

    int size() {
        return z.length;
    }
}
