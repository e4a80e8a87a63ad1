package io.p2pkit.nat.autonat;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.nat.autonat.V2Message.DialDataRequest;
import io.p2pkit.nat.autonat.V2Message.DialResponse;
import io.p2pkit.nat.autonat.V2Message.DialStatus;
import io.p2pkit.nat.autonat.V2Message.ResponseStatus;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The AutoNAT v2 client: sends a dial request with a fresh random nonce, pays for the dial with
 * dial data when the server asks (for addresses we allow it), and believes a successful dial
 * only when a dial back carrying that nonce arrived on a connection of the same transport as the
 * address. The dial-back handler ({@code /libp2p/autonat/2/dial-back}) answers only nonces of
 * requests in flight; any other is reset.
 */
final class AutoNatV2Client {
    /** How long to wait for the nonce once the server says it dialed (go's {@code dialBackStreamTimeout}). */
    static final Duration DIAL_BACK_WAIT = Duration.ofSeconds(5);
    /** Dial data is sent in chunks of this size (the spec's cap is 4096). */
    static final int DIAL_DATA_CHUNK = 4000;
    /** Most addresses in one request (go's {@code maxAddrsPerRequest} is 10; the server looks at 50). */
    static final int MAX_ADDRESSES = 10;

    private static final System.Logger LOG = LazyLogger.of(AutoNatV2Client.class);

    private final Host host;
    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();
    /** Requests in flight by nonce; each learns the local address its dial back arrived on. */
    private final Map<Long, CompletableFuture<Multiaddr>> pending = new ConcurrentHashMap<>();

    AutoNatV2Client(Host host, Duration timeout) {
        this.host = host;
        this.timeout = timeout;
    }

    /** A candidate address and whether we pay dial data for it. */
    record Candidate(Multiaddr address, boolean sendDialData) {
    }

    /**
     * Asks {@code server} to check the first of {@code candidates} it can.
     *
     * @throws IOException when the exchange fails, the server rejects the request, or its answer
     *                     is malformed, inconsistent or not confirmed by the dial back
     */
    AddressCheck check(PeerId server, List<Candidate> candidates) throws IOException {
        if (candidates.isEmpty() || candidates.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("1 to " + MAX_ADDRESSES + " addresses per request");
        }
        long nonce = random.nextLong();
        CompletableFuture<Multiaddr> dialedBack = new CompletableFuture<>();
        if (pending.putIfAbsent(nonce, dialedBack) != null) {
            throw new IOException("nonce collision"); // one in 2^64: try again
        }
        try (Stream s = host.newStream(server, AutoNatV2Server.DIAL_REQUEST)) {
            Deadline deadline = new Deadline(host, s, timeout);
            try {
                DialResponse r = exchange(s, candidates, nonce);
                return verdict(r, candidates, dialedBack);
            } catch (DecodeException e) {
                s.reset();
                throw new IOException("autonat v2: bad answer from " + server + ": " + e.getMessage(), e);
            } finally {
                deadline.close();
            }
        } finally {
            pending.remove(nonce);
        }
    }

    private DialResponse exchange(Stream s, List<Candidate> candidates, long nonce) throws IOException {
        V2Message.DialRequest request = V2Message.DialRequest.of(
                candidates.stream().map(Candidate::address).toList(), nonce);
        LengthPrefixed.write(s.out(), request.encode());
        s.out().flush();
        V2Message m = V2Message.read(s.in());
        if (m instanceof DialDataRequest ask) {
            int idx = ask.addrIdx();
            if (idx < 0 || idx >= candidates.size() || !candidates.get(idx).sendDialData()) {
                s.reset();
                throw new IOException("autonat v2: refusing to pay dial data for address index " + idx);
            }
            if (ask.numBytes() > AutoNatV2Server.MAX_DIAL_DATA) {
                s.reset();
                throw new IOException("autonat v2: the server asked for " + ask.numBytes() + " bytes of dial data");
            }
            sendDialData(s, ask.numBytes());
            m = V2Message.read(s.in());
        }
        if (!(m instanceof DialResponse r)) {
            throw new DecodeException("autonatv2", "expected a dial response");
        }
        return r;
    }

