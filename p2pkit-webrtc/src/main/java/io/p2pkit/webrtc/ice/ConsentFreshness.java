package io.p2pkit.webrtc.ice;

import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.mux.UdpRelay;
import io.p2pkit.webrtc.stun.StunMessage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;

/**
 * Consent freshness (RFC 7675) on one selected candidate pair: a fresh binding request to the
 * remote every {@link #INTERVAL} or so, randomized to 0.8–1.2 of it so that many connections do
 * not check in step (RFC 7675 §5.1). An answer to any of the latest checks renews consent; when
 * none came for the expiry (RFC 7675: 30 s) consent has expired, and the mux, with the connection
 * on it, is closed. The checks also keep NAT bindings on the path open while no data flows. On a
 * pair whose local candidate is a relay's, the checks go through that relay (they keep its
 * permission and channel in use too).
 */
final class ConsentFreshness {
    /** The base interval between checks (RFC 7675 §5.1: 5 s, randomized). */
    static final Duration INTERVAL = Duration.ofSeconds(5);
    /** How long without an answer before consent expires (RFC 7675 §5.1). */
    static final Duration EXPIRY = Duration.ofSeconds(30);
    /** Checks whose late answers still count (RFC 7675 accepts an answer to any recent one). */
    static final int CHECKS_KEPT = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final InetSocketAddress remote;
    private final UdpRelay via; // null: straight from the socket
    /** Transaction ids of the latest checks (newest last). */
    private final ConcurrentLinkedDeque<byte[]> checks = new ConcurrentLinkedDeque<>();
    /** When the remote last answered (System.nanoTime), or when this began. */
    private volatile long lastAnswer = System.nanoTime();

    ConsentFreshness(InetSocketAddress remote) {
        this(remote, null);
    }

    /** Consent to send to {@code remote} through {@code via} (a TURN allocation), or straight when it is null. */
    ConsentFreshness(InetSocketAddress remote, UdpRelay via) {
        this.remote = remote;
        this.via = via;
    }

    /**
     * Starts a virtual thread that sends {@code request.apply(transactionId)} to the remote about
     * every {@code interval} until the mux closes or consent expires after {@code expiry} without
     * an answer; then it closes the mux and ends.
     */
    Thread start(UdpMux mux, Duration interval, Duration expiry, Function<byte[], byte[]> request) {
        return Thread.ofVirtual().name("ice-consent-" + remote).start(() -> {
            while (!mux.isClosed()) {
                try {
                    Thread.sleep(randomized(interval));
                    if (System.nanoTime() - lastAnswer > expiry.toNanos()) {
                        System.getLogger(ConsentFreshness.class.getName()).log(System.Logger.Level.DEBUG,
                                () -> "ICE consent to send to " + remote + " expired: no answer for " + expiry);
                        mux.close();
                        return;
                    }
                    byte[] tid = new byte[12];
                    RANDOM.nextBytes(tid);
                    checks.addLast(tid);
                    while (checks.size() > CHECKS_KEPT) {
                        checks.pollFirst();
                    }
                    byte[] packet = request.apply(tid);
                    if (via != null) {
                        via.send(packet, 0, packet.length, remote);
                    } else {
                        mux.send(packet, 0, packet.length, remote);
                    }
                } catch (InterruptedException | IOException e) {
                    return; // interrupted, or the mux closed
                }
            }
        });
    }

    /** Whether {@code message} answers one of the latest checks; the caller checks its integrity. */
    boolean answers(StunMessage message) {
        for (byte[] tid : checks) {
            if (message.hasTransactionId(tid)) {
                return true;
            }
        }
        return false;
    }

    /** When the remote last answered (System.nanoTime), or when this began. */
    long lastAnswer() {
        return lastAnswer;
    }

    /** Records a valid answer from the remote: consent is fresh again. */
    void renewed() {
        lastAnswer = System.nanoTime();
    }

    /** {@code interval} times a random factor in [0.8, 1.2). */
    static Duration randomized(Duration interval) {
        long nanos = interval.toNanos();
        return Duration.ofNanos(nanos * 4 / 5 + (long) (RANDOM.nextDouble() * (nanos * 2 / 5)));
    }
}
