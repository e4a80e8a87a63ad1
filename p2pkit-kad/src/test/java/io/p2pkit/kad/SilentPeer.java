package io.p2pkit.kad;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.yamux.Yamux;
import io.p2pkit.core.muxer.yamux.YamuxConfig;
import io.p2pkit.core.network.Network;
import io.p2pkit.core.network.NetworkConfig;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.StreamSpan;
import io.p2pkit.core.security.plaintext.PlaintextTransport;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.core.upgrader.Upgrader;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A peer that accepts connections and streams but never reads them, so never answers a protocol
 * negotiation or a request: a process that hangs while its connections stay up. No host, no
 * identify: just the network layer with plaintext and yamux on the memory transport.
 */
final class SilentPeer implements AutoCloseable {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Network network;
    private final PeerInfo info;
    private final java.util.Set<MuxedStream> held = ConcurrentHashMap.newKeySet();
    private final java.util.Set<StreamSpan> spans = ConcurrentHashMap.newKeySet();

    SilentPeer(MemoryNetwork memory) throws IOException {
        PrivateKey identity = PrivateKey.generateEd25519();
        Upgrader upgrader = new Upgrader(List.of(new PlaintextTransport(identity)),
                List.of(new Yamux(YamuxConfig.defaults(), scheduler, System::nanoTime)), scheduler,
                Duration.ofSeconds(10), Duration.ofSeconds(10));
        network = new Network(identity.publicKey().toPeerId(), List.of(memory.transport()), upgrader,
                new ResourceManager(), NetworkConfig.defaults(), (stream, span, connection) -> {
                    held.add(stream);
                    spans.add(span);
                });
        Multiaddr addr = network.listen(Multiaddr.parse("/memory/0"));
        info = new PeerInfo(identity.publicKey().toPeerId(), List.of(addr));
    }

    /** How to reach it. */
    PeerInfo info() {
        return info;
    }

    /** Streams opened to it so far. */
    int streams() {
        return held.size();
    }

    @Override
    public void close() {
        for (MuxedStream s : held) {
            try {
                s.reset();
            } catch (IOException ignored) {
                // going away anyway
            }
        }
        spans.forEach(StreamSpan::close);
        network.close();
        scheduler.shutdownNow();
    }
}
