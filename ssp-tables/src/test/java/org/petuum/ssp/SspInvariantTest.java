package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SSP guarantee as an invariant over many seeded simulated runs (see {@link SspSimulation}): no read misses
 * an update older than the staleness bound, every read sees the reader's own updates, nothing is invented,
 * and at the end every shard holds each worker's updates exactly once (those made after its last clock too),
 * although some flushes are delivered twice. Workers that stop early never hold the others back.
 */
class SspInvariantTest {
    private static final int SEEDS = 200;

    static Stream<Consistency> models() {
        return Stream.of(Consistency.bsp(), Consistency.ssp(1), Consistency.ssp(3), Consistency.async(),
                Consistency.sspAuto(1), Consistency.sspAuto(3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyReadIsWithinTheStalenessBoundAndSeesItsOwnWrites(Consistency model) {
        long reads = 0;
        long cacheHits = 0;
        long parked = 0;
        long duplicates = 0;
        long trailing = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            SspSimulation.Result r = SspSimulation.run(model, seed, SspSimulation.REAL_RULE);
            assertNull(r.violation(), r.violation());
            reads += r.reads();
            cacheHits += r.cacheHits();
            parked += r.parkedReads();
            duplicates += r.duplicatesDropped();
            trailing += r.trailingIncrements();
        }
        // The runs must have exercised what the invariant is about, or passing it means nothing.
        assertTrue(reads > 10L * SEEDS, "reads: " + reads);
        assertTrue(cacheHits > 0, "no read was served from a process cache");
        assertTrue(duplicates > SEEDS / 2, "too few repeated flushes were delivered: " + duplicates);
        assertTrue(trailing > SEEDS / 4, "too few workers incremented after their last clock: " + trailing);
        if (model.bounded()) {
            assertTrue(parked > 0, "no read ever waited for a slower worker");
        } else {
            assertEquals(0, parked, "an ASYNC read waited");
        }
    }

    @Test
    void adaptiveBoundsMoveBothWaysWithinTheirMaxAndEveryReadKeepsTheOneInForce() {
        for (Consistency model : new Consistency[] {Consistency.sspAuto(3), Consistency.sspAuto(2)}) {
            long reads = 0;
            long belowMax = 0;
            long raises = 0;
            long drops = 0;
            for (long seed = 1; seed <= SEEDS; seed++) {
                SspSimulation.Result r = SspSimulation.run(model, seed, SspSimulation.REAL_RULE);
                assertNull(r.violation(), r.violation());
                reads += r.reads();
                belowMax += r.adaptive().readsBelowMax();
                raises += r.adaptive().raises();
                drops += r.adaptive().drops();
            }
            // Reads under a bound tighter than the max, and bounds that rose again: the checks of the bound in
            // force were exercised where it differs from SSP(max).
            String counts = model + ": " + reads + " reads, " + belowMax + " below the max, bound raised " + raises
                    + " and lowered " + drops + " times";
            assertTrue(belowMax > 50 && drops > 20 && raises > 10, counts);
        }
    }

    @Test
    void largerStalenessMakesFewerReadsWait() {
        long[] parked = new long[3];
        Consistency[] models = {Consistency.bsp(), Consistency.ssp(1), Consistency.ssp(3)};
        for (long seed = 1; seed <= 50; seed++) {
            for (int m = 0; m < models.length; m++) {
                parked[m] += SspSimulation.run(models[m], seed, SspSimulation.REAL_RULE).parkedReads();
            }
        }
        assertTrue(parked[0] > parked[1] && parked[1] > parked[2] && parked[2] > 0,
                "reads that waited under BSP, SSP(1), SSP(3): " + java.util.Arrays.toString(parked));
    }

    @Test
    void asyncReadsAskTheShardsNoMoreOftenThanSsp3AndTheirCopiesArePushed() {
        long[] fetches = new long[2];
        long pushes = 0;
        Consistency[] models = {Consistency.ssp(3), Consistency.async()};
        for (long seed = 1; seed <= SEEDS; seed++) {
            for (int m = 0; m < models.length; m++) {
                SspSimulation.Result r = SspSimulation.run(models[m], seed, SspSimulation.REAL_RULE);
                assertNull(r.violation(), r.violation());
                fetches[m] += r.fetches();
                pushes += m == 1 ? r.pushes() : 0;
            }
        }
        assertTrue(fetches[1] <= fetches[0], "reads that asked a shard under SSP(3), ASYNC: "
                + java.util.Arrays.toString(fetches));
        assertTrue(pushes > SEEDS, "ASYNC pushes: " + pushes);
    }

    static Stream<Arguments> brokenRules() {
        SspSimulation.FreshnessRule anyCachedRow = (w, t, row, cached) -> cached != null;
        // Accepts what the max allows rather than the bound in force (and the worker's own updates as the real rule).
        SspSimulation.FreshnessRule maxNotInForce = (w, t, row, cached) -> cached != null
                && cached.version() >= t.spec().consistency().minVersion(w.clock())
                && w.isFresh(t, row, new CachedRow(w.minVersion(t), cached.fetchSeq(), cached.values()));
        SspSimulation.FreshnessRule staleByOne =
                (w, t, row, cached) -> cached != null && cached.version() >= w.minVersion(t) - 1
                        && w.isFresh(t, row, new CachedRow(w.minVersion(t), cached.fetchSeq(), cached.values()));
        // A rule that ignores read-my-writes breaks nothing any more: a worker's view adds back its own updates
        // that a cached row lacks (WorkerState keeps them in a log), so only the staleness bound can be broken.
        return Stream.of(
                Arguments.of("accepts any cached row", Consistency.bsp(), anyCachedRow, "staleness 0 requires"),
                Arguments.of("allows one clock too many", Consistency.ssp(1), staleByOne, "staleness 1 requires"),
                Arguments.of("accepts any cached row", Consistency.ssp(3), anyCachedRow, "staleness 3 requires"),
                Arguments.of("accepts any cached row", Consistency.async(), anyCachedRow,
                        "more than one clock behind"),
                Arguments.of("accepts rows within the max, not the bound in force", Consistency.sspAuto(3),
                        maxNotInForce, "the bound in force"));
    }

    @ParameterizedTest(name = "{1}: a rule that {0} is caught")
    @MethodSource("brokenRules")
    void brokenFreshnessRuleViolatesTheInvariant(String what, Consistency model, SspSimulation.FreshnessRule rule,
                                                 String expectedViolation) {
        String found = null;
        for (long seed = 1; seed <= SEEDS && found == null; seed++) {
            String v = SspSimulation.run(model, seed, rule).violation();
            if (v != null && v.contains(expectedViolation)) {
                found = v;
            }
        }
        assertTrue(found != null, "no seed exposed a rule that " + what + " under " + model);
    }
}
