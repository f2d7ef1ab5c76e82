package org.petuum.ssp;

import java.util.Collection;
import java.util.List;
import org.petuum.shaded.fastutil.ints.Int2ObjectOpenHashMap;

/**
 * For the tables with an optimizer ({@link UpdateRule} other than addition), while a run takes checkpoints: a
 * second copy of their rows and optimizer state that holds exactly the updates of the clocks below the next
 * checkpoint boundary, so that the image taken there is the state a failure-free run had at that boundary.
 *
 * <p>Why a copy: a table that adds its updates can leave out what faster workers sent for later clocks by
 * subtracting it, since addition commutes. An optimizer step does not: each one depends on the state the
 * earlier ones left, so a later gradient cannot be taken back out. The copy receives every update of a clock
 * below the boundary when it arrives, and the updates of later clocks (which the shard keeps aside anyway) once
 * the boundary has passed, in clock order. It costs a second copy of the optimizer tables' rows and state for as
 * long as a run takes checkpoints; tables that add their updates need none.
 *
 * <p>Not thread-safe: owned by its {@link ShardState}.
 */
final class OptimizerShadows {
    private final Int2ObjectOpenHashMap<Shadow> shadows = new Int2ObjectOpenHashMap<>();

    private record Shadow(StoredRows rows, OptimizerState optimizer) {
        void apply(RowUpdate u) {
            rows.update(u.row(), row -> optimizer.step(u.row(), row, u.delta()));
        }
    }

    /** Starts shadowing a table from its current rows and state (copied). */
    void track(TableRef table, StoredRows rows, OptimizerState optimizer) {
        shadows.put(table.id(), new Shadow(rows.copy(), optimizer.copy()));
    }

    boolean tracks(int tableId) {
        return shadows.containsKey(tableId);
    }

    void forget(int tableId) {
        shadows.remove(tableId);
    }

    void clear() {
        shadows.clear();
    }

    /** Applies an update of a clock below the next boundary: the gradient, with the shadow's own state. */
    void apply(RowUpdate u) {
        Shadow s = shadows.get(u.tableId());
        if (s != null) {
            s.apply(u);
        }
    }

    /** Applies the kept-aside updates of clocks that are now below the next boundary, in clock order. */
    void replay(Collection<List<RowUpdate>> byClock) {
        for (List<RowUpdate> updates : byClock) {
            for (RowUpdate u : updates) {
                apply(u);
            }
        }
    }

    /** Sets a row (a load of values between clocks): the shadow takes the same value and forgets the row's state. */
    void put(int tableId, int row, RowValues value) {
        Shadow s = shadows.get(tableId);
        if (s != null) {
            s.rows.put(row, value);
            s.optimizer.reset(row);
        }
    }

    /** Copies of the shadow's rows, for an image. */
    StoredRows rowCopies(int tableId) {
        return shadows.get(tableId).rows.copy();
    }

    /** A copy of the shadow's optimizer state, for an image. */
    OptimizerState optimizerCopy(int tableId) {
        return shadows.get(tableId).optimizer.copy();
    }
}
