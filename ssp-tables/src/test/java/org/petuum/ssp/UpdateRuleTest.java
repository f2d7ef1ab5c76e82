package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** {@link UpdateRule} as a value: validation, parsing, printing, and its place in {@link TableSpec}. */
class UpdateRuleTest {

    @Test
    void everyTableAddsItsUpdatesUnlessToldOtherwise() {
        TableSpec spec = TableSpec.dense("w", 1, 2).staleness(3);
        assertSame(UpdateRule.add(), spec.updateRule());
        assertTrue(spec.updateRule().isAdd());
        assertSame(UpdateRule.add(), TableSpec.sparse("s", 1, 2).updateRule());
    }

    @Test
    void outOfRangeParametersAreRefusedNamingTheParameterAndItsRange() {
        assertRefused(() -> UpdateRule.adaGrad(0, 1e-8), "learningRate : 0.0 (expected: finite and > 0)");
        assertRefused(() -> UpdateRule.adaGrad(-0.1, 1e-8), "learningRate : -0.1");
        assertRefused(() -> UpdateRule.adaGrad(Double.NaN, 1e-8), "learningRate : NaN");
        assertRefused(() -> UpdateRule.adaGrad(Double.POSITIVE_INFINITY, 1e-8), "learningRate : Infinity");
        assertRefused(() -> UpdateRule.adaGrad(0.1, 0), "epsilon : 0.0 (expected: finite and > 0)");
        assertRefused(() -> UpdateRule.adam(0.1, 1, 0.999, 1e-8), "beta1 : 1.0 (expected: 0 <= beta1 < 1)");
        assertRefused(() -> UpdateRule.adam(0.1, -0.5, 0.999, 1e-8), "beta1 : -0.5");
        assertRefused(() -> UpdateRule.adam(0.1, 0.9, Double.NaN, 1e-8), "beta2 : NaN (expected: 0 <= beta2 < 1)");
        assertRefused(() -> UpdateRule.adam(0.1, 0.9, 0.999, -1), "epsilon : -1.0");
        assertRefused(() -> UpdateRule.of(UpdateRule.Kind.ADAM, 0.1, 1e-8), "2 parameters (expected: 4)");
    }

    @Test
    void aBetaOfZeroIsAccepted() {
        UpdateRule r = UpdateRule.adam(0.5, 0, 0, 1);
        assertEquals(0, r.beta1());
        assertEquals(0, r.beta2());
    }

    @Test
    void toStringPrintsShortNumbersAndParsesBackToAnEqualRule() {
        UpdateRule adaGrad = UpdateRule.adaGrad(0.1, 1e-8);
        UpdateRule adam = UpdateRule.adam(0.001, 0.9, 0.999, 1e-8);
        assertEquals("ADAGRAD(lr=0.1,eps=1e-8)", adaGrad.toString());
        assertEquals("ADAM(lr=0.001,beta1=0.9,beta2=0.999,eps=1e-8)", adam.toString());
        assertEquals("ADAM(lr=2,beta1=0,beta2=0.5,eps=1.5e-300)", UpdateRule.adam(2, 0, 0.5, 1.5e-300).toString());
        assertEquals("ADD", UpdateRule.add().toString());
        for (UpdateRule r : List.of(UpdateRule.add(), adaGrad, adam, UpdateRule.adaGrad(1.0 / 3, Double.MIN_VALUE),
                UpdateRule.adam(Math.PI, 1 - 1e-16, Math.ulp(0.5), Double.MAX_VALUE))) {
            assertEquals(r, UpdateRule.parse(r.toString()), r.toString());
        }
    }

    @Test
    void parseIsCaseInsensitiveAndTakesParametersInAnyOrder() {
        assertEquals(UpdateRule.adaGrad(0.1, 1e-8), UpdateRule.parse(" adagrad( eps = 1E-8 , lr=0.1 ) "));
        assertEquals(UpdateRule.adam(0.01, 0.8, 0.99, 1e-6),
                UpdateRule.parse("Adam(beta2=0.99, eps=1e-6, lr=0.01, beta1=0.8)"));
        assertSame(UpdateRule.add(), UpdateRule.parse("add"));
    }

