package org.petuum.ml.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BlockSizeTest {

    @Test
    void shortOrSparseColumnsGetTheLargestBlock() {
        // arcene: 100 rows, 10,000 features, 540,941 stored values, two workers.
        assertEquals(256, BlockSize.choose(new LassoInput.Facts(100, 10_000, 540_941), 2));
        // 2,000 rows, 100,000 features, 40,000 values: columns of less than one value.
        assertEquals(256, BlockSize.choose(new LassoInput.Facts(2_000, 100_000, 40_000), 2));
    }

    @Test
    void longDenseColumnsGetSmallerBlocksAndNeverBelowTheFloor() {
        // 200,000 dense rows over 2 workers: 100,000 values per column and worker; sqrt(8e6 / 1e5) = 8.9 -> 16.
        assertEquals(16, BlockSize.choose(new LassoInput.Facts(200_000, 50, 10_000_000), 2));
        // 2,000 dense rows over 2 workers: sqrt(8e6 / 1e3) = 89.
        assertEquals(89, BlockSize.choose(new LassoInput.Facts(2_000, 1_000, 2_000_000), 2));
    }

    @Test
    void neverMoreThanTheFeatures() {
        assertEquals(10, BlockSize.choose(new LassoInput.Facts(442, 10, 4_420), 2));
    }
}
