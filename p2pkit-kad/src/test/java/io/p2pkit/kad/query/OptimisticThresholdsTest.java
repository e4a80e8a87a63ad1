package io.p2pkit.kad.query;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimisticThresholdsTest {
    @ParameterizedTest
    @CsvSource({"0.1", "0.5", "0.9"})
    void shapeOneIsTheExponential(double p) {
        assertEquals(-Math.log(1 - p), OptimisticThresholds.gammaQuantile(1, p), 1e-9);
    }

    @ParameterizedTest
    @CsvSource({"20, 0.1", "11, 0.9", "10.5, 0.9", "3, 0.5", "100, 0.1"})
    void theQuantileInvertsTheDistribution(double shape, double p) {
        double x = OptimisticThresholds.gammaQuantile(shape, p);
        assertEquals(p, OptimisticThresholds.regularizedGammaP(shape, x), 1e-9);
    }

    @Test
    void integerShapesMatchThePoissonSum() {
        // P(a, x) = 1 - e^-x * sum_{j<a} x^j / j! for integer a.
        double x = 14.0;
        double sum = 0;
        double term = 1;
        for (int j = 0; j < 20; j++) {
            sum += term;
            term *= x / (j + 1);
        }
        assertEquals(1 - Math.exp(-x) * sum, OptimisticThresholds.regularizedGammaP(20, x), 1e-12);
        assertEquals(Math.log(362880), OptimisticThresholds.logGamma(10), 1e-12);
    }

    @Test
    void thresholdsForTheDefaultK() {
        double n = 1000;
        double individual = OptimisticThresholds.individual(20, n);
        double set = OptimisticThresholds.set(20, n);
        // The 20th closest of 1000 lies near 20/1000 on average; the individual threshold is below that.
        assertTrue(individual < 20 / n && individual > 10 / n, "individual " + individual);
        assertTrue(set > 10 / n && set < 20 / n, "set " + set);
        assertThrows(IllegalArgumentException.class, () -> OptimisticThresholds.gammaQuantile(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> OptimisticThresholds.gammaQuantile(2, 1));
    }
}
