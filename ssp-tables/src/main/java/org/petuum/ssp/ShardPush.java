package org.petuum.ssp;

/**
 * Fresh rows a shard sends unasked to one subscriber (the process that read them, as given to {@link ShardRead}):
 * rows of an eager-push (ESSP) or ASYNC table, or the most-changed rows under managed communication.
 */
public record ShardPush(Object subscriber, RowsSnapshot rows) {
}
