package org.petuum.ssp;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The reads a shard keeps waiting until the clocks they need are reached: released when ready, failed at their
 * deadline or when the run they belong to ends.
 *
 * <p>Not thread-safe: owned by one {@link ShardState}.
 *
 * @param <T> the caller's token for a waiting read
 */
final class WaitingReads<T> {
    private final List<ShardRead<T>> parked = new ArrayList<>();

    void add(ShardRead<T> read) {
        parked.add(read);
    }

    int size() {
        return parked.size();
    }

    /** Whether a read waits for every worker but its own ({@link ShardRead#othersOnly()}). */
    boolean anyWaitingForOthers() {
        for (ShardRead<T> r : parked) {
            if (r.othersOnly()) {
                return true;
            }
        }
        return false;
    }

    /** Forgets the reads whose token matches; returns how many. */
    int drop(Predicate<T> gone) {
        int before = parked.size();
        parked.removeIf(r -> gone.test(r.token));
        return before - parked.size();
    }

    /** Removes every read, each failed with {@code why}. */
    List<ExpiredRead<T>> failAll(String why) {
        List<ExpiredRead<T>> failed = new ArrayList<>();
        for (ShardRead<T> r : parked) {
            failed.add(new ExpiredRead<>(r.token, why));
        }
        parked.clear();
        return failed;
    }

    /** Removes the reads whose deadline is at or before {@code nowNanos}, each failed with its message. */
    List<ExpiredRead<T>> expire(long nowNanos, Function<ShardRead<T>, String> message) {
        List<ExpiredRead<T>> out = new ArrayList<>();
        for (Iterator<ShardRead<T>> it = parked.iterator(); it.hasNext(); ) {
            ShardRead<T> r = it.next();
            if (r.deadlineNanos - nowNanos <= 0) {
                it.remove();
                out.add(new ExpiredRead<>(r.token, message.apply(r)));
            }
        }
        return out;
    }

    /** Removes the reads that {@code ready} accepts, in arrival order, each answered by {@code answer}. */
    List<ServedRead<T>> release(Predicate<ShardRead<T>> ready,
                                Function<ShardRead<T>, ServedRead<T>> answer) {
        List<ServedRead<T>> out = new ArrayList<>();
        for (Iterator<ShardRead<T>> it = parked.iterator(); it.hasNext(); ) {
            ShardRead<T> r = it.next();
            if (ready.test(r)) {
                it.remove();
                out.add(answer.apply(r));
            }
        }
        return out;
    }
}
