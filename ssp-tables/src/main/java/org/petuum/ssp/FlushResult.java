package org.petuum.ssp;

import java.util.List;

/**
 * The result of {@link ShardState#flush}: whether it was applied, the waiting reads it released, the checkpoint images
 * of the clock boundaries it completed, and the rows to push to their readers.
 *
 * @param <T> the callers' tokens of the released reads
 */
public record FlushResult<T>(boolean applied, List<ServedRead<T>> released, List<CheckpointImage> checkpoints,
                             List<ShardPush> pushes) {
    public FlushResult(boolean applied, List<ServedRead<T>> released) {
        this(applied, released, List.of(), List.of());
    }

    public FlushResult(boolean applied, List<ServedRead<T>> released, List<CheckpointImage> checkpoints) {
        this(applied, released, checkpoints, List.of());
    }
}
