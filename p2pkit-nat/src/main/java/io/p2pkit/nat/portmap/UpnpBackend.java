package io.p2pkit.nat.portmap;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Mappings through a UPnP IGD, handling the usual refusals: a port already mapped to someone else
 * (718: AddAnyPortMapping on IGD v2, another port on v1), permanent leases only (725: asks for a
 * permanent lease from then on), and external equal to internal port only (724).
 */
final class UpnpBackend implements Backend {
    private static final int ATTEMPTS = 4;

    private final UpnpClient client;
    private final InetAddress internalClient;
    private boolean permanentOnly;

    UpnpBackend(UpnpClient client, InetAddress internalClient) {
        this.client = client;
        this.internalClient = internalClient;
    }

    @Override
    public String method() {
        return client.method();
    }

    @Override
    public InetAddress externalAddress() throws IOException, InterruptedException {
        return client.externalAddress();
    }

    @Override
    public Granted add(Protocol protocol, int internalPort, int preferredExternalPort, long leaseSeconds)
            throws IOException, InterruptedException {
        int port = preferredExternalPort;
        PortMapException last = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            long lease = permanentOnly ? 0 : leaseSeconds;
            try {
                client.addPortMapping(protocol, port, internalClient, internalPort, lease);
                return new Granted(port, lease);
            } catch (PortMapException e) {
                last = e;
                switch (e.code()) {
                    case UpnpClient.ONLY_PERMANENT_LEASES_SUPPORTED -> {
                        if (permanentOnly) {
                            throw e;
                        }
                        permanentOnly = true;
                    }
                    case UpnpClient.SAME_PORT_VALUES_REQUIRED -> {
                        if (port == internalPort) {
                            throw e;
                        }
                        port = internalPort;
                    }
                    case UpnpClient.CONFLICT_IN_MAPPING_ENTRY -> {
                        if (client.service().isV2()) {
                            return new Granted(client.addAnyPortMapping(protocol, port, internalClient, internalPort,
                                    lease), lease);
                        }
                        port = ThreadLocalRandom.current().nextInt(1024, 65536);
                    }
                    default -> throw e;
                }
            }
        }
        throw last;
    }

    @Override
    public void remove(Protocol protocol, int internalPort, int externalPort) throws IOException, InterruptedException {
        try {
            client.deletePortMapping(protocol, externalPort);
        } catch (PortMapException e) {
            if (e.code() != UpnpClient.NO_SUCH_ENTRY_IN_ARRAY) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
