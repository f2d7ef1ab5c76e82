package org.petuum.ps.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;

/** A shard's push of many rows goes out in frames its reader accepts. */
@Timeout(10)
class RowPushSplitTest {

    private static RowsSnapshot rows(int count, int cols) {
        int[] ids = new int[count];
        RowValues[] values = new RowValues[count];
        for (int i = 0; i < count; i++) {
            ids[i] = 2 * i;
            values[i] = new DenseRow(cols);
            values[i].add(0, i);
        }
        return new RowsSnapshot(3, 9, ids, values);
    }

    @Test
    void theFixedPartOfAPushIsItsFrameWithoutRows() {
        RowPush empty = new RowPush(1, 2, rows(0, 1));
        assertEquals(RowPush.FRAME_OVERHEAD, FrameLayout.frameBytes(empty));
        RowPush one = new RowPush(1, 2, rows(1, 10));
        assertEquals(RowPush.FRAME_OVERHEAD + Rows.rowBytes(null, one.snapshot().values()[0]),
                FrameLayout.frameBytes(one), "the fixed part plus one row, sized as in an answer");
    }

    @Test
    void aPushOverTheFrameLimitIsSplitIntoFramesWithinItKeepingEveryRowInOrder() {
        RowsSnapshot all = rows(100, 100); // about 81 KB
        int limit = 64 * 1024 / 4;
        List<RowPush> pushes = RowPush.split(1, 77, all, limit);
        assertTrue(pushes.size() > 4, "pushes: " + pushes.size());
        List<Integer> ids = new ArrayList<>();
        for (RowPush p : pushes) {
            assertTrue(FrameLayout.frameBytes(p) <= limit, "a frame of " + FrameLayout.frameBytes(p) + " bytes");
            assertEquals(77, p.watermark());
            assertEquals(9, p.snapshot().version());
            assertEquals(3, p.snapshot().tableId());
            for (int i = 0; i < p.snapshot().size(); i++) {
                ids.add(p.snapshot().rows()[i]);
                assertEquals(p.snapshot().rows()[i] / 2, p.snapshot().values()[i].get(0));
            }
        }
        assertArrayEquals(all.rows(), ids.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void aPushWithinTheLimitStaysWholeAndARowTooLargeForAnyFrameIsLeftOut() {
        assertEquals(1, RowPush.split(1, 2, rows(10, 10), 64 * 1024).size());
        RowsSnapshot big = rows(3, 4000); // 32 KB per row
        List<RowPush> pushes = RowPush.split(1, 2, big, 16 * 1024);
        assertTrue(pushes.isEmpty(), "pushes: " + pushes);
    }
}
