package io.p2pkit.core.reputation;

/**
 * What was observed of a peer. Each outcome adds its weight to the peer's good or bad evidence
 * (see {@link PeerReputation} for the formula); the weights are fixed so that scores of different
 * nodes read alike.
 */
public enum Outcome {
    /** It did what was asked: a dial connected, a request was answered, a block arrived. Good, weight 1. */
    SUCCESS(1, 0),
    /** Every address of it failed to dial. Bad, weight 2. */
    DIAL_FAILURE(0, 2),
    /** A request to it went unanswered within its deadline. Bad, weight 1. */
    TIMEOUT(0, 1),
    /** It sent a malformed or oversized message, or a reply that breaks the protocol. Bad, weight 5. */
    PROTOCOL_ERROR(0, 5),
    /**
     * It answered that it does not have what was asked (Bitswap's DONT_HAVE). An honest answer,
     * so only slightly bad, weight 0.25: a peer that never has anything ranks below one that does.
     */
    DONT_HAVE(0, 0.25);

    private final double good;
    private final double bad;

    Outcome(double good, double bad) {
        this.good = good;
        this.bad = bad;
    }

    /** How much good evidence one such outcome adds. */
    public double goodWeight() {
        return good;
    }

    /** How much bad evidence one such outcome adds. */
    public double badWeight() {
        return bad;
    }
}
