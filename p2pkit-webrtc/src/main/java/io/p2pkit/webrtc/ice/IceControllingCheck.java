package io.p2pkit.webrtc.ice;

import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.stun.StunMessage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The dialer's side of ICE against an ICE-lite listener: the dialer is the controlling agent, has
 * one candidate pair, and nominates it at once (USE-CANDIDATE on the first check). The check is
 * retransmitted with a doubling interval until a success response with a valid MESSAGE-INTEGRITY
 * arrives or the deadline passes. Binding requests the listener sends (consent checks) are
 * answered too. Use it as the mux's {@link UdpMux.StunHandler}.
 */
public final class IceControllingCheck implements UdpMux.StunHandler {
    /** First retransmission interval (RFC 8489's RTO is 500 ms; ICE paces checks faster). */
    static final Duration FIRST_RTO = Duration.ofMillis(100);
    /** Longest interval between retransmissions. */
    static final Duration MAX_RTO = Duration.ofMillis(1600);
    /** PRIORITY of a peer-reflexive host candidate, component 1 (RFC 8445 §5.1.2). */
    static final long PRIORITY = (110L << 24) | (65535L << 8) | 255L;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final IceCredentials local;
    private final IceCredentials remote;
    private final InetSocketAddress remoteAddress;
    private final long tieBreaker = RANDOM.nextLong();
    private final byte[] transactionId = new byte[12];
    private final CompletableFuture<InetSocketAddress> success = new CompletableFuture<>();
    private final ConsentFreshness consent;

    /**
     * @param local         our credentials
     * @param remote        the listener's credentials (in v1 the same as ours)
     * @param remoteAddress the listener's address
     */
    public IceControllingCheck(IceCredentials local, IceCredentials remote, InetSocketAddress remoteAddress) {
        this.local = local;
        this.remote = remote;
        this.remoteAddress = remoteAddress;
        this.consent = new ConsentFreshness(remoteAddress);
        RANDOM.nextBytes(transactionId);
    }

    /** The binding request this check sends (USERNAME {@code remote:local}, keyed with the remote password). */
    byte[] request() {
        return request(transactionId);
    }

    private byte[] request(byte[] tid) {
        return StunMessage.builder(StunMessage.BINDING_REQUEST, tid)
                .username(remote.ufrag() + ":" + local.ufrag())
                .priority(PRIORITY)
                .iceControlling(tieBreaker)
                .useCandidate()
                .encode(remote.key(), true);
    }

    /**
     * Keeps consent fresh (RFC 7675): a fresh binding request every 4 to 6 s until the mux closes.
     * This keeps the listener's ICE agent (and any NAT binding on the way) from deciding the path
     * is dead while no data flows. When no check has been answered for 30 s, consent has expired:
     * the mux, and the connection on it, is closed. Returns the thread that sends the checks.
     */
    public Thread keepAlive(UdpMux mux) {
        return keepAlive(mux, ConsentFreshness.INTERVAL, ConsentFreshness.EXPIRY);
    }

    /** {@link #keepAlive(UdpMux)} with another interval and expiry (tests). */
    Thread keepAlive(UdpMux mux, Duration interval, Duration expiry) {
        return consent.start(mux, interval, expiry, this::request);
    }

    /** Whether {@code message} answers our first check or one of the latest consent checks. */
    private boolean answersOurs(StunMessage message) {
        return message.hasTransactionId(transactionId) || consent.answers(message);
    }

    /**
     * Sends the check until it succeeds, and returns our address as the listener saw it.
     *
     * @throws TimeoutException if no valid response came before the deadline
     */
    public InetSocketAddress run(UdpMux mux, Instant deadline) throws IOException, TimeoutException, InterruptedException {
        byte[] request = request();
        Duration rto = FIRST_RTO;
        while (true) {
            mux.send(request, 0, request.length, remoteAddress);
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new TimeoutException("no ICE binding response from " + remoteAddress);
            }
            Duration wait = rto.compareTo(left) < 0 ? rto : left;
            try {
                return success.get(wait.toMillis() + 1, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                rto = rto.multipliedBy(2).compareTo(MAX_RTO) < 0 ? rto.multipliedBy(2) : MAX_RTO;
            } catch (ExecutionException e) {
                throw new IOException("ICE check failed", e.getCause());
            }
        }
    }

    @Override
    public void onStun(UdpMux mux, StunMessage message, InetSocketAddress from) {
        if (!from.equals(remoteAddress)) {
            return;
        }
        if (message.type() == StunMessage.BINDING_SUCCESS && answersOurs(message)
                && message.checkIntegrity(remote.key())) {
            consent.renewed();
            message.xorMappedAddress().ifPresent(success::complete);
        } else if (message.type() == StunMessage.BINDING_ERROR && message.hasTransactionId(transactionId)
                && message.checkIntegrity(remote.key())) {
            success.completeExceptionally(new IOException("ICE check refused with error "
                    + message.errorCode().orElse(0)));
        } else if (message.type() == StunMessage.BINDING_REQUEST
                && message.username().filter(u -> u.startsWith(local.ufrag() + ":")).isPresent()
                && message.checkIntegrity(local.key())) {
            byte[] response = StunMessage.builder(StunMessage.BINDING_SUCCESS, message.transactionId())
                    .xorMappedAddress(from)
                    .encode(local.key(), true);
            try {
                mux.send(response, 0, response.length, from);
            } catch (IOException e) {
                success.completeExceptionally(e);
            }
        }
    }
}