    @Test
    void parseRefusesWhatItCannotReadSayingWhatWasExpected() {
        assertRefused(() -> UpdateRule.parse("SGD(lr=0.1)"), "expected: ADD, ADAGRAD(");
        assertRefused(() -> UpdateRule.parse("ADAGRAD"), "expected: ADD, ADAGRAD(");
        assertRefused(() -> UpdateRule.parse("ADD()"), "expected: ADD, ADAGRAD(");
        assertRefused(() -> UpdateRule.parse("ADAGRAD(lr=0.1"), "expected: ADD, ADAGRAD(");
        assertRefused(() -> UpdateRule.parse("ADAGRAD(lr=0.1)"), "lacks eps");
        assertRefused(() -> UpdateRule.parse("ADAGRAD(lr=0.1,eps=1,beta1=0.9)"), "'beta1=0.9'");
        assertRefused(() -> UpdateRule.parse("ADAGRAD(lr=0.1,eps)"), "'eps' (expected: name=value");
        assertRefused(() -> UpdateRule.parse("ADAGRAD(lr=x,eps=1)"), "lr is not a number");
        assertRefused(() -> UpdateRule.parse("ADAGRAD(lr=0.1,lr=0.2,eps=1)"), "gives lr twice");
        assertRefused(() -> UpdateRule.parse("ADAGRAD(lr=-1,eps=1)"), "learningRate : -1.0");
    }

    @Test
    void rulesAreValuesAndSurviveJavaSerialization() throws Exception {
        assertEquals(UpdateRule.adaGrad(0.1, 1e-8), UpdateRule.adaGrad(0.1, 1e-8));
        assertEquals(UpdateRule.adaGrad(0.1, 1e-8).hashCode(), UpdateRule.adaGrad(0.1, 1e-8).hashCode());
        assertNotEquals(UpdateRule.adaGrad(0.1, 1e-8), UpdateRule.adaGrad(0.2, 1e-8));
        assertNotEquals(UpdateRule.adaGrad(0.1, 1e-8), UpdateRule.adam(0.1, 0.9, 0.999, 1e-8));
        UpdateRule adam = UpdateRule.adam(0.001, 0.9, 0.999, 1e-8);
        assertArrayEquals(new double[] {0.001, 0.9, 0.999, 1e-8}, adam.parameters());
        adam.parameters()[0] = 5;
        assertEquals(0.001, adam.learningRate(), "parameters() must hand out a copy");
        assertEquals(adam, roundTrip(adam));
        assertSame(UpdateRule.add(), roundTrip(UpdateRule.add()));
    }

    @Test
    void theRuleIsPartOfATablesIdentity() throws Exception {
        TableSpec plain = TableSpec.dense("w", 2, 3).staleness(1);
        TableSpec adaGrad = plain.updateRule(UpdateRule.adaGrad(0.1, 1e-8));
        assertNotEquals(plain, adaGrad);
        assertEquals(adaGrad, TableSpec.dense("w", 2, 3).updateRule(UpdateRule.adaGrad(0.1, 1e-8)).staleness(1),
                "changing the consistency keeps the rule");
        assertEquals(adaGrad.hashCode(), plain.staleness(1).updateRule(UpdateRule.adaGrad(0.1, 1e-8)).hashCode());
        assertTrue(adaGrad.toString().contains("updateRule=ADAGRAD(lr=0.1,eps=1e-8)"), adaGrad.toString());
        assertEquals(adaGrad, roundTrip(adaGrad));
    }

    private static void assertRefused(Executable e, String fact) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(fact), "'" + x.getMessage() + "' does not mention '" + fact + "'");
    }

    @SuppressWarnings("unchecked")
    private static <V> V roundTrip(V value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (V) in.readObject();
        }
    }
}
