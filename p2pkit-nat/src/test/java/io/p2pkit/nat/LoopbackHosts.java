package io.p2pkit.nat;

import io.p2pkit.core.host.Host;
import io.p2pkit.nat.relay.RelayConfig;
import io.p2pkit.nat.relay.RelayService;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Hosts on loopback TCP for one test, closed together afterwards (the relay and AutoRelay tests share it). */
public final class LoopbackHosts implements AutoCloseable {
    private final List<Host> hosts = new ArrayList<>();

    /** A new host listening on a loopback TCP port. */
    public Host host() throws IOException {
        return add(Host.builder().listen("/ip4/127.0.0.1/tcp/0").build());
    }

    /** A new host serving circuit relay v2 with {@code config}. */
    public Host relay(RelayConfig config) throws IOException {
        Host r = host();
        RelayService.attach(r, config);
        return r;
    }

    /** Closes {@code h} with the others. */
    public Host add(Host h) {
        hosts.add(h);
        return h;
    }

    @Override
    public void close() {
        hosts.forEach(Host::close);
    }
}
