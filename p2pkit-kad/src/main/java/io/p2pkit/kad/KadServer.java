package io.p2pkit.kad;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.reputation.Outcome;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.kad.provider.ProviderStore;
import io.p2pkit.kad.record.RecordStore;
import io.p2pkit.kad.routing.KadKey;
import io.p2pkit.kad.routing.RoutingTable;
import io.p2pkit.kad.wire.ConnectionType;
import io.p2pkit.kad.wire.KadMessage;
import io.p2pkit.kad.wire.KadPeer;
import io.p2pkit.kad.wire.KadRecord;
import io.p2pkit.kad.wire.MessageType;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server side of the DHT (go-libp2p-kad-dht's handlers.go): reads requests from inbound
 * {@code /ipfs/kad/1.0.0} streams and answers them from the routing table, the provider store and
 * the record store. {@link KadDht} serves it while in server mode; nothing here sends requests.
 */
final class KadServer {
    private final Host host;
    private final KadConfig config;
    private final RoutingTable table;
    private final ProviderStore providers;
    private final LocalRecords values;
    private final SignedPeerRecords signedRecords;
    /** Inbound streams being served, ended when the DHT closes. */
    private final Set<Stream> serving = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    KadServer(Host host, KadConfig config, RoutingTable table, ProviderStore providers, LocalRecords values,
              SignedPeerRecords signedRecords) {
        this.host = host;
        this.config = config;
        this.table = table;
        this.providers = providers;
        this.values = values;
        this.signedRecords = signedRecords;
    }

    /** Serves one inbound stream: request after request until the remote ends it or goes idle. */
    void serve(Stream s) throws IOException {
        serving.add(s);
        try {
            if (!closed) {
                serveRequests(s);
            }
        } finally {
            serving.remove(s);
        }
    }

    private void serveRequests(Stream s) throws IOException {
        try {
            serveRequests(s, s.remotePeer());
        } catch (DecodeException e) {
            host.reputation().record(s.remotePeer(), Outcome.PROTOCOL_ERROR); // the host resets the stream
            throw e;
        }
    }

    private void serveRequests(Stream s, PeerId remote) throws IOException {
        while (!closed) {
            ScheduledFuture<?> idle = host.scheduler().schedule(s::reset, config.streamIdleTimeout().toMillis(), TimeUnit.MILLISECONDS);
            byte[] raw;
            try {
                raw = LengthPrefixed.read(s.in(), KadMessage.MAX_BYTES);
            } finally {
                idle.cancel(false);
            }
            if (raw == null) {
                return;
            }
            KadMessage request = KadMessage.decode(raw);
            signedRecords.learnSender(remote, request);
            KadMessage reply = handle(remote, request);
            if (reply != null) {
                LengthPrefixed.write(s.out(), reply.withSenderRecord(signedRecords.own()).encode());
                s.out().flush();
            }
        }
    }

    /** Answers one request from {@code from}; null when no reply is due. */
    KadMessage handle(PeerId from, KadMessage req) {
        byte[] key = req.key();
        return switch (req.type()) {
            case PING -> KadMessage.request(MessageType.PING, new byte[0]);
            case FIND_NODE -> KadMessage.request(MessageType.FIND_NODE, key).withCloserPeers(closerPeers(key, from, true));
            case GET_VALUE -> {
                KadMessage reply = KadMessage.request(MessageType.GET_VALUE, key).withCloserPeers(closerPeers(key, from, false));
                Optional<byte[]> v = values.value(key);
                if (v.isPresent()) {
                    Instant at = values.store().get(key).map(RecordStore.Stored::received).orElse(config.clock().instant());
                    reply = reply.withRecord(new KadRecord(key, v.get(), at.toString()));
                }
                yield reply;
            }
            case PUT_VALUE -> {
                KadRecord rec = req.record().orElseThrow(() -> new DecodeException("Message.record", "PUT_VALUE without a record"));
                if (!Arrays.equals(rec.key(), key)) {
                    throw new DecodeException("Record.key", "the record's key differs from the message's");
                }
                byte[] value = rec.value();
                config.validators().validate(key, value);
                RecordStore records = values.store();
                Optional<byte[]> existing = records.get(key).map(RecordStore.Stored::value);
                // The same record again is a republish: stored anew, so its 48 h start over.
                if (existing.isEmpty() || Arrays.equals(existing.get(), value)
                        || config.validators().select(key, List.of(existing.get(), value)) == 1) {
                    records.put(key, value);
                }
                yield req;
            }
            case GET_PROVIDERS -> {
                Multihash.decode(key); // a key that is no multihash is a bad request
                List<KadPeer> provs = new ArrayList<>();
                for (PeerId p : providers.providers(key)) {
                    List<Multiaddr> addrs = p.equals(host.peerId()) ? host.addresses() : host.peerStore().addresses(p);
                    provs.add(signedRecords.entry(p, addrs, connectionType(p)));
                    if (provs.size() >= config.k()) {
                        break;
                    }
                }
                yield KadMessage.request(MessageType.GET_PROVIDERS, key)
                        .withCloserPeers(closerPeers(key, from, false)).withProviderPeers(provs);
            }
            case ADD_PROVIDER -> {
                Multihash.decode(key);
                for (KadPeer p : req.providerPeers()) {
                    // Only the sender may announce itself: anything else would let one peer poison the store.
                    if (p.peerId().equals(from)) {
                        if (providers.addProvider(key, from)) {
                            signedRecords.learn(p, config.providerAddressTtl());
                        }
                    }
                }
                yield null;
            }
        };
    }

    private List<KadPeer> closerPeers(byte[] key, PeerId requester, boolean includeTarget) {
        List<KadPeer> out = new ArrayList<>();
        if (includeTarget) {
            try {
                PeerId target = PeerId.decode(key);
                if (target.equals(host.peerId())) {
                    out.add(signedRecords.entry(target, host.addresses(), ConnectionType.CONNECTED));
                } else if (!target.equals(requester) && !table.contains(target)
                        && host.network().connection(target).isPresent()) {
                    List<Multiaddr> a = host.peerStore().addresses(target);
                    if (!a.isEmpty()) {
                        out.add(signedRecords.entry(target, a, ConnectionType.CONNECTED));
                    }
                }
            } catch (IllegalArgumentException e) {
                // not a peer ID: just closer peers
            }
        }
        for (PeerId p : table.nearest(KadKey.of(key), config.k() + 1)) {
            if (p.equals(requester) || out.size() >= config.k()) {
                continue;
            }
            List<Multiaddr> a = host.peerStore().addresses(p);
            if (!a.isEmpty()) {
                out.add(signedRecords.entry(p, a, connectionType(p)));
            }
        }
        return out;
    }

    private ConnectionType connectionType(PeerId p) {
        return host.network().connection(p).isPresent() ? ConnectionType.CONNECTED : ConnectionType.NOT_CONNECTED;
    }

    /** Stops serving: new streams are refused and the ones being served are reset. */
    void close() {
        closed = true;
        // Inbound streams would otherwise stay until their remote ends them or the idle timeout.
        for (Stream s : new ArrayList<>(serving)) {
            s.reset();
        }
    }
}
