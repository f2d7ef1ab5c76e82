package org.petuum.ssp;

/**
 * A waiting read that failed (deadline, a new run or a restore), with a message that says why.
 *
 * @param <T> the caller's token, as given in its {@link ShardRead}
 */
public record ExpiredRead<T>(T token, String message) {
}
