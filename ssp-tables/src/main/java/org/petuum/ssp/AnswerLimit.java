package org.petuum.ssp;

import java.util.Objects;

/**
 * How big a shard's answer to a read may be ({@link ShardState#limitAnswers}): sized from the stored rows before
 * anything is copied. Unlimited until set.
 *
 * <p>Not thread-safe: owned by one {@link ShardState}.
 */
final class AnswerLimit {
    private long maxBytes = Long.MAX_VALUE;
    private AnswerSizer sizer = (spec, stored) -> 0;
    private String limitName = "";

    void set(long maxBytes, AnswerSizer sizer, String limitName) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes : " + maxBytes + " (expected: > 0)");
        }
        this.maxBytes = maxBytes;
        this.sizer = Objects.requireNonNull(sizer, "sizer");
        this.limitName = Objects.requireNonNull(limitName, "limitName");
    }

    /** Why an answer with rows {@code ids} of {@code t} would be too big, or {@code null} if it fits. */
    String overLimit(ShardTables tables, TableRef t, int[] ids) {
        if (maxBytes == Long.MAX_VALUE) {
            return null;
        }
        long bytes = answerBytes(tables, t, ids);
        return bytes > maxBytes ? tooLarge(tables, t, ids.length + " rows", bytes) : null;
    }

    /** Refuses a range read whose stored rows {@code ids} would not fit. */
    void checkRange(ShardTables tables, TableRef t, int[] ids, int fromRow, int toRow) {
        long bytes = answerBytes(tables, t, ids);
        if (bytes > maxBytes) {
            throw new AnswerTooLargeException(tooLarge(tables, t, "rows [" + fromRow + ", " + toRow + ")",
                    bytes));
        }
    }

    /**
     * The bytes of rows {@code ids} of {@code t} in an answer, at least up to the first sum over {@link #maxBytes}.
     * A dense row's size depends on its width alone ({@link AnswerSizer}), so dense rows are not looked at: a
     * narrow table's rows live in blocks, where looking means copying.
     */
    private long answerBytes(ShardTables tables, TableRef t, int[] ids) {
        if (t.spec().storage() == TableSpec.Storage.DENSE) {
            return ids.length * sizer.rowBytes(t.spec(), null);
        }
        StoredRows rows = tables.rows(t.id());
        long bytes = 0;
        for (int i = 0; i < ids.length && bytes <= maxBytes; i++) {
            bytes += sizer.rowBytes(t.spec(), rows.peek(ids[i]));
        }
        return bytes;
    }

    private String tooLarge(ShardTables tables, TableRef t, String what, long bytes) {
        return "shard " + tables.shardIndex() + ": the answer to a read of " + what + " of table '" + t.name()
                + "' would take at least " + bytes + " bytes, over the limit of " + maxBytes + " (" + limitName
                + "); read fewer rows at a time";
    }
}
