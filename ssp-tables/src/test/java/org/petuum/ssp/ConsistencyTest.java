package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConsistencyTest {

    @Test
    void bspReadAtClockCNeedsVersionC() {
        assertEquals(0, Consistency.bsp().minVersion(0));
        assertEquals(7, Consistency.bsp().minVersion(7));
    }

    @Test
    void sspReadAtClockCNeedsVersionCMinusStaleness() {
        Consistency c = Consistency.ssp(3);
        assertEquals(2, c.minVersion(5));
        assertEquals(-3, c.minVersion(0));
        assertEquals((long) Integer.MAX_VALUE - 3, c.minVersion(Integer.MAX_VALUE));
    }

    @Test
    void asyncNeverAsksForAVersion() {
        assertEquals(Long.MIN_VALUE, Consistency.async().minVersion(0));
        assertEquals(Long.MIN_VALUE, Consistency.async().minVersion(1_000));
        assertFalse(Consistency.async().bounded());
        assertTrue(Consistency.bsp().bounded());
        assertTrue(Consistency.ssp(2).bounded());
    }

    @Test
    void sspZeroIsBsp() {
        assertSame(Consistency.bsp(), Consistency.ssp(0));
        assertEquals(Consistency.Model.BSP, Consistency.ssp(0).model());
        assertEquals(Consistency.Model.SSP, Consistency.ssp(1).model());
        assertEquals(4, Consistency.ssp(4).staleness());
        assertEquals(0, Consistency.async().staleness());
    }

    @ParameterizedTest
    @ValueSource(strings = {"BSP", "SSP(1)", "SSP(3)", "SSP(1000000)", "ASYNC"})
    void toStringParsesBackToAnEqualValue(String text) {
        Consistency c = Consistency.parse(text);
        assertEquals(text, c.toString());
        assertEquals(c, Consistency.parse(c.toString()));
        assertEquals(c.hashCode(), Consistency.parse(c.toString()).hashCode());
    }

    @Test
    void parseIgnoresCaseAndSpaces() {
        assertEquals(Consistency.ssp(3), Consistency.parse(" ssp( 3 ) "));
        assertSame(Consistency.bsp(), Consistency.parse("bsp"));
        assertSame(Consistency.async(), Consistency.parse("Async"));
        assertSame(Consistency.bsp(), Consistency.parse("SSP(0)"));
    }

    @Test
    void parseRejectsUnknownTextNamingWhatIsAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Consistency.parse("eventual"));
        assertTrue(e.getMessage().contains("'eventual'"), e.getMessage());
        assertTrue(e.getMessage().contains("BSP, SSP(s) or ESSP(s) with 0 <= s <= 1000000, ASYNC, or VALUE_BOUND(v)"),
                e.getMessage());
    }

    @Test
    void esspAndValueBoundRoundTripThroughTheirText() {
        for (Consistency c : new Consistency[] {Consistency.essp(2), Consistency.valueBound(0.25), Consistency.essp(0)}) {
            assertEquals(c, Consistency.parse(c.toString()));
        }
        assertEquals("ESSP(2)", Consistency.essp(2).toString());
        assertEquals(Long.MIN_VALUE, Consistency.valueBound(1).minVersion(7), "value-bounded reads never wait on clocks");
        assertEquals(5, Consistency.essp(2).minVersion(7));
        assertTrue(Consistency.essp(2).pushes() && Consistency.essp(2).bounded());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Consistency.valueBound(0));
        assertTrue(e.getMessage().startsWith("value bound : 0.0"), e.getMessage());
    }

    @Test
    void sspAutoIsBoundedByItsMaxAndParsesBack() {
        Consistency c = Consistency.sspAuto(5);
        assertEquals(Consistency.Model.SSP_AUTO, c.model());
        assertEquals("SSP_AUTO(5)", c.toString());
        assertEquals(c, Consistency.parse(" ssp_auto( 5 ) "));
        assertEquals(c, Consistency.of(Consistency.Model.SSP_AUTO, 5, 0));
        assertEquals(5, c.staleness());
        assertTrue(c.bounded() && c.adaptive());
        assertFalse(c.pushes() || c.pushesOnFlush());
        assertFalse(Consistency.ssp(5).adaptive() || Consistency.bsp().adaptive() || Consistency.async().adaptive());
        assertFalse(c.equals(Consistency.ssp(5)));
        assertEquals(2, c.minVersion(7), "the loosest version a worker may ask for, under its max");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Consistency.MAX_STALENESS + 1})
    void sspAutoOutsideOneToMaxNamesTheParameterAndTheRange(int max) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Consistency.sspAuto(max));
        assertEquals("max staleness : " + max + " (expected: 1 <= max <= 1000000)", e.getMessage());
        IllegalArgumentException parsed = assertThrows(IllegalArgumentException.class,
                () -> Consistency.parse("SSP_AUTO(" + max + ")"));
        assertEquals(e.getMessage(), parsed.getMessage());
    }

    @Test
    void parseRejectsNonIntegerStalenessKeepingTheCause() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Consistency.parse("SSP(two)"));
        assertTrue(e.getMessage().contains("'SSP(two)'"), e.getMessage());
        assertTrue(e.getCause() instanceof NumberFormatException);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, Integer.MIN_VALUE, Consistency.MAX_STALENESS + 1})
    void outOfRangeStalenessNamesTheKeyAndTheRange(int s) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Consistency.ssp(s));
        assertEquals("staleness : " + s + " (expected: 0 <= staleness <= 1000000)", e.getMessage());
        IllegalArgumentException parsed = assertThrows(IllegalArgumentException.class,
                () -> Consistency.parse("SSP(" + s + ")"));
        assertTrue(parsed.getMessage().startsWith("staleness : " + s), parsed.getMessage());
    }

    @Test
    void largestStalenessIsAccepted() {
        assertEquals(Consistency.MAX_STALENESS, Consistency.ssp(Consistency.MAX_STALENESS).staleness());
    }

    @Test
    void valuesAreEqualByModelAndStaleness() {
        assertEquals(Consistency.ssp(2), Consistency.ssp(2));
        assertFalse(Consistency.ssp(2).equals(Consistency.ssp(3)));
        assertFalse(Consistency.bsp().equals(Consistency.async()));
    }

    @Test
    void javaSerializationKeepsTheSharedInstances() throws Exception {
        assertSame(Consistency.bsp(), roundTrip(Consistency.bsp()));
        assertSame(Consistency.async(), roundTrip(Consistency.async()));
        assertEquals(Consistency.ssp(5), roundTrip(Consistency.ssp(5)));
        assertEquals(Consistency.sspAuto(3), roundTrip(Consistency.sspAuto(3)));
    }

    static Object roundTrip(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
