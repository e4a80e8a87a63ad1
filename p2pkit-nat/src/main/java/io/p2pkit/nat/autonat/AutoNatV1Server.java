package io.p2pkit.nat.autonat;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.reqres.Codec;
import io.p2pkit.core.reqres.RequestResponse;
import io.p2pkit.core.reqres.RequestResponseConfig;
import io.p2pkit.nat.autonat.V1Message.DialResponse;
import io.p2pkit.nat.autonat.V1Message.Status;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The AutoNAT v1 server ({@code /libp2p/autonat/1.0.0}): reads one {@code Dial}, dials the
 * requester back and answers. As the spec requires, it dials only addresses on the IP the
 * request came from (never a third party's), refuses requests over a relay, and (unless
 * configured for tests) skips private and loopback addresses; it throttles as go does and
 * dials from a {@linkplain DialBacks separate host}.
 */
final class AutoNatV1Server {
    /** The protocol ID. */
    static final String PROTOCOL = "/libp2p/autonat/1.0.0";
    /** How long one request may take, reading to answering (go's {@code streamTimeout}). */
    static final Duration STREAM_TIMEOUT = Duration.ofSeconds(60);

    private static final System.Logger LOG = LazyLogger.of(AutoNatV1Server.class);

    private final DialBacks dialBacks;
    private final AutoNatConfig config;
    private final V1Throttle throttle;

    private final AutoNatMetrics metrics;
    private final RequestResponse<V1Message, V1Message> exchange;

    AutoNatV1Server(Host host, DialBacks dialBacks, AutoNatConfig config, AutoNatMetrics metrics) {
        this.metrics = metrics;
        this.exchange = exchange(host);
        this.dialBacks = dialBacks;
        this.config = config;
        this.throttle = new V1Throttle(config.v1(), config.nanoClock());
    }

    /** The protocol's request-response exchange on {@code host}, v1's one message type both ways. */
    static RequestResponse<V1Message, V1Message> exchange(Host host) {
        Codec<V1Message> codec = Codec.of(V1Message::encode, V1Message::decode);
        return RequestResponse.attach(host, PROTOCOL, codec, codec, RequestResponseConfig.defaults()
                .withTimeout(STREAM_TIMEOUT).withMaxSizes(V1Message.MAX_BYTES, V1Message.MAX_BYTES));
    }

    /** Starts answering requests. */
    void serve() {
        exchange.serve(this::handle);
    }

    /** Stops answering requests: the protocol is no longer offered. */
    void stop() {
        exchange.stopServing();
    }

    /** Answers one request; a malformed or unexpected message resets its stream (the exception). */
    V1Message handle(Connection c, V1Message request) {
        if (!(request instanceof V1Message.Dial dial)) {
            throw new DecodeException("autonat", "expected a dial request");
        }
        DialResponse answer = answer(c, dial);
        LOG.log(System.Logger.Level.DEBUG, () -> "autonat v1 request of " + c.remotePeer()
                + ": " + answer.status() + " " + answer.text());
        return answer;
    }

    /** Decides and, if allowed, dials back. */
    DialResponse answer(Connection c, V1Message.Dial dial) {
        PeerId peer = c.remotePeer();
        if (dial.peerId() != null && !Arrays.equals(dial.peerId(), peer.bytes())) {
            return refuse(Status.E_BAD_REQUEST, "peer id mismatch", "bad_request");
        }
        Multiaddr observed = c.remoteAddress();
        if (Addresses.isRelayed(observed) || Addresses.ip(observed).isEmpty()) {
            return refuse(Status.E_DIAL_REFUSED, "the requester's IP address is unknown", "no_ip");
        }
        if (!config.allowPrivateAddresses() && !Addresses.isPublic(observed)) {
            return refuse(Status.E_DIAL_REFUSED, "refusing to dial peer with blocked observed address", "private_requester");
        }
        List<Multiaddr> toDial = new ArrayList<>();
        boolean thirdParty = false;
        for (Multiaddr a : dial.addrs()) {
            Multiaddr bare = a.withoutPeerId();
            if (Addresses.ip(bare).isEmpty() || Addresses.isRelayed(bare)) {
                continue;
            }
            if (!Addresses.sameIp(bare, observed)) {
                thirdParty = true; // never dialed: the amplification attack of RFC 3489 12.1.1
                continue;
            }
            if ((config.allowPrivateAddresses() || Addresses.isPublic(bare)) && dialBacks.canDial(bare)
                    && !toDial.contains(bare) && toDial.size() < config.v1().maxPeerAddresses()) {
                toDial.add(bare);
            }
        }
        if (toDial.isEmpty()) {
            return thirdParty
                    ? refuse(Status.E_DIAL_REFUSED, "refusing to dial addresses other than the requester's observed IP",
                            "third_party")
                    : refuse(Status.E_DIAL_REFUSED, "no dialable addresses", "no_dialable_address");
        }
        if (!throttle.accept(peer)) {
            return refuse(Status.E_DIAL_REFUSED, "too many dials", "throttled");
        }
        long started = config.nanoClock().getAsLong();
        try {
            Connection back = dialBacks.dial(peer, toDial, config.v1().dialTimeout());
            Multiaddr dialed = back.remoteAddress();
            dialBacks.hangUp(peer);
            metrics.served("v1", "ok");
            return new DialResponse(Status.OK, "", dialed);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "autonat v1 dial back to " + peer + " failed: " + e);
            if (config.v1().hideFailureTiming()) {
                // Answer only when the timeout is up, as go does: the service is then no port scanner.
                long left = config.v1().dialTimeout().toNanos() - (config.nanoClock().getAsLong() - started);
                if (left > 0) {
                    LockSupport.parkNanos(left);
                }
            }
            metrics.served("v1", "dial_error");
            return new DialResponse(Status.E_DIAL_ERROR, "dial failed", null);
        }
    }

    private DialResponse refuse(Status status, String why, String reason) {
        metrics.served("v1", reason);
        return new DialResponse(status, why, null);
    }
}
