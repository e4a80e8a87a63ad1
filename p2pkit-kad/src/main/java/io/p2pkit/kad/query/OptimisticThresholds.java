package io.p2pkit.kad.query;

/**
 * The distance thresholds of optimistic provide, as go-libp2p-kad-dht derives them: in a network of
 * N peers the normalised distance of the i-th closest peer to a key, times N, follows about a
 * Gamma(i, 1) distribution.
 *
 * <ul>
 *   <li>{@link #individual}: a peer nearer than the 10 % quantile of the k-th closest's distance
 *       is among the k closest with 90 % certainty, so it gets the record at once.</li>
 *   <li>{@link #set}: when the mean distance of the k closest peers known falls below the 90 %
 *       quantile of Gamma(k/2 + 1) / N, the set is very likely the true k closest: stop.</li>
 * </ul>
 */
public final class OptimisticThresholds {
    /** How sure a peer below the individual threshold must be to be among the k closest. */
    public static final double INDIVIDUAL_CERTAINTY = 0.9;
    /** Chance that the set threshold stops too early. */
    public static final double SET_STRICTNESS = 0.1;

    private OptimisticThresholds() {
    }

    /**
     * The distance below which one peer gets the record before the lookup ends.
     *
     * @param k    the replication parameter
     * @param size the estimated number of peers
     * @return a normalised distance in [0, 1]
     */
    public static double individual(int k, double size) {
        return gammaQuantile(k, 1 - INDIVIDUAL_CERTAINTY) / size;
    }

    /**
     * The mean distance of the k closest known peers below which the lookup stops.
     *
     * @param k    the replication parameter
     * @param size the estimated number of peers
     * @return a normalised distance in [0, 1]
     */
    public static double set(int k, double size) {
        return gammaQuantile(k / 2.0 + 1, 1 - SET_STRICTNESS) / size;
    }

    /**
     * The p-quantile of Gamma(shape, 1): the x with P(shape, x) = p, by bisection.
     *
     * @throws IllegalArgumentException if shape is not positive or p not inside (0, 1)
     */
    public static double gammaQuantile(double shape, double p) {
        if (!(shape > 0) || !(p > 0 && p < 1)) {
            throw new IllegalArgumentException("shape " + shape + " and p " + p + " out of range");
        }
        double lo = 0;
        double hi = shape + 10 * Math.sqrt(shape) + 10;
        while (regularizedGammaP(shape, hi) < p) {
            hi *= 2;
        }
        for (int i = 0; i < 100 && hi - lo > 1e-12 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (regularizedGammaP(shape, mid) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** The regularised lower incomplete gamma function P(a, x), by its power series. */
    static double regularizedGammaP(double a, double x) {
        if (x <= 0) {
            return 0;
        }
        double term = 1 / a;
        double sum = term;
        for (int n = 1; n < 10_000; n++) {
            term *= x / (a + n);
            sum += term;
            if (term < sum * 1e-16) {
                break;
            }
        }
        return Math.min(1, Math.exp(-x + a * Math.log(x) - logGamma(a)) * sum);
    }

    /** ln Γ(a) for a > 0 (Lanczos, g = 7, nine terms: about 15 digits). */
    static double logGamma(double a) {
        if (a < 0.5) {
            // reflection keeps the approximation in its accurate range
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * a))) - logGamma(1 - a);
        }
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        double z = a - 1;
        double s = c[0];
        for (int i = 1; i < c.length; i++) {
            s += c[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
    }
}
