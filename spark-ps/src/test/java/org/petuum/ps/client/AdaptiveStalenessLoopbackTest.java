package org.petuum.ps.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * {@code SSP_AUTO} end to end over real sockets: workers on threads against two shard servers on loopback, one of
 * them a straggler. Every read is checked against the bound in force for its worker at that moment, which must lie
 * in {@code [0, max]}, and every clock's report to the clock listener must carry that bound.
 *
 * <p>Each worker's client runs on a clock the worker drives, one simulated second per clock of computing, so the
 * real waiting is a small share of a clock unless a worker waits for the straggler: what the controllers decide does
 * not depend on how fast this machine is.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AdaptiveStalenessLoopbackTest {
    private static final int SHARDS = 2;
    private static final int WORKERS = 3;
    private static final int MAX = 3;
    private static final int CLOCKS = 30;
    private static final int STRAGGLER = 2;

    private LoopbackShards cluster;
    private ExecutorService threads;

    @BeforeEach
    void start() throws InterruptedException {
        cluster = new LoopbackShards(SHARDS, LoopbackShards.TEST_CONF);
        threads = Executors.newFixedThreadPool(WORKERS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        cluster.closeAfter(threads);
    }

    @Test
    void everyReadKeepsTheBoundInForceWhichStaysWithinMaxAndIsReportedWithEachClock() throws Exception {
        TableRef table = new TableRef(0, TableSpec.dense("auto", 6, WORKERS).consistency(Consistency.sspAuto(MAX)));
        RunPlan plan = cluster.beginRun(1, WORKERS, LoopbackShards.TEST_CONF, List.of(table));
        AtomicLong[] readsBelowMax = new AtomicLong[WORKERS];
        List<List<Integer>> boundsPerClock = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            readsBelowMax[w] = new AtomicLong();
            boundsPerClock.add(java.util.Collections.synchronizedList(new ArrayList<>()));
        }
        LoopbackShards.runWorkers(threads, WORKERS, w -> {
            long[] now = {0};
            PsClient client = cluster.client("worker " + w, LoopbackShards.TEST_CONF, () -> now[0]);
            List<Integer> reported = new ArrayList<>();
            client.clockListener(new ClockListener() {
                @Override
                public void clocked(long runId, int worker, int clock, boolean last) {
                    if (!last) {
                        throw new AssertionError("a worker's clock was reported without its bounds");
                    }
                }

                @Override
                public void clocked(long runId, int worker, int clock, boolean last, Map<String, Integer> bounds) {
                    if (!last) {
                        reported.add(bounds.get("auto"));
                    }
                }
            });
            try (PsWorker worker = new PsWorker(client, plan, w)) {
                PsTable t = worker.table("auto");
                for (int c = 0; c < CLOCKS; c++) {
                    int bound = t.staleness();
                    if (bound < 0 || bound > MAX) {
                        throw new AssertionError("worker " + w + " at clock " + c + ": bound " + bound);
                    }
                    double[][] rows = t.get(new int[] {0, 1, 2, 3, 4, 5});
                    for (int r = 0; r < rows.length; r++) {
                        for (int o = 0; o < WORKERS; o++) {
                            double seen = rows[r][o];
                            if (o == w ? seen != c : seen < c - bound) {
                                throw new AssertionError("worker " + w + " at clock " + c + " read row " + r + " with "
                                        + seen + " clocks of worker " + o + " under the bound in force " + bound);
                            }
                        }
                        t.inc(r, w, 1);
                    }
                    readsBelowMax[w].addAndGet(bound < MAX ? 1 : 0);
                    if (w == STRAGGLER) {
                        Thread.sleep(40);
                    }
                    now[0] += 1_000_000_000L; // a simulated second of computing per clock
                    worker.clock();
                    boundsPerClock.get(w).add(t.staleness());
                }
            }
            assertEquals(boundsPerClock.get(w), reported, "worker " + w + ": bounds reported with its clocks");
        });
        double[][] end = cluster.readDense(table);
        for (double[] row : end) {
            for (int w = 0; w < WORKERS; w++) {
                assertEquals(CLOCKS, row[w], 0.0, "every clock of worker " + w + " reached every row");
            }
        }
        // The straggler is never behind anyone and hardly waits: its bound goes unused and falls; so some of its
        // reads were checked against a bound tighter than the max.
        assertTrue(readsBelowMax[STRAGGLER].get() > 0, "the straggler's bounds per clock: "
                + boundsPerClock.get(STRAGGLER));
    }
}
