package org.petuum.ssp;

/**
 * Which shard holds a row: row {@code r} lives on shard {@code r mod numShards}. Rows of neighbouring ids
 * land on different shards, which spreads the hot low ids of skewed data (popular items, frequent words).
 */
public final class RowPartitioner {
    private final int numShards;

    public RowPartitioner(int numShards) {
        if (numShards <= 0) {
            throw new IllegalArgumentException("numShards : " + numShards + " (expected: > 0)");
        }
        this.numShards = numShards;
    }

    public int numShards() {
        return numShards;
    }

    /** The shard that holds {@code row}. */
    public int shardOf(int row) {
        return Math.floorMod(row, numShards);
    }

    /** Whether {@code row} belongs to {@code shard}. */
    public boolean owns(int shard, int row) {
        return shardOf(row) == shard;
    }
}
