package org.petuum.ssp;

/**
 * A read answered, with the token it came with: its rows, or, when they grew too big while it waited (see
 * {@link ShardState#limitAnswers}), no rows and the reason it is refused.
 *
 * @param <T> the caller's token, as given in its {@link ShardRead}
 */
public record ServedRead<T>(T token, RowsSnapshot rows, String refused) {
    public ServedRead(T token, RowsSnapshot rows) {
        this(token, rows, null);
    }
}
