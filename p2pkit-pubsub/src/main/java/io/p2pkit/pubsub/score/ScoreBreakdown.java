package io.p2pkit.pubsub.score;

import java.util.Locale;

/**
 * A peer's score split into the v1.1 components, each already weighted (topic terms summed over
 * topics with their topic weights, before the topic cap). Used to see which component pushes a
 * peer below a threshold.
 *
 * @param timeInMesh      P1
 * @param firstDeliveries P2
 * @param meshDeliveries  P3 (the delivery deficit while active)
 * @param meshFailure     P3b (the penalty left by a deficit at prune time)
 * @param invalid         P4
 * @param appSpecific     P5
 * @param ipColocation    P6
 * @param behaviour       P7
 * @param total           the score itself (with the topic cap applied)
 */
public record ScoreBreakdown(double timeInMesh, double firstDeliveries, double meshDeliveries, double meshFailure,
                             double invalid, double appSpecific, double ipColocation, double behaviour, double total) {
    /** The components' names, in the order of {@link #components()}. */
    public static final String[] NAMES = {"P1", "P2", "P3", "P3b", "P4", "P5", "P6", "P7"};

    /** The components in the order of {@link #NAMES}. */
    public double[] components() {
        return new double[] {timeInMesh, firstDeliveries, meshDeliveries, meshFailure, invalid, appSpecific,
                ipColocation, behaviour};
    }

    /** The name of the most negative component, or "none" if no component is negative. */
    public String worst() {
        double[] c = components();
        int worst = -1;
        for (int i = 0; i < c.length; i++) {
            if (c[i] < 0 && (worst < 0 || c[i] < c[worst])) {
                worst = i;
            }
        }
        return worst < 0 ? "none" : NAMES[worst];
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ScoreBreakdown[P1=%.2f P2=%.2f P3=%.2f P3b=%.2f P4=%.2f P5=%.2f P6=%.2f P7=%.2f = %.2f]",
                timeInMesh, firstDeliveries, meshDeliveries, meshFailure, invalid, appSpecific, ipColocation, behaviour, total);
    }
}