    private static void sendDialData(Stream s, long numBytes) throws IOException {
        byte[] full = new V2Message.DialDataResponse(new byte[DIAL_DATA_CHUNK]).encode();
        for (long left = numBytes; left > 0; left -= DIAL_DATA_CHUNK) {
            byte[] msg = left >= DIAL_DATA_CHUNK ? full
                    : new V2Message.DialDataResponse(new byte[(int) left]).encode();
            LengthPrefixed.write(s.out(), msg);
        }
        s.out().flush();
    }

    private AddressCheck verdict(DialResponse r, List<Candidate> candidates, CompletableFuture<Multiaddr> dialedBack)
            throws IOException {
        if (r.status() == ResponseStatus.E_DIAL_REFUSED) {
            return new AddressCheck(Optional.empty(), 0, Reachability.UNKNOWN);
        }
        if (r.status() != ResponseStatus.OK) {
            throw new IOException("autonat v2: the server answered " + r.status());
        }
        if (r.addrIdx() < 0 || r.addrIdx() >= candidates.size()) {
            throw new IOException("autonat v2: address index " + r.addrIdx() + " out of range");
        }
        Multiaddr address = candidates.get(r.addrIdx()).address();
        return switch (r.dialStatus()) {
            case OK, E_DIAL_BACK_ERROR -> {
                // Believed only if our nonce came back, on a connection of the address's transport.
                Multiaddr local = awaitDialBack(dialedBack);
                if (local == null || !sameTransport(local, address)) {
                    throw new IOException("autonat v2: the server claims it dialed " + address
                            + " but no dial back with our nonce arrived on such an address (" + local + ")");
                }
                yield new AddressCheck(Optional.of(address), r.addrIdx(), Reachability.PUBLIC);
            }
            case E_DIAL_ERROR -> new AddressCheck(Optional.of(address), r.addrIdx(), Reachability.PRIVATE);
            case UNUSED, UNKNOWN -> throw new IOException("autonat v2: invalid dial status " + r.dialStatus());
        };
    }

    private static Multiaddr awaitDialBack(CompletableFuture<Multiaddr> dialedBack) throws IOException {
        try {
            return dialedBack.get(DIAL_BACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the dial back");
        } catch (TimeoutException | ExecutionException e) {
            return null;
        }
    }

    /** Same protocols, the first only by family (a DNS name may have been dialed as an IP). */
    static boolean sameTransport(Multiaddr local, Multiaddr dialed) {
        var l = local.withoutPeerId().protocols();
        var d = dialed.withoutPeerId().protocols();
        if (l.size() != d.size()) {
            return false;
        }
        for (int i = 0; i < l.size(); i++) {
            String ln = l.get(i).name();
            String dn = d.get(i).name();
            boolean ok = i == 0 ? ln.equals(dn) || (ln.startsWith("ip") && dn.startsWith("dns")) : ln.equals(dn);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Serves a dial-back stream: acknowledges a nonce we are waiting for, resets anything else. */
    void handleDialBack(Stream s) throws IOException {
        Deadline deadline = new Deadline(host, s, DIAL_BACK_WAIT);
        try {
            byte[] bytes = LengthPrefixed.read(s.in(), V2Message.MAX_DIAL_BACK_BYTES);
            if (bytes == null) {
                throw new java.io.EOFException("dial back without a nonce");
            }
            long nonce = V2Message.decodeDialBack(bytes).nonce();
            CompletableFuture<Multiaddr> waiting = pending.get(nonce);
            if (waiting == null || !waiting.complete(s.connection().localAddress())) {
                LOG.log(System.Logger.Level.DEBUG, () -> "dial back from " + s.connection().remotePeer()
                        + " with a nonce we did not send (or twice)");
                s.reset();
                return;
            }
            LengthPrefixed.write(s.out(), new V2Message.DialBackResponse(0).encode());
            s.closeWrite();
        } finally {
            deadline.close();
        }
    }
}
