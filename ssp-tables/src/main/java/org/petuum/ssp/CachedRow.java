package org.petuum.ssp;

/**
 * A row as the process cache holds it.
 *
 * @param version  the shard's minimum clock when it answered: every update of every clock below is included
 * @param fetchSeq the sequence number of the request that fetched it on its shard's connection: the row
 *                 includes everything this process sent to that shard before that request
 * @param values   the cells; shared by every reader, so never mutated
 */
public record CachedRow(long version, long fetchSeq, RowValues values) {
}
