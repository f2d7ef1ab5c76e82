package org.petuum.ssp;

/**
 * What one row costs in a shard's answer ({@link ShardState#limitAnswers}): the transport's wire size of a row.
 * Must not allocate in proportion to the row's width; called under the shard's lock. The size of a dense row must
 * depend on its table's width alone, not on its cells: the shard sizes answers of dense tables from one call with
 * {@code stored} {@code null}.
 */
@FunctionalInterface
public interface AnswerSizer {
    /**
     * @param stored the row as stored, or {@code null} for a row no update has touched (answered as zeros)
     * @return the bytes it takes in an answer
     */
    long rowBytes(TableSpec spec, RowValues stored);
}
