package org.petuum.ssp;

/**
 * A row as the process cache holds it.
 *
 * @param version  the shard's minimum clock when it answered: every update of every clock below is included
 * @param fetchSeq a sequence number on its shard's connection: the row includes every request this process
 *                 sent to that shard up to and including it (the fetching request's own number, or for a
 *                 pushed row the last request the shard had handled)
 * @param values   the cells; shared by every reader, so never mutated
 */
public record CachedRow(long version, long fetchSeq, RowValues values) {
}
