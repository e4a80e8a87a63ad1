package io.p2pkit.nat.portmap;

import java.io.IOException;
import java.net.InetAddress;

/** One way of asking the gateway for mappings: NAT-PMP or a UPnP IGD. */
interface Backend extends AutoCloseable {
    /**
     * A mapping the gateway granted.
     *
     * @param externalPort the external port
     * @param lease        the lease in seconds, 0 for a permanent one
     */
    record Granted(int externalPort, long lease) {
    }

    /** How mappings are reported, e.g. {@code NAT-PMP}. */
    String method();

    InetAddress externalAddress() throws IOException, InterruptedException;

    Granted add(Protocol protocol, int internalPort, int preferredExternalPort, long leaseSeconds)
            throws IOException, InterruptedException;

    void remove(Protocol protocol, int internalPort, int externalPort) throws IOException, InterruptedException;

    @Override
    void close();
}
