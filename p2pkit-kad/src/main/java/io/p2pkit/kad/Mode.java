package io.p2pkit.kad;

/** Whether a node serves the DHT protocol to others. */
public enum Mode {
    /** Serve the protocol: advertise it in identify and answer requests. */
    SERVER,
    /** Only query others; the protocol is neither advertised nor answered. */
    CLIENT,
    /**
     * Server when the node is publicly reachable, client otherwise, switching whenever the host's
     * reachability ({@code Host.reachability()}, kept by AutoNAT) changes. Until it is known to be
     * public this means client, as in Kubo.
     */
    AUTO
}
