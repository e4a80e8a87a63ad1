package io.p2pkit.core.identify;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.cache.RecentlyVerified;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.host.LocalChange;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.Envelope;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.core.peerstore.AddressTtl;
import io.p2pkit.core.peerstore.PeerStore;
import io.p2pkit.core.protobuf.LengthPrefixed;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * identify {@code /ipfs/id/1.0.0} and identify push {@code /ipfs/id/push/1.0.0}.
 *
 * <p>Every new connection is identified in the background (new streams never wait for it): we
 * open an identify stream on that connection and the remote answers with its key, listen
 * addresses, protocols, versions, our observed address and its signed peer record. Results, and
 * the pushes peers send when theirs change, land in the peerstore and are announced to listeners.
 * That is this class, the side that learns about other peers; the side that speaks for this node
 * (answering requests, pushing our changes) is {@link IdentifyResponder}.
 */
public final class IdentifyService implements Closeable {
    /** The identify protocol ID. */
    public static final String PROTOCOL_ID = "/ipfs/id/1.0.0";
    /** The identify push protocol ID. */
    public static final String PUSH_PROTOCOL_ID = "/ipfs/id/push/1.0.0";
    /** The protocol version we announce, as go, rust and js do. */
    public static final String PROTOCOL_VERSION = "ipfs/0.1.0";
    /** Most bytes accepted in one identify message. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;
    /** Most messages merged into one identify response. */
    public static final int MAX_MESSAGES = 8;
    /** How long an identify exchange may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Changes within this delay are pushed together. */
    public static final Duration PUSH_DELAY = Duration.ofMillis(100);

    private static final System.Logger LOG = LazyLogger.of(IdentifyService.class);
    /** Signed peer records remembered as verified: a few hundred peers. */
    private static final int REMEMBERED_RECORDS = 256;
    /** Larger records (hundreds of addresses) are verified every time, so the cache stays under 512 KiB. */
    private static final int MAX_REMEMBERED_RECORD_BYTES = 2048;

    private final Host host;
    private final ObservedAddressManager observed;
    private volatile ScheduledFuture<?> expiry;
    /** Results by connection ID, bounded by the live connections (dropped as each closes). */
    private final Map<Long, CompletableFuture<IdentifyResult>> results = new ConcurrentHashMap<>();
    private final List<Consumer<IdentifyResult>> listeners = new CopyOnWriteArrayList<>();
    private final IdentifyObservers observers = new IdentifyObservers();
    private final IdentifyResponder responder;
    private final ConnectionListener connectionListener;
    /**
     * Signed peer records that verified, by their bytes. A peer sends the same record on every
     * connection until its addresses change, so its signature is checked once per record rather
     * than once per connection.
     */
    private final RecentlyVerified<SignedRecord> verifiedRecords = new RecentlyVerified<>(REMEMBERED_RECORDS);

    private IdentifyService(Host host) {
        this.host = host;
        this.responder = new IdentifyResponder(host, observers);
        this.observed = new ObservedAddressManager(host::localAddresses, System::nanoTime, host::addressesChanged);
        this.connectionListener = new ConnectionListener() {
            @Override
            public void connected(Connection c) {
                CompletableFuture<IdentifyResult> f = results.computeIfAbsent(c.id(), k -> new CompletableFuture<>());
                host.spawn("p2pkit-identify " + c.id(), () -> identify(c, f));
            }

            @Override
            public void disconnected(Connection c) {
                CompletableFuture<IdentifyResult> f = results.remove(c.id());
                if (f != null && !f.isDone()) {
                    f.completeExceptionally(new ClosedBeforeIdentified());
                }
                observed.connectionClosed(c);
            }
        };
    }

    /** Starts identify on {@code host}: serves both protocols and identifies every new connection. */
    public static IdentifyService attach(Host host) {
        IdentifyService s = new IdentifyService(host);
        // identify runs on limited (relayed) connections too, as in go-libp2p: hole punching needs it
        host.setStreamHandler(PROTOCOL_ID, s.responder::respond, LimitedConnections.ALLOW);
        host.setStreamHandler(PUSH_PROTOCOL_ID, s::receivePush, LimitedConnections.ALLOW);
        host.addConnectionListener(s.connectionListener);
        host.onLocalChange(s.responder::schedulePush);
        // Observed addresses confirmed by enough peers are advertised; they age out once their connections close.
        host.addAddressSource(s.observed::addresses);
        s.expiry = host.scheduler().scheduleAtFixedRate(s.observed::expire, 1, 1, TimeUnit.MINUTES);
        for (Connection c : host.network().connections()) {
            s.connectionListener.connected(c);
        }
        return s;
    }

