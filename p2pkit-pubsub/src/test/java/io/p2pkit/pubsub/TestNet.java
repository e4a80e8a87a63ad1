package io.p2pkit.pubsub;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.transport.memory.MemoryNetwork;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Hosts with pubsub on an in-memory network, closed together. */
public final class TestNet implements AutoCloseable {
    private final MemoryNetwork network = new MemoryNetwork();
    private final List<Host> hosts = new ArrayList<>();
    private final List<PubSub> nodes = new ArrayList<>();

    /** An empty network. */
    public TestNet() {
    }

    /** The memory network. */
    public MemoryNetwork network() {
        return network;
    }

    /** A new host (plaintext + yamux, no identify) running pubsub with the router {@code router} makes. */
    public PubSub node(PubsubConfig config, Supplier<Router> router) throws IOException {
        Host h = Host.builder().identity(PrivateKey.generateEd25519()).transport(key -> network.transport())
                .listen("/memory/0").security("plaintext").muxers("yamux").identify(false).ping(false).build();
        hosts.add(h);
        PubSub p = PubSub.start(h, config, router.get());
        nodes.add(p);
        return p;
    }

    /** Connects {@code a} to {@code b}. */
    public static void connect(PubSub a, PubSub b) throws IOException {
        a.host().connect(new PeerInfo(b.host().peerId(), b.host().addresses()));
    }

    @Override
    public void close() {
        for (PubSub p : nodes) {
            p.close();
        }
        for (Host h : hosts) {
            h.close();
        }
    }
}
