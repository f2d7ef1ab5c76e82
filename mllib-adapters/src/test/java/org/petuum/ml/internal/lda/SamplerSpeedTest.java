package org.petuum.ml.internal.lda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The single-thread measurement samples every token once per pass and reports what it did (no timing asserted). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SamplerSpeedTest {

    @Test
    void everyPassSamplesEveryTokenAndReportsItsCost() {
        List<Vector> docs = List.of(Vectors.dense(3, 1, 0, 2, 5), Vectors.dense(0, 4, 2, 0, 1),
                Vectors.dense(0, 0, 0, 0, 0), Vectors.dense(9, 0, 0, 6, 1), Vectors.dense(0, 0, 7, 12, 4));
        SamplerSpeed.Pass[] passes = SamplerSpeed.measure(docs.iterator(), 5, 4, 0.5, 0.1, 3, 7);
        assertEquals(3, passes.length);
        for (SamplerSpeed.Pass p : passes) {
            assertEquals(57, p.tokens(), "every token of the non-empty documents, once");
            assertTrue(p.cpuSeconds() >= 0 && p.wallSeconds() > 0, p.toString());
            assertTrue(p.logLikelihoodPerToken() < 0 && p.logLikelihoodPerToken() > Math.log(1e-3), p.toString());
        }
    }
}
