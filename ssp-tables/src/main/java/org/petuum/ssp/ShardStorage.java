package org.petuum.ssp;

/**
 * What one shard stores, over every table ({@link ShardState#storage()}): rows, cells (a dense row counts every
 * column, a sparse row its stored cells) and an estimate of the heap they take: 8 bytes per dense cell and
 * {@value ShardTables#DENSE_ROW_BYTES} per dense row (the row object, its array's header, its slot in the row
 * index); 12 per sparse cell (a column and a value in sorted arrays) and {@value ShardTables#SPARSE_ROW_BYTES} per
 * sparse row. The per-row figures are what {@code bench memory} measured (heap after full collections) for rows of
 * 10 to 100 cells.
 */
public record ShardStorage(long rows, long cells, long estimatedBytes) {
}
