package io.p2pkit.kad;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.Muxer;
import io.p2pkit.core.muxer.yamux.Yamux;
import io.p2pkit.core.muxer.yamux.YamuxConfig;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.transport.RawConnection;
import io.p2pkit.core.transport.memory.MemoryNetwork;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A peer that accepts connections and streams but never reads them, so never answers a protocol
 * negotiation or a request: a process that hangs while its connections stay up. A host with
 * plaintext and yamux on the memory transport, no identify, and a muxer of its own that keeps every
 * inbound stream from the host.
 */
final class SilentPeer implements AutoCloseable {
    private final Host host;
    private final PeerInfo info;
    private final Set<MuxedStream> held = ConcurrentHashMap.newKeySet();

    SilentPeer(MemoryNetwork memory) throws IOException {
        host = Host.builder().identity(PrivateKey.generateEd25519()).transport(key -> memory.transport())
                .security("plaintext").muxer(HoldingMuxer::new).identify(false).ping(false)
                .listen("/memory/0").build();
        info = new PeerInfo(host.peerId(), host.addresses());
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
            } catch (IOException e) {
                // going away anyway
            }
        }
        host.close();
    }

    /** yamux whose connections hold every stream the remote opens instead of handing it to the host. */
    private final class HoldingMuxer implements Muxer {
        private final Yamux yamux;

        HoldingMuxer(ScheduledExecutorService scheduler) {
            yamux = (Yamux) Yamux.factory(YamuxConfig.defaults()).create(scheduler);
        }

        @Override
        public String protocolId() {
            return yamux.protocolId();
        }

        @Override
        public MuxedConnection wrap(RawConnection connection, boolean initiator) throws IOException {
            return wrap(connection, initiator, MemoryScope.UNLIMITED);
        }

        @Override
        public MuxedConnection wrap(RawConnection connection, boolean initiator, MemoryScope memory) throws IOException {
            MuxedConnection inner = yamux.wrap(connection, initiator, memory);
            return new MuxedConnection() {
                @Override
                public MuxedStream openStream() throws IOException {
                    return inner.openStream();
                }

                @Override
                public MuxedStream acceptStream() throws IOException {
                    MuxedStream s;
                    while ((s = inner.acceptStream()) != null) {
                        held.add(s);
                    }
                    return null;
                }

                @Override
                public boolean isClosed() {
                    return inner.isClosed();
                }

                @Override
                public void close() throws IOException {
                    inner.close();
                }
            };
        }
    }
}
