package io.p2pkit.core.network;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Dialing a peer failed on every address; {@link #causes()} says why for each. */
public final class DialException extends IOException {
    private final PeerId peer;
    private final Map<Multiaddr, Throwable> causes;

    /**
     * @param peer    the peer that could not be reached
     * @param message why, in short (for example "all 3 addresses failed")
     * @param causes  each address tried and why it failed (added as suppressed exceptions too)
     */
    public DialException(PeerId peer, String message, Map<Multiaddr, Throwable> causes) {
        super(describe(peer, message, causes));
        this.peer = peer;
        this.causes = Map.copyOf(new LinkedHashMap<>(causes));
        for (Throwable cause : causes.values()) {
            addSuppressed(cause);
        }
    }

    /** The peer that could not be reached. */
    public PeerId peer() {
        return peer;
    }

    /** Each address tried and why it failed. */
    public Map<Multiaddr, Throwable> causes() {
        return causes;
    }

    /**
     * Whether every address failed on this node's own refusals (its resource limits, its connection
     * gater, its cap on dials in progress): the peer was never reached, so nothing was learnt about it.
     */
    public boolean refusedLocally() {
        return !causes.isEmpty() && causes.values().stream().allMatch(DialException::isLocalRefusal);
    }

    /**
     * Whether {@code failure} is this node's own refusal rather than a failure of the remote: a
     * local resource limit, the connection gater, the cap on dials in progress, or a dial that
     * failed only on those. A peer is not to be blamed (backed off, dropped from a routing table)
     * for it.
     */
    public static boolean isLocalRefusal(Throwable failure) {
        return failure instanceof io.p2pkit.core.resource.ResourceLimitException
                || failure instanceof ConnectionGatedException
                || failure instanceof TooManyDialsException
                || failure instanceof DialException d && d.refusedLocally();
    }

    private static String describe(PeerId peer, String message, Map<Multiaddr, Throwable> causes) {
        StringBuilder sb = new StringBuilder("cannot dial ").append(peer).append(": ").append(message);
        for (Map.Entry<Multiaddr, Throwable> e : causes.entrySet()) {
            Throwable t = e.getValue();
            sb.append("\n  ").append(e.getKey()).append(": ")
                    .append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
        return sb.toString();
    }
}
