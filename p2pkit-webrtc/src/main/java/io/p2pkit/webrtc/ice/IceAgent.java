package io.p2pkit.webrtc.ice;

import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.stun.StunMessage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A full ICE agent (RFC 8445) for one component on one UDP socket, as browser-to-browser WebRTC
 * needs it: the remote's candidates come from its SDP and trickle in later; binding requests
 * from addresses not among them are peer-reflexive candidates. Both roles send checks to every
 * remote candidate, retransmitted with a doubling interval, and answer the remote's checks.
 *
 * <ul>
 *   <li>Controlling (the offerer): every check carries USE-CANDIDATE (aggressive nomination, which
 *       browsers accept as controlled agents), so the first pair whose check succeeds is selected.</li>
 *   <li>Controlled (the answerer): a pair is selected once the remote nominated it (a request with
 *       USE-CANDIDATE) and our own check on it succeeded; a nomination on a pair not yet checked
 *       triggers a check at once.</li>
 *   <li>Role conflicts (RFC 8445 §7.3.1.1): the agent with the larger tie-breaker keeps
 *       controlling; a request claiming our role is answered with 487 when we keep it, and switches
 *       us otherwise; a 487 response switches us.</li>
 * </ul>
 *
 * <p>Once selected the agent keeps answering checks (a browser's consent checks) until the mux
 * closes, and {@link #keepAlive()} sends consent checks of its own on the selected pair (RFC 7675).
 * State changes happen under one lock, held only briefly; sends happen outside it.
 */
public final class IceAgent implements UdpMux.StunHandler {
    /** First retransmission interval of a check. */
    static final Duration FIRST_RTO = Duration.ofMillis(100);
    /** Longest interval between retransmissions. */
    static final Duration MAX_RTO = Duration.ofMillis(1600);
    /** Most remote candidates (signalled and peer-reflexive) kept. */
    public static final int MAX_REMOTE_CANDIDATES = 32;
    /** PRIORITY sent in checks: a peer-reflexive candidate's priority for component 1. */
    static final long PRIORITY = (110L << 24) | (65535L << 8) | 255L;
    /** Most transactions remembered for matching responses. */
    private static final int MAX_TRANSACTIONS = 256;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final IceCredentials local;
    private final long tieBreaker = RANDOM.nextLong() & Long.MAX_VALUE;
    private final ReentrantLock lock = new ReentrantLock();
    private final CompletableFuture<InetSocketAddress> selected = new CompletableFuture<>();
    /** Remote candidates in the order learned, with whether our check on them succeeded. */
    private final Map<InetSocketAddress, Boolean> remotes = new LinkedHashMap<>();
    private final List<InetSocketAddress> nominatedByRemote = new ArrayList<>();
    /** Transaction id (as a string key) to the check sent; the oldest go first past the cap. */
    private final Map<String, Check> transactions = new LinkedHashMap<>();
    private final Map<InetSocketAddress, Boolean> triggered = new HashMap<>();
    private IceCredentials remote; // null until the remote's description is known
    private boolean controlling;
    private UdpMux mux;
    private ConsentFreshness consent; // null until keepAlive

    /**
     * @param local       our ufrag and password (written in our description)
     * @param controlling whether we start as the controlling agent (the offerer)
     */
    public IceAgent(IceCredentials local, boolean controlling) {
        this.local = local;
        this.controlling = controlling;
    }

    /** Fresh random credentials for one connection: a 16-character ufrag and a 32-character password. */
    public static IceCredentials randomCredentials() {
        IceCredentials a = IceCredentials.randomV2();
        return new IceCredentials(a.ufrag().substring(0, 16), a.password());
    }

    /** Our credentials. */
    public IceCredentials localCredentials() {
        return local;
    }

    /** Whether we are the controlling agent now (a role conflict may have changed it). */
    public boolean isControlling() {
        lock.lock();
        try {
            return controlling;
        } finally {
            lock.unlock();
        }
    }

    /** Sets the remote's ufrag and password, from its description; checks start only after this. */
    public void setRemoteCredentials(IceCredentials remote) {
        lock.lock();
        try {
            this.remote = remote;
        } finally {
            lock.unlock();
        }
    }

    /** Adds a remote candidate (from the description or trickled); beyond the cap it is ignored. */
    public void addRemoteCandidate(InetSocketAddress address) {
        lock.lock();
        try {
            if (remotes.size() < MAX_REMOTE_CANDIDATES) {
                remotes.putIfAbsent(address, false);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The remote candidates known now (signalled and peer-reflexive). */
    public List<InetSocketAddress> remoteCandidates() {
        lock.lock();
        try {
            return List.copyOf(remotes.keySet());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs the checks on {@code mux} until a pair is selected, and returns the remote address of
     * that pair. Candidates added meanwhile are checked too.
     *
     * @throws TimeoutException if no pair was selected before the deadline
     */
    public InetSocketAddress run(UdpMux mux, Instant deadline) throws IOException, TimeoutException, InterruptedException {
        lock.lock();
        try {
            this.mux = mux;
        } finally {
            lock.unlock();
        }
        Duration rto = FIRST_RTO;
        while (true) {
            sendChecks();
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new TimeoutException("ICE found no working candidate pair; remote candidates: " + remoteCandidates());
            }
            Duration wait = rto.compareTo(left) < 0 ? rto : left;
            try {
                return selected.get(wait.toMillis() + 1, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                rto = rto.multipliedBy(2).compareTo(MAX_RTO) < 0 ? rto.multipliedBy(2) : MAX_RTO;
            } catch (ExecutionException e) {
                throw new IOException("ICE failed", e.getCause());
            }
        }
    }

    /** The selected pair's remote address once there is one. */
    public CompletableFuture<InetSocketAddress> selected() {
        return selected;
    }

    /**
     * Keeps consent fresh on the selected pair (RFC 7675): a binding request every 4 to 6 s until
     * the mux closes, which also keeps NAT bindings on the path open while no data flows. When no
     * check has been answered for 30 s, consent has expired: the mux, and the connection on it, is
     * closed. Call it once, after {@link #run} returned; returns the thread that sends the checks.
     *
     * @throws IllegalStateException if no pair is selected yet
     */
    public Thread keepAlive() {
        return keepAlive(ConsentFreshness.INTERVAL, ConsentFreshness.EXPIRY);
    }

    /** {@link #keepAlive()} with another interval and expiry (tests). */
    Thread keepAlive(Duration interval, Duration expiry) {
        InetSocketAddress to = selected.getNow(null);
        ConsentFreshness c;
        UdpMux m;
        lock.lock();
        try {
            if (to == null || mux == null || consent != null) {
                throw new IllegalStateException(consent != null ? "consent is kept already" : "no pair selected yet");
            }
            c = new ConsentFreshness(to);
            consent = c;
            m = mux;
        } finally {
            lock.unlock();
        }
        return c.start(m, interval, expiry, this::consentCheck);
    }

    /** When the remote last answered a consent check (System.nanoTime); before keepAlive, {@link Long#MIN_VALUE} (tests). */
    long consentLastAnswer() {
        lock.lock();
        try {
            return consent == null ? Long.MIN_VALUE : consent.lastAnswer();
        } finally {
            lock.unlock();
        }
    }

    /** A consent check: a binding request in our current role, without USE-CANDIDATE. */
    private byte[] consentCheck(byte[] tid) {
        lock.lock();
        try {
            return request(tid, false);
        } finally {
            lock.unlock();
        }
    }

    /** A signed binding request to the remote; the lock is held. */
    private byte[] request(byte[] tid, boolean nominate) {
        StunMessage.Builder b = StunMessage.builder(StunMessage.BINDING_REQUEST, tid)
                .username(remote.ufrag() + ":" + local.ufrag())
                .priority(PRIORITY);
        if (controlling) {
            b.iceControlling(tieBreaker);
            if (nominate) {
                b.useCandidate();
            }
        } else {
            b.iceControlled(tieBreaker);
        }
        return b.encode(remote.key(), true);
    }

    private void sendChecks() throws IOException {
        List<InetSocketAddress> targets = new ArrayList<>();
        lock.lock();
        try {
            if (remote == null || selected.isDone()) {
                return;
            }
            for (Map.Entry<InetSocketAddress, Boolean> e : remotes.entrySet()) {
                // a controlled agent re-checks a valid pair only while the remote has not nominated it
                if (!e.getValue() || controlling) {
                    targets.add(e.getKey());
                }
            }
        } finally {
            lock.unlock();
        }
        for (InetSocketAddress t : targets) {
            sendCheck(t);
        }
    }

    private void sendCheck(InetSocketAddress to) throws IOException {
        byte[] tid = new byte[12];
        RANDOM.nextBytes(tid);
        byte[] request;
        UdpMux m;
        lock.lock();
        try {
            if (remote == null || mux == null) {
                return;
            }
            m = mux;
            transactions.put(key(tid), new Check(to, controlling));
            if (transactions.size() > MAX_TRANSACTIONS) {
                transactions.remove(transactions.keySet().iterator().next());
            }
            request = request(tid, true);
        } finally {
            lock.unlock();
        }
        try {
            m.send(request, 0, request.length, to);
        } catch (IOException e) {
            if (m.isClosed()) {
                selected.completeExceptionally(e);
                throw e;
            }
            // one unreachable candidate (no route, ICMP) must not end the others' checks
        }
    }

    @Override
    public void onStun(UdpMux m, StunMessage message, InetSocketAddress from) {
        int type = message.type();
        if (type == StunMessage.BINDING_REQUEST) {
            onRequest(m, message, from);
        } else if (type == StunMessage.BINDING_SUCCESS || type == StunMessage.BINDING_ERROR) {
            onResponse(message, from);
        }
    }

    private void onRequest(UdpMux m, StunMessage request, InetSocketAddress from) {
        if (!request.hasFingerprint() || request.username().filter(u -> u.startsWith(local.ufrag() + ":")).isEmpty()
                || !request.checkIntegrity(local.key())) {
            return; // not for us: no answer at all, as the ICE-lite responder
        }
        boolean conflict = false;
        InetSocketAddress check = null;
        lock.lock();
        try {
            if (controlling && request.iceControlling().isPresent()) {
                if (Long.compareUnsigned(tieBreaker, request.iceControlling().getAsLong()) >= 0) {
                    conflict = true;
                } else {
                    controlling = false;
                }
            } else if (!controlling && request.iceControlled().isPresent()) {
                if (Long.compareUnsigned(tieBreaker, request.iceControlled().getAsLong()) >= 0) {
                    controlling = true;
                } else {
                    conflict = true;
                }
            }
            if (!conflict) {
                if (remotes.size() < MAX_REMOTE_CANDIDATES) {
                    remotes.putIfAbsent(from, false); // a peer-reflexive candidate
                }
                if (!controlling && request.useCandidate() && remotes.containsKey(from)) {
                    if (!nominatedByRemote.contains(from)) {
                        nominatedByRemote.add(from);
                    }
                    if (Boolean.TRUE.equals(remotes.get(from))) {
                        selected.complete(from);
                    } else if (triggered.putIfAbsent(from, true) == null) {
                        check = from;
                    }
                } else if (Boolean.FALSE.equals(remotes.get(from)) && triggered.putIfAbsent(from, true) == null) {
                    check = from; // a triggered check makes the pair valid sooner
                }
            }
        } finally {
            lock.unlock();
        }
        byte[] response = conflict
                ? StunMessage.builder(StunMessage.BINDING_ERROR, request.transactionId())
                        .errorCode(487, "Role Conflict").encode(local.key(), true)
                : StunMessage.builder(StunMessage.BINDING_SUCCESS, request.transactionId())
                        .xorMappedAddress(from).encode(local.key(), true);
        try {
            m.send(response, 0, response.length, from);
            if (check != null) {
                sendCheck(check);
            }
        } catch (IOException e) {
            System.getLogger(IceAgent.class.getName()).log(System.Logger.Level.DEBUG, "cannot answer a check", e);
        }
    }

    private void onResponse(StunMessage response, InetSocketAddress from) {
        lock.lock();
        try {
            if (remote == null) {
                return;
            }
            if (consent != null && consent.answers(response)) {
                // an answer to a consent check renews consent; nothing else changes after selection
                if (response.type() == StunMessage.BINDING_SUCCESS && from.equals(selected.getNow(null))
                        && response.checkIntegrity(remote.key())) {
                    consent.renewed();
                }
                return;
            }
            String k = key(response.transactionId());
            Check sent = transactions.get(k);
            // RFC 8445 §7.2.5.2.1: the response must come from where the request went
            if (sent == null || !sent.to().equals(from) || !response.checkIntegrity(remote.key())) {
                return;
            }
            transactions.remove(k);
            if (response.type() == StunMessage.BINDING_ERROR) {
                if (response.errorCode().orElse(0) == 487) {
                    // the remote kept the role this check claimed (we may have yielded it already)
                    controlling = !sent.controlling();
                }
                return;
            }
            remotes.put(from, true);
            if (controlling || nominatedByRemote.contains(from)) {
                selected.complete(from);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A check we sent: where to, and the role it claimed. */
    private record Check(InetSocketAddress to, boolean controlling) {
    }

    private static String key(byte[] tid) {
        return java.util.HexFormat.of().formatHex(tid);
    }
}
