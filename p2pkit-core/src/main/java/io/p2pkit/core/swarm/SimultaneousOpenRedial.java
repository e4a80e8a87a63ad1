package io.p2pkit.core.swarm;

import io.p2pkit.core.multistream.NegotiationException;
import io.p2pkit.core.pnet.PrivateNetworkException;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.security.PeerIdMismatchException;
import io.p2pkit.core.upgrader.LazyProposalRefusedException;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Whether a connection dialed from a listening port, whose security upgrade failed, is worth one
 * redial from an ephemeral port. The dial may have crossed the remote's dial to this node in a TCP
 * simultaneous open, where both ends start the handshake as its initiator and fail on the first
 * message they read. A failure that says something definite (another peer, another private
 * network, a refused proposal the upgrade handles itself, our own resource limits) or that took
 * until the deadline (or an interruption) is not one of those, and another dial would not help.
 */
final class SimultaneousOpenRedial {
    private SimultaneousOpenRedial() {
    }

    /** Whether {@code upgradeFailure}, what the security upgrade threw, may come from a simultaneous open. */
    static boolean mayBeSimultaneousOpen(Throwable upgradeFailure) {
        for (Throwable t = upgradeFailure; t != null; t = t.getCause()) {
            if (t instanceof PeerIdMismatchException || t instanceof PrivateNetworkException
                    || t instanceof LazyProposalRefusedException || t instanceof ResourceLimitException
                    || t instanceof InterruptedIOException
                    || (t instanceof NegotiationException n && n.timedOut())) {
                return false;
            }
        }
        return upgradeFailure instanceof IOException;
    }
}
