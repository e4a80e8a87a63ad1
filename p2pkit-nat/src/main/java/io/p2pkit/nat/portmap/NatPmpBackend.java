package io.p2pkit.nat.portmap;

import java.io.IOException;
import java.net.InetAddress;

/** Mappings through NAT-PMP. */
final class NatPmpBackend implements Backend {
    private final NatPmpClient client;

    NatPmpBackend(NatPmpClient client) {
        this.client = client;
    }

    @Override
    public String method() {
        return NatPmpClient.METHOD;
    }

    @Override
    public InetAddress externalAddress() throws IOException {
        return client.externalAddress();
    }

    @Override
    public Granted add(Protocol protocol, int internalPort, int preferredExternalPort, long leaseSeconds)
            throws IOException {
        NatPmpMessage.Response r = client.map(protocol, internalPort, preferredExternalPort, leaseSeconds);
        if (r.externalPort() == 0 || r.lifetime() == 0) {
            throw new IOException("NAT-PMP granted external port " + r.externalPort() + " for " + r.lifetime() + " s");
        }
        return new Granted(r.externalPort(), r.lifetime());
    }

    @Override
    public void remove(Protocol protocol, int internalPort, int externalPort) throws IOException {
        // lifetime 0 and suggested external port 0 delete the mapping (RFC 6886 §3.4)
        client.map(protocol, internalPort, 0, 0);
    }

    @Override
    public void close() {
        // nothing held between requests
    }
}
