package org.petuum.ml.internal.lda;

import java.io.Serializable;
import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * How the vocabulary maps onto the rows of the word–topic table and how those rows are cut into the blocks that
 * rotate among the workers.
 *
 * <p>Most words have one row. A word so frequent that it alone would outweigh a block is split into pieces, each
 * a row of its own in a different block, and a document's tokens of that word all go to one piece (chosen by
 * {@link #row}). The pieces still model one word: a worker sampling a piece sees the piece's exact counts plus the
 * other pieces' counts as they were when its round began (see {@link #siblings}), so the rows a worker changes
 * are still changed by it alone.
 *
 * <p>Blocks are balanced by token count, not by word count: rows are placed largest first into the block with the
 * fewest tokens so far (LPT), so every round costs every worker about the same.
 *
 * <p>Immutable; serialized into the workers' closure (a few ints per word).
 */
public final class WordBlocks implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int vocabSize;
    private final int blocks;
    private final int[] firstRow;
    private final int[] blockOfRow;
    private final double[] rowTokens;

    private WordBlocks(int vocabSize, int blocks, int[] firstRow, int[] blockOfRow, double[] rowTokens) {
        this.vocabSize = vocabSize;
        this.blocks = blocks;
        this.firstRow = firstRow;
        this.blockOfRow = blockOfRow;
        this.rowTokens = rowTokens;
    }

    /** One block holding every word, one row per word: the data-parallel layout. */
    public static WordBlocks single(double[] wordTokens) {
        int v = wordTokens.length;
        int[] first = new int[v + 1];
        for (int w = 0; w <= v; w++) {
            first[w] = w;
        }
        return new WordBlocks(v, 1, first, new int[v], wordTokens.clone());
    }

    /**
     * {@code blocks} blocks balanced by token count. A word with more than a quarter of a block's share of the
     * tokens is split into up to {@code blocks} pieces (a quarter, so that no single row is large enough to leave
     * LPT a badly unbalanced packing).
     */
    public static WordBlocks balanced(double[] wordTokens, int blocks) {
        if (blocks < 1) {
            throw new IllegalArgumentException("blocks : " + blocks + " (expected: >= 1)");
        }
        int v = wordTokens.length;
        double total = 0;
        for (double t : wordTokens) {
            total += t;
        }
        double cap = Math.max(1, total / (4.0 * blocks));
        int[] first = new int[v + 1];
        for (int w = 0; w < v; w++) {
            int pieces = blocks == 1 ? 1 : (int) Math.min(blocks, Math.max(1, Math.ceil(wordTokens[w] / cap)));
            first[w + 1] = first[w] + pieces;
        }
        int rows = first[v];
        double[] rowTokens = new double[rows];
        Integer[] order = new Integer[rows];
        for (int w = 0; w < v; w++) {
            int pieces = first[w + 1] - first[w];
            for (int p = 0; p < pieces; p++) {
                rowTokens[first[w] + p] = wordTokens[w] / pieces;
            }
        }
        for (int r = 0; r < rows; r++) {
            order[r] = r;
        }
        Arrays.sort(order, (a, b) -> Double.compare(rowTokens[b], rowTokens[a]));
        double[] load = new double[blocks];
        PriorityQueue<Integer> lightest = new PriorityQueue<>((a, b) -> load[a] != load[b]
                ? Double.compare(load[a], load[b]) : Integer.compare(a, b));
        for (int b = 0; b < blocks; b++) {
            lightest.add(b);
        }
        int[] blockOfRow = new int[rows];
        for (int r : order) {
            int b = lightest.poll();
            blockOfRow[r] = b;
            load[b] += rowTokens[r];
            lightest.add(b);
        }
        return new WordBlocks(v, blocks, first, blockOfRow, rowTokens);
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int blocks() {
        return blocks;
    }

    /** Rows of the word–topic table: one per word, plus one per extra piece of a split word. */
    public int rows() {
        return firstRow[vocabSize];
    }

    /** The number of pieces (rows) of {@code word}. */
    public int pieces(int word) {
        return firstRow[word + 1] - firstRow[word];
    }

    /** The row of {@code word}'s tokens in a document; {@code docKey} picks the piece of a split word. */
    public int row(int word, long docKey) {
        int pieces = firstRow[word + 1] - firstRow[word];
        return firstRow[word] + (pieces == 1 ? 0 : (int) Math.floorMod(docKey, (long) pieces));
    }

    /** The word a row belongs to. */
    public int wordOfRow(int row) {
        int w = Arrays.binarySearch(firstRow, row);
        // firstRow is strictly increasing (every word has at least one row), so the search is exact.
        return w >= 0 ? w : -w - 2;
    }

    /** The other rows of {@code row}'s word (empty unless the word is split). */
    public int[] siblings(int row) {
        int w = wordOfRow(row);
        int pieces = firstRow[w + 1] - firstRow[w];
        int[] out = new int[pieces - 1];
        int i = 0;
        for (int r = firstRow[w]; r < firstRow[w + 1]; r++) {
            if (r != row) {
                out[i++] = r;
            }
        }
        return out;
    }

    public int blockOfRow(int row) {
        return blockOfRow[row];
    }

    /** The tokens each block holds (pieces of a split word counted as equal shares). */
    public double[] blockTokens() {
        double[] load = new double[blocks];
        for (int r = 0; r < blockOfRow.length; r++) {
            load[blockOfRow[r]] += rowTokens[r];
        }
        return load;
    }
}
