package org.petuum.ml.internal.lda;

import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * One worker's documents as tokens, grouped by the word block they belong to and, within a block, by document,
 * so a round of the rotation walks exactly the tokens of its block one document at a time. Holds each token's
 * topic and the document–topic counts, which never leave the worker.
 *
 * <p>Owned by the worker's task thread.
 */
final class LocalCorpus {
    final int k;
    final int docs;
    final int[] docLen;
    final long tokens;
    /** Document–topic counts, {@code docs × k}, row-major. */
    final int[] docTopic;
    /** Per block: the table rows this worker's tokens use; a token refers to its row by index (slot) here. */
    final int[][] slotRows;
    /** Tokens of block {@code b} are {@code [blockStart[b], blockStart[b+1])}. */
    final int[] blockStart;
    final int[] tokenSlot;
    final int[] topic;
    /** Per block: the documents having tokens in it, and where each one's tokens start (one more entry at the end). */
    final int[][] segDoc;
    final int[][] segStart;

    private LocalCorpus(int k, int docs, int[] docLen, long tokens, int[][] slotRows, int[] blockStart,
                        int[] tokenSlot, int[][] segDoc, int[][] segStart) {
        this.k = k;
        this.docs = docs;
        this.docLen = docLen;
        this.tokens = tokens;
        this.docTopic = new int[Math.multiplyExact(docs, k)];
        this.slotRows = slotRows;
        this.blockStart = blockStart;
        this.tokenSlot = tokenSlot;
        this.topic = new int[tokenSlot.length];
        this.segDoc = segDoc;
        this.segStart = segStart;
    }

    /**
     * Reads a partition of term-count vectors (empty ones are skipped) and lays its tokens out by block.
     *
     * @param worker the worker's id, mixed into the choice of a split word's piece
     */
    static LocalCorpus of(Iterator<Vector> partition, WordBlocks blocks, int k, int worker) {
        IntList docWords = new IntList();
        IntList docCounts = new IntList();
        IntList docEnds = new IntList();
        while (partition.hasNext()) {
            SparseVector v = partition.next().toSparse();
            int before = docWords.size;
            int[] indices = v.indices();
            double[] values = v.values();
            for (int i = 0; i < indices.length; i++) {
                if (values[i] > 0) { // counts were checked to be whole and non-negative before the run
                    docWords.add(indices[i]);
                    docCounts.add((int) Math.round(values[i]));
                }
            }
            if (docWords.size > before) {
                docEnds.add(docWords.size);
            }
        }
        int docs = docEnds.size;
        int nb = blocks.blocks();
        int[] rowOf = new int[docWords.size];
        long[] perBlock = new long[nb];
        int[] docLen = new int[docs];
        long tokens = 0;
        for (int d = 0, e = 0; d < docs; d++) {
            long key = (long) d * 0x9E3779B9L + worker;
            for (; e < docEnds.get(d); e++) {
                int row = blocks.row(docWords.get(e), key);
                rowOf[e] = row;
                perBlock[blocks.blockOfRow(row)] += docCounts.get(e);
                docLen[d] += docCounts.get(e);
                tokens += docCounts.get(e);
            }
        }
        if (tokens > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a partition holds " + tokens
                    + " tokens (expected: < 2^31; use more workers)");
        }
        int[] blockStart = new int[nb + 1];
        for (int b = 0; b < nb; b++) {
            blockStart[b + 1] = blockStart[b] + (int) perBlock[b];
        }
        int[] cursor = Arrays.copyOf(blockStart, nb);
        int[] tokenSlot = new int[(int) tokens];
        int[] rowSlot = new int[blocks.rows()];
        Arrays.fill(rowSlot, -1);
        IntList[] slots = new IntList[nb];
        IntList[] segD = new IntList[nb];
        IntList[] segS = new IntList[nb];
        for (int b = 0; b < nb; b++) {
            slots[b] = new IntList();
            segD[b] = new IntList();
            segS[b] = new IntList();
        }
        for (int d = 0, e = 0; d < docs; d++) {
            for (; e < docEnds.get(d); e++) {
                int row = rowOf[e];
                int b = blocks.blockOfRow(row);
                if (rowSlot[row] < 0) {
                    rowSlot[row] = slots[b].size;
                    slots[b].add(row);
                }
                if (segD[b].size == 0 || segD[b].get(segD[b].size - 1) != d) {
                    segD[b].add(d);
                    segS[b].add(cursor[b]);
                }
                for (int c = docCounts.get(e); c > 0; c--) {
                    tokenSlot[cursor[b]++] = rowSlot[row];
                }
            }
        }
        int[][] slotRows = new int[nb][];
        int[][] segDoc = new int[nb][];
        int[][] segStart = new int[nb][];
        for (int b = 0; b < nb; b++) {
            slotRows[b] = slots[b].toArray();
            segDoc[b] = segD[b].toArray();
            segS[b].add(blockStart[b + 1]);
            segStart[b] = segS[b].toArray();
        }
        return new LocalCorpus(k, docs, docLen, tokens, slotRows, blockStart, tokenSlot, segDoc, segStart);
    }

    /** Gives every token a uniformly random topic and counts them in {@link #docTopic}. */
    void initialize(SplittableRandom random) {
        for (int b = 0; b < slotRows.length; b++) {
            for (int s = 0; s < segDoc[b].length; s++) {
                int base = segDoc[b][s] * k;
                for (int t = segStart[b][s]; t < segStart[b][s + 1]; t++) {
                    int z = random.nextInt(k);
                    topic[t] = z;
                    docTopic[base + z]++;
                }
            }
        }
    }

    /** The sum of the document–topic counts; equals {@link #tokens} unless the counts went wrong. */
    long docTopicSum() {
        long sum = 0;
        for (int c : docTopic) {
            sum += c;
        }
        return sum;
    }

    int blocks() {
        return slotRows.length;
    }

    /** A growable list of ints, to read a partition without boxing every token. */
    static final class IntList {
        private int[] a = new int[16];
        int size;

        void add(int v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[size++] = v;
        }

        int get(int i) {
            return a[i];
        }

        int[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }
}
