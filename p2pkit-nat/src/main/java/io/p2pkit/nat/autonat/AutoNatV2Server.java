package io.p2pkit.nat.autonat;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multistream.Multistream;
import io.p2pkit.core.multistream.NegotiationException;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.nat.autonat.V2Message.DialDataRequest;
import io.p2pkit.nat.autonat.V2Message.DialDataResponse;
import io.p2pkit.nat.autonat.V2Message.DialRequest;
import io.p2pkit.nat.autonat.V2Message.DialResponse;
import io.p2pkit.nat.autonat.V2Message.DialStatus;
import io.p2pkit.nat.autonat.V2Message.ResponseStatus;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The AutoNAT v2 server ({@code /libp2p/autonat/2/dial-request}). For each request it takes the
 * first address it is willing and able to dial (public unless configured for tests, not relayed,
 * a transport the dialer has; among the first {@link #MAX_PEER_ADDRESSES}). When that address's
 * IP is not the one the request came from, it first asks for 30 000 to 100 000 bytes of dial data
 * (the amplification guard) and dials only once they have arrived. It dials back from a
 * {@linkplain DialBacks separate host}, sends the nonce on {@code /libp2p/autonat/2/dial-back},
 * and answers with the outcome. Rate limits are go's ({@link V2RateLimiter}).
 */
final class AutoNatV2Server {
    /** The request protocol ID. */
    static final String DIAL_REQUEST = "/libp2p/autonat/2/dial-request";
    /** The dial-back protocol ID. */
    static final String DIAL_BACK = "/libp2p/autonat/2/dial-back";
    /** Addresses of a request the server looks at; the rest are ignored (go's {@code maxPeerAddresses}). */
    static final int MAX_PEER_ADDRESSES = 50;
    /** Least dial data asked for (go's {@code minHandshakeSizeBytes}). */
    static final int MIN_DIAL_DATA = 30_000;
    /** Most dial data asked for, exclusive (go's {@code maxHandshakeSizeBytes}). */
    static final int MAX_DIAL_DATA = 100_000;
    /** A dial-data message smaller than this before the total is reached is abuse (go's check). */
    static final int MIN_DIAL_DATA_CHUNK = 100;
    /** How long the requester has to acknowledge the nonce on the dial-back stream. */
    static final Duration DIAL_BACK_STREAM_TIMEOUT = Duration.ofSeconds(5);

    private static final System.Logger LOG = LazyLogger.of(AutoNatV2Server.class);

    /** Told what each request came to (tests and metrics); called on the request's thread. */
    interface Observer {
        /** A request was answered with {@code status}; {@code dialData} says whether data was demanded first. */
        void answered(PeerId peer, ResponseStatus status, DialStatus dialStatus, boolean dialData);
    }

    private final Host host;
    private final DialBacks dialBacks;
    private final AutoNatConfig config;
    private final V2RateLimiter limiter;
    private final AutoNatMetrics metrics;
    private volatile Observer observer = (p, s, d, data) -> {
    };

    AutoNatV2Server(Host host, DialBacks dialBacks, AutoNatConfig config, AutoNatMetrics metrics) {
        this.metrics = metrics;
        this.host = host;
        this.dialBacks = dialBacks;
        this.config = config;
        this.limiter = new V2RateLimiter(config.v2(), config.nanoClock());
    }

    void observe(Observer o) {
        this.observer = o;
    }

    /** Serves one request stream; malformed or unexpected messages reset it (the handler's exception). */
    void handle(Stream s) throws IOException {
        PeerId peer = s.connection().remotePeer();
        Deadline deadline = new Deadline(host, s, config.v2().streamTimeout());
        try {
            // Rate limits come first, before the request is even read, as in go.
            if (!limiter.accept(peer)) {
                respond(s, peer, new DialResponse(ResponseStatus.E_REQUEST_REJECTED, 0, DialStatus.UNUSED), false);
                return;
            }
            try {
                serve(s, peer);
            } finally {
                limiter.done(peer);
            }
        } finally {
            deadline.close();
        }
    }

    private void serve(Stream s, PeerId peer) throws IOException {
        if (!(V2Message.read(s.in()) instanceof DialRequest request)) {
            throw new DecodeException("autonatv2", "expected a dial request");
        }
        Multiaddr observed = s.connection().remoteAddress();
        Optional<Integer> chosen = Addresses.isRelayed(observed) || Addresses.ip(observed).isEmpty()
                ? Optional.empty() : choose(request);
        if (chosen.isEmpty()) {
            respond(s, peer, new DialResponse(ResponseStatus.E_DIAL_REFUSED, 0, DialStatus.UNUSED), false);
            return;
        }
        int idx = chosen.get();
        Multiaddr address = request.address(idx).orElseThrow();
        boolean dialData = !Addresses.sameIp(observed, address);
        if (dialData) {
            if (!limiter.acceptDialData()) {
                respond(s, peer, new DialResponse(ResponseStatus.E_REQUEST_REJECTED, 0, DialStatus.UNUSED), true);
                return;
            }
            receiveDialData(s, idx);
            long wait = config.v2().dialDataWaitMax().toNanos();
            if (wait > 0) {
                // a random pause spreads out a crowd of requests aimed at one victim (go's)
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(wait + 1));
            }
        }
        DialStatus outcome = dialBack(peer, address, request.nonce());
        respond(s, peer, new DialResponse(ResponseStatus.OK, idx, outcome), dialData);
    }

    /** The index of the first address this server will dial. */
    private Optional<Integer> choose(DialRequest request) {
        for (int i = 0; i < Math.min(request.addrs().size(), MAX_PEER_ADDRESSES); i++) {
            Optional<Multiaddr> a = request.address(i);
            if (a.isEmpty() || a.get().peerId().isPresent() || Addresses.ip(a.get()).isEmpty()
                    || Addresses.isRelayed(a.get())) {
                continue;
            }
            if ((config.allowPrivateAddresses() || Addresses.isPublic(a.get())) && dialBacks.canDial(a.get())) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** Asks for dial data and reads until it has all of it; any shortfall or other message is an error. */
    private void receiveDialData(Stream s, int idx) throws IOException {
        int wanted = ThreadLocalRandom.current().nextInt(MIN_DIAL_DATA, MAX_DIAL_DATA);
        LengthPrefixed.write(s.out(), new DialDataRequest(idx, wanted).encode());
        s.out().flush();
        long remaining = wanted;
        while (remaining > 0) {
            if (!(V2Message.read(s.in()) instanceof DialDataResponse data)) {
                throw new DecodeException("autonatv2", "expected dial data");
            }
            int n = data.data().length;
            if (n > V2Message.MAX_DIAL_DATA_CHUNK) {
                throw new DecodeException("autonatv2", "dial data chunk of " + n + " bytes");
            }
            remaining -= n;
            if (n < MIN_DIAL_DATA_CHUNK && remaining > 0) {
                throw new DecodeException("autonatv2", "dial data chunk of only " + n + " bytes");
            }
        }
    }

    /** Dials {@code address} on a new connection and delivers the nonce. */
    private DialStatus dialBack(PeerId peer, Multiaddr address, long nonce) {
        Connection c;
        try {
            c = dialBacks.dial(peer, List.of(address), config.v2().dialBackTimeout());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "autonat v2 dial back to " + address + " failed: " + e);
            return DialStatus.E_DIAL_ERROR;
        }
        try (Stream back = dialBacks.host().newStream(c, DIAL_BACK)) {
            Deadline deadline = new Deadline(dialBacks.host(), back, DIAL_BACK_STREAM_TIMEOUT);
            try {
                LengthPrefixed.write(back.out(), new V2Message.DialBack(nonce).encode());
                back.out().flush();
                awaitAcknowledgement(back);
                return DialStatus.OK;
            } finally {
                deadline.close();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "autonat v2 dial-back stream to " + address + " failed: " + e);
            return DialStatus.E_DIAL_BACK_ERROR;
        } finally {
            dialBacks.hangUp(peer);
        }
    }

    /**
     * Closing the connection drops unsent bytes: half-closes and waits for the client's
     * acknowledgement, or the end of the stream, so that the nonce has surely left. As go's
     * server, it does not insist on reading it: rust-libp2p accepts the protocol only in the
     * frame that carries its acknowledgement and resets the stream right after when our FIN (which
     * waits for that acceptance) has not reached it, and the reset discards the unread answer
     * here. Only a refused protocol ({@code na}) means the nonce was not taken.
     */
    private static void awaitAcknowledgement(Stream back) throws IOException {
        try {
            back.closeWrite();
            LengthPrefixed.read(back.in(), V2Message.MAX_DIAL_BACK_BYTES);
        } catch (NegotiationException e) {
            if (e.answers().contains(Multistream.NOT_AVAILABLE)) {
                throw e;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "autonat v2 dial back: the stream ended before its acknowledgement: " + e);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "autonat v2 dial back: no acknowledgement: " + e);
        }
    }

    private void respond(Stream s, PeerId peer, DialResponse r, boolean dialData) throws IOException {
        LengthPrefixed.write(s.out(), r.encode());
        s.closeWrite();
        metrics.served("v2", r.status() == ResponseStatus.OK ? r.dialStatus().name() : r.status().name());
        observer.answered(peer, r.status(), r.dialStatus(), dialData);
    }
}
