package io.p2pkit.webrtc.turn;

import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.stun.StunAttribute;
import io.p2pkit.webrtc.stun.StunMessage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Requests to one TURN server from one socket, with RFC 8489's long-term credentials: the first
 * request goes without them, and the server's 401 with REALM and NONCE gives the key
 * (MD5 of {@code username:realm:password}); every later request carries USERNAME, REALM, NONCE,
 * MESSAGE-INTEGRITY and FINGERPRINT. A 438 (stale nonce) is retried with the nonce it brings.
 * Each transaction is retransmitted over UDP with the same transaction ID, the interval doubling
 * from {@link #FIRST_RTO}, at most {@link #MAX_TRANSMISSIONS} times and never past its deadline.
 * A success response counts only from the server, for a transaction in flight, and, when the
 * request was signed, with a MESSAGE-INTEGRITY made with the same key.
 */
final class TurnClient {
    /** Allocate (RFC 8656 §7). */
    static final int ALLOCATE = 0x0003;
    /** Refresh (RFC 8656 §8). */
    static final int REFRESH = 0x0004;
    /** Send indication (RFC 8656 §11). */
    static final int SEND_INDICATION = 0x0016;
    /** Data indication (RFC 8656 §11). */
    static final int DATA_INDICATION = 0x0017;
    /** CreatePermission (RFC 8656 §10). */
    static final int CREATE_PERMISSION = 0x0008;
    /** ChannelBind (RFC 8656 §12). */
    static final int CHANNEL_BIND = 0x0009;
    /** The first retransmission interval: RFC 8489 §6.2.1 allows less than 500 ms where round trips are short. */
    static final Duration FIRST_RTO = Duration.ofMillis(250);
    /** RFC 8489's Rc: transmissions of one request at most. */
    static final int MAX_TRANSMISSIONS = 7;
    /** Stale-nonce retries of one request at most. */
    private static final int MAX_STALE = 2;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final UdpMux mux;
    private final TurnServer server;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private String realm; // null until the server's first 401; guarded by the lock
    private String nonce;
    private byte[] key;

    TurnClient(UdpMux mux, TurnServer server) {
        this.mux = mux;
        this.server = server;
    }

    TurnServer server() {
        return server;
    }

    /**
     * Sends a {@code method} request with the attributes {@code attributes} adds, and returns the
     * success response.
     *
     * @param name what the request is, for messages ("Allocate")
     * @throws TurnException when the server refuses it or does not answer by {@code deadline}
     * @throws IOException   when the socket is closed
     */
    StunMessage request(String name, int method, Consumer<StunMessage.Builder> attributes, Instant deadline)
            throws IOException, InterruptedException {
        int stale = 0;
        while (true) {
            byte[] tid = new byte[12];
            RANDOM.nextBytes(tid);
            StunMessage.Builder b = StunMessage.builder(method, tid);
            attributes.accept(b);
            byte[] signingKey;
            lock.lock();
            try {
                signingKey = key;
                if (key != null) {
                    b.username(server.username()).text(StunAttribute.REALM, realm).text(StunAttribute.NONCE, nonce);
                }
            } finally {
                lock.unlock();
            }
            StunMessage r = transact(name, tid, b.encode(signingKey, true), signingKey, deadline);
            if (r.type() == (method | StunMessage.SUCCESS_CLASS)) {
                return r;
            }
            int code = r.errorCode().orElse(0);
            if (r.type() != (method | StunMessage.ERROR_CLASS) || code == 0) {
                throw refused(name, r, 0, "an answer that is neither success nor error");
            }
            if (code == 401 && signingKey == null && r.realm().isPresent() && r.nonce().isPresent()) {
                lock.lock();
                try {
                    realm = r.realm().get();
                    nonce = r.nonce().get();
                    key = server.key(realm);
                } finally {
                    lock.unlock();
                }
                continue; // the challenge: again, with credentials
            }
            if (code == 438 && r.nonce().isPresent() && stale++ < MAX_STALE) {
                lock.lock();
                try {
                    nonce = r.nonce().get();
                    if (r.realm().isPresent() && !r.realm().get().equals(realm)) {
                        realm = r.realm().get();
                        key = server.key(realm);
                    }
                } finally {
                    lock.unlock();
                }
                continue;
            }
            throw refused(name, r, code, TurnException.meaning(code));
        }
    }

    /** Sends an indication (no credentials, no answer). */
    void indicate(byte[] message) throws IOException {
        mux.send(message, 0, message.length, server.address());
    }

    /**
     * Takes a response to a transaction in flight from the server; false for anything else
     * (another sender, a transaction not ours, an indication).
     */
    boolean onMessage(StunMessage m, InetSocketAddress from) {
        if (!from.equals(server.address())) {
            return false;
        }
        Pending p = pending.get(HexFormat.of().formatHex(m.transactionId()));
        if (p == null) {
            return false;
        }
        boolean success = (m.type() & StunMessage.ERROR_CLASS) == StunMessage.SUCCESS_CLASS;
        if (success && p.key() != null && !m.checkIntegrity(p.key())) {
            return true; // not signed with our key: not the server's answer; keep waiting
        }
        p.answer().complete(m);
        return true;
    }

    private StunMessage transact(String name, byte[] tid, byte[] request, byte[] signingKey, Instant deadline)
            throws IOException, InterruptedException {
        String id = HexFormat.of().formatHex(tid);
        Pending p = new Pending(new CompletableFuture<>(), signingKey);
        pending.put(id, p);
        try {
            Duration rto = FIRST_RTO;
            Instant nextSend = Instant.now();
            int sent = 0;
            while (true) {
                Instant now = Instant.now();
                if (!now.isBefore(deadline)) {
                    throw new TurnException("TURN server " + server + ": no answer to " + name + " after " + sent
                            + " transmissions", 0);
                }
                if (sent < MAX_TRANSMISSIONS && !now.isBefore(nextSend)) {
                    mux.send(request, 0, request.length, server.address());
                    sent++;
                    nextSend = now.plus(rto);
                    rto = rto.multipliedBy(2);
                }
                Instant wake = sent < MAX_TRANSMISSIONS && nextSend.isBefore(deadline) ? nextSend : deadline;
                try {
                    return p.answer().get(Math.max(1, Duration.between(now, wake).toMillis()), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // retransmit, or give up at the deadline
                } catch (ExecutionException e) {
                    throw new IOException(e.getCause());
                }
            }
        } finally {
            pending.remove(id);
        }
    }

    private TurnException refused(String name, StunMessage r, int code, String meaning) {
        String reason = r.errorReason().map(s -> " " + s.strip()).orElse("");
        return new TurnException("TURN server " + server + " refused " + name + ": " + (code == 0 ? "" : code + reason
                + ": ") + meaning, code);
    }

    /** A transaction in flight: its answer, and the key it was signed with (null: unsigned). */
    private record Pending(CompletableFuture<StunMessage> answer, byte[] key) {
    }
}
