package io.p2pkit.nat.autonat;

import io.p2pkit.core.host.Reachability;

/**
 * Turns probe outcomes into a reachability, with go-libp2p's confidence rules (v1's
 * {@code recordObservation}): one success makes the node public at once; a failure only counts
 * down the confidence in the current verdict, and flips it to private when none is left; an
 * inconclusive probe likewise wears the verdict down towards unknown. Confidence stays within
 * 0 to {@link #MAX_CONFIDENCE}. Not thread-safe: its owner serialises calls.
 */
final class ReachabilityConfidence {
    /** Confidence at which the verdict is considered settled (go's {@code maxConfidence}). */
    static final int MAX_CONFIDENCE = 3;

    private Reachability status = Reachability.UNKNOWN;
    private int confidence;

    Reachability status() {
        return status;
    }

    int confidence() {
        return confidence;
    }

    /** Records one probe's outcome and returns the verdict after it. */
    Reachability record(Reachability observation) {
        switch (observation) {
            case PUBLIC -> {
                if (status != Reachability.PUBLIC) {
                    status = Reachability.PUBLIC; // switch at once, confidence starts over
                    confidence = 0;
                } else if (confidence < MAX_CONFIDENCE) {
                    confidence++;
                }
            }
            case PRIVATE -> {
                if (status != Reachability.PRIVATE) {
                    if (confidence > 0) {
                        confidence--;
                    } else {
                        status = Reachability.PRIVATE;
                    }
                } else if (confidence < MAX_CONFIDENCE) {
                    confidence++;
                }
            }
            case UNKNOWN -> {
                if (confidence > 0) {
                    confidence--;
                } else {
                    status = Reachability.UNKNOWN;
                }
            }
        }
        return status;
    }

    /** Our addresses changed: a settled verdict is checked again sooner. */
    void addressesChanged() {
        if (confidence == MAX_CONFIDENCE) {
            confidence--;
        }
    }
}
