package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RowPartitionerTest {

    @Test
    void neighbouringRowsLandOnDifferentShards() {
        RowPartitioner p = new RowPartitioner(3);
        assertEquals(3, p.numShards());
        assertEquals(0, p.shardOf(0));
        assertEquals(1, p.shardOf(1));
        assertEquals(2, p.shardOf(2));
        assertEquals(0, p.shardOf(3));
        assertEquals(2, p.shardOf(-1), "never a negative shard");
        assertTrue(p.owns(1, 7));
        assertFalse(p.owns(0, 7));
    }

    @Test
    void needsAtLeastOneShard() {
        assertEquals("numShards : 0 (expected: > 0)",
                assertThrows(IllegalArgumentException.class, () -> new RowPartitioner(0)).getMessage());
    }
}
