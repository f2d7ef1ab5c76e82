package org.petuum.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RotationScheduleTest {

    @Test
    void neverPutsTwoWorkersOnOneBlockInARound() {
        for (int workers = 1; workers <= 6; workers++) {
            for (int blocks = workers; blocks <= 9; blocks++) {
                RotationSchedule s = new RotationSchedule(workers, blocks);
                for (long round = 0; round < 3L * blocks; round++) {
                    Set<Integer> seen = new HashSet<>();
                    for (int b : s.assignment(round)) {
                        assertTrue(seen.add(b), "block " + b + " twice in round " + round + " of " + workers + "x" + blocks);
                    }
                }
            }
        }
    }

    @Test
    void everyWorkerVisitsEveryBlockOncePerCycle() {
        RotationSchedule s = new RotationSchedule(3, 5);
        for (int w = 0; w < 3; w++) {
            Set<Integer> seen = new HashSet<>();
            for (long r = 0; r < 5; r++) {
                seen.add(s.blockOf(w, r));
            }
            assertEquals(5, seen.size(), "worker " + w);
        }
    }

    @Test
    void rejectsFewerBlocksThanWorkers() {
        assertThrows(IllegalArgumentException.class, () -> new RotationSchedule(4, 3));
    }
}