    /** Our own addresses as other peers observed them; the activated ones are among the host's addresses. */
    public ObservedAddressManager observedAddresses() {
        return observed;
    }

    /**
     * Told about identify exchanges, for metrics (go-libp2p's identify metrics tracer). Called on
     * identify's threads: return quickly.
     */
    public interface Observer {
        /** We answered an identify request ({@code push} false) or pushed our state ({@code push} true). */
        default void sent(boolean push) {
        }

        /** We received an identify answer or a push; {@code pushSupported} says whether the peer takes pushes. */
        default void received(boolean push, boolean pushSupported) {
        }

        /** A local change, of the protocols or the addresses, scheduled a push. */
        default void pushTriggered(LocalChange change) {
        }
    }

    /** Adds an {@link Observer}. */
    public void addObserver(Observer observer) {
        observers.add(observer);
    }

    /** Calls {@code listener} with every identify result, from the thread that obtained it. */
    public void addListener(Consumer<IdentifyResult> listener) {
        listeners.add(listener);
    }

    /**
     * Waits until {@code connection} has been identified.
     *
     * @throws IOException if identify failed, the connection closed, or the wait timed out
     */
    public IdentifyResult awaitIdentified(Connection connection, Duration timeout) throws IOException {
        if (connection.isClosed()) {
            // Results of closed connections are dropped (the map stays bounded by live connections).
            throw new IOException("connection to " + connection.remotePeer() + " is closed");
        }
        CompletableFuture<IdentifyResult> f = results.computeIfAbsent(connection.id(), k -> new CompletableFuture<>());
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for identify");
        } catch (TimeoutException e) {
            throw new IOException("identify of " + connection.remotePeer() + " did not finish within " + timeout);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException("identify failed", e.getCause());
        }
    }

    // ---------------------------------------------------------------- asking

    private void identify(Connection c, CompletableFuture<IdentifyResult> f) {
        try {
            IdentifyResult r = requestIdentify(c);
            boolean pushSupported = r.protocols().contains(PUSH_PROTOCOL_ID);
            observers.tell(o -> o.received(false, pushSupported));
            f.complete(r);
            announce(r);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "identify of " + c.remotePeer() + " on " + c + " failed: " + e);
            f.completeExceptionally(e instanceof IOException ? e : new IOException("identify failed: " + e, e));
        }
    }

    private void announce(IdentifyResult r) {
        for (Consumer<IdentifyResult> l : listeners) {
            try {
                l.accept(r);
            } catch (RuntimeException e) {
                // a listener's bug does not fail identify; it is still a bug
                LOG.log(System.Logger.Level.WARNING, "identify listener " + l + " failed", e);
            }
        }
    }

    private IdentifyResult requestIdentify(Connection c) throws IOException {
        try (Stream s = host.newStream(c, LimitedConnections.ALLOW, PROTOCOL_ID)) {
            ScheduledFuture<?> deadline = host.scheduler().schedule(s::reset, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            try {
                s.closeWrite();
                IdentifyMessage msg = readMessages(s);
                if (msg == null) {
                    throw new IOException("identify: the remote sent nothing");
                }
                return apply(c, msg, false);
            } finally {
                deadline.cancel(false);
            }
        }
    }

    private static IdentifyMessage readMessages(Stream s) throws IOException {
        IdentifyMessage merged = null;
        for (int i = 0; i < MAX_MESSAGES; i++) {
            byte[] m = LengthPrefixed.read(s.in(), MAX_MESSAGE_BYTES);
            if (m == null) {
                break;
            }
            IdentifyMessage one = IdentifyMessage.decode(m);
            merged = merged == null ? one : merged.merge(one);
        }
        return merged;
    }

    /** Checks a message and stores what it says in the peerstore. */
    private IdentifyResult apply(Connection c, IdentifyMessage msg, boolean push) throws IOException {
        PeerId peer = c.remotePeer();
        PublicKey key = c.remotePublicKey();
        // the key the connection authenticated, in the same bytes, needs no parsing to compare
        if (msg.publicKey() != null && !Arrays.equals(msg.publicKey(), key.marshal())) {
            PublicKey sent;
            try {
                sent = PublicKey.unmarshal(msg.publicKey());
            } catch (DecodeException e) {
                throw new IOException("identify: bad public key: " + e.getMessage(), e);
            }
            if (!sent.equals(key)) {
                throw new IOException("identify: " + peer + " sent a public key that is not its own");
            }
        }
        PeerStore ps = host.peerStore();
        Optional<Envelope> signed = Optional.empty();
        List<Multiaddr> addrs = msg.listenAddrs();
        if (msg.signedPeerRecord() != null) {
            try {
                SignedRecord r = openRecord(msg.signedPeerRecord());
                if (r.record().peerId().equals(peer)) {
                    signed = Optional.of(r.envelope());
                    addrs = r.record().addresses();
                }
            } catch (IllegalArgumentException e) {
                // An invalid record is ignored, as go does; the unsigned addresses still count.
                LOG.log(System.Logger.Level.DEBUG, () -> peer + " sent an invalid signed peer record: " + e.getMessage());
            }
        }
        if (signed.isPresent()) {
            ps.consumePeerRecord(signed.get(), AddressTtl.CONNECTED);
        } else {
            if (push) {
                ps.clearAddresses(peer);
            }
            ps.addAddresses(peer, addrs, AddressTtl.CONNECTED);
        }
        if (!push || !msg.protocols().isEmpty()) {
            ps.setProtocols(peer, msg.protocols());
        }
        if (msg.agentVersion() != null) {
            ps.put(peer, PeerStore.AGENT_VERSION, msg.agentVersion());
        }
        if (msg.protocolVersion() != null) {
            ps.put(peer, PeerStore.PROTOCOL_VERSION, msg.protocolVersion());
        }
        if (msg.observedAddr() != null) {
            observed.record(c, msg.observedAddr());
        }
        return new IdentifyResult(c, key,
                msg.protocolVersion() == null ? "" : msg.protocolVersion(),
                msg.agentVersion() == null ? "" : msg.agentVersion(),
                addrs, msg.protocols(), Optional.ofNullable(msg.observedAddr()), signed);
    }

    /**
     * Opens a signed peer record: verifies its envelope and reads the record, or takes both from
     * {@link #verifiedRecords} when these bytes verified before.
     *
     * @throws IllegalArgumentException when the envelope or the record is invalid
     */
    SignedRecord openRecord(byte[] bytes) {
        SignedRecord r = verifiedRecords.get(bytes);
        if (r == null) {
            Envelope env = Envelope.open(bytes, PeerRecord.DOMAIN);
            r = new SignedRecord(env, PeerRecord.fromEnvelope(env));
            if (bytes.length <= MAX_REMEMBERED_RECORD_BYTES) {
                verifiedRecords.put(bytes, r);
            }
        }
        return r;
    }

    /**
     * The connection closed while it was being identified. Short connections often close first; the
     * stack of the thread that closed it says nothing to whoever waits, so none is taken.
     */
    private static final class ClosedBeforeIdentified extends IOException {
        ClosedBeforeIdentified() {
            super("connection closed before identify finished");
        }

        @Override
        public Throwable fillInStackTrace() {
            return this;
        }
    }

    /** A signed peer record whose envelope verified, and what it says. */
    record SignedRecord(Envelope envelope, PeerRecord record) {
    }

    /** How many signed peer records are remembered as verified (for tests). */
    int verifiedRecords() {
        return verifiedRecords.size();
    }

    // ---------------------------------------------------------------- pushes received

    private void receivePush(Stream s) throws IOException {
        IdentifyMessage msg = readMessages(s);
        if (msg != null) {
            IdentifyResult r = apply(s.connection(), msg, true);
            // a push that leaves the protocols out keeps the known ones, push among them
            observers.tell(o -> o.received(true, true));
            announce(r);
        }
    }

    @Override
    public void close() {
        responder.close();
        ScheduledFuture<?> e = expiry;
        if (e != null) {
            e.cancel(false);
        }
        host.network().removeConnectionListener(connectionListener);
        results.values().forEach(f -> f.completeExceptionally(new IOException("identify service closed")));
    }
}
