package org.petuum.ps.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;

/** The brief watch for an answer before a waiting thread parks: its setting, and what it checks. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpinWaitTest {

    @AfterEach
    void backToTheDefault() {
        new PsClient("default", PsConf.from(Map.of())).close();
    }

    @Test
    void theSettingIsCheckedAndNamed() {
        assertEquals(200, PsConf.from(Map.of()).spinMicros());
        assertEquals(0, PsConf.from(Map.of(PsConf.SPIN_MICROS, "0")).spinMicros());
        for (String bad : new String[] {"-1", "100001", "soon"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PsConf.from(Map.of(PsConf.SPIN_MICROS, bad)));
            assertTrue(e.getMessage().contains(PsConf.SPIN_MICROS), e.getMessage());
        }
    }

    @Test
    void withoutSpinAWaitLooksOnceAndParks() {
        new PsClient("no spin", PsConf.from(Map.of(PsConf.SPIN_MICROS, "0"))).close();
        AtomicInteger looks = new AtomicInteger();
        PsClient.spinUntil(() -> looks.incrementAndGet() < 0);
        assertEquals(0, looks.get(), "with spinning off the condition is not even looked at");
    }

    @Test
    void aSpinningWaitTakesWhatComesAndGivesUpWhenNothingDoes() {
        new PsClient("spin", PsConf.from(Map.of(PsConf.SPIN_MICROS, "100000"))).close();
        AtomicInteger looks = new AtomicInteger();
        PsClient.spinUntil(() -> looks.incrementAndGet() >= 5);
        assertEquals(5, looks.get(), "the spin ends as soon as the answer is there");

        AtomicInteger never = new AtomicInteger();
        PsClient.spinUntil(() -> never.incrementAndGet() < 0);
        assertTrue(never.get() > 1, "a spin keeps looking until its time is up");
    }
}
