package org.petuum.ssp;

/**
 * What one shard stores, over every table ({@link ShardState#storage()}): rows, cells (a dense row counts every
 * column, a sparse row its stored cells) and an estimate of the heap they take. A dense table narrower than
 * {@value ShardTables#LEND_FROM_COLUMNS} columns is stored in blocks of 64 rows ({@link RowBlocks}): each block
 * costs its 64 rows of cells at 8 bytes, written or not, and {@value ShardTables#BLOCK_BYTES} bytes (the block, its
 * array's header, its slot in the block index). A wider dense row costs 8 bytes per cell and
 * {@value ShardTables#DENSE_ROW_BYTES} per row (the row object, its array's header, its slot in the row index); a
 * sparse row of a table of at most 65,536 columns 10 per cell (a 2-byte column and a value, {@link NarrowSparseRow})
 * and {@value ShardTables#NARROW_SPARSE_ROW_BYTES} per row, of a wider table 12 per cell (one array,
 * {@link SparseCells}) and {@value ShardTables#SPARSE_ROW_BYTES} per row; a sparse row counts the cells it has room
 * for. The per-row figures are what {@code bench memory} measured (heap after full collections) for rows of 10 to
 * 100 cells.
 */
public record ShardStorage(long rows, long cells, long estimatedBytes) {
}
