package io.p2pkit.webrtc.ice;

import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.mux.UdpRelay;
import io.p2pkit.webrtc.sdp.IceCandidate;
import io.p2pkit.webrtc.stun.StunMessage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * <p>Our local candidates have two kinds of base: the socket itself (host and server-reflexive
 * candidates) and, once {@link #addRelay added}, each TURN allocation (relay candidates), whose
 * checks go out and come back through the relay ({@link #onRelayed}). A pair is <em>relayed</em>
 * when either of its candidates is a relay's; the others are direct.
 *
 * <ul>
 *   <li>Controlling (the offerer): every check on a direct pair carries USE-CANDIDATE (aggressive
 *       nomination, which browsers accept as controlled agents), so the first direct pair whose
 *       check succeeds is selected. Relayed pairs are checked without it; once one is valid and
 *       no direct pair succeeded for {@link #RELAY_WAIT} (at once when there is no direct pair at
 *       all), the best valid relayed pair then (RFC 8445's pair priority, relay candidates having type
 *       preference 0), or the first to become valid after that, is nominated with a check that carries it, and selected when that succeeds.
 *       So direct paths win whenever they work.</li>
 *   <li>Controlled (the answerer): a pair is selected once the remote nominated it (a request with
 *       USE-CANDIDATE) and our own check on it succeeded; a nomination on a pair not yet checked
 *       triggers a check at once.</li>
 *   <li>Role conflicts (RFC 8445 §7.3.1.1): the agent with the larger tie-breaker keeps
 *       controlling; a request claiming our role is answered with 487 when we keep it, and switches
 *       us otherwise; a 487 response switches us.</li>
 * </ul>
 *
 * <p>Once selected the agent keeps answering checks (a browser's consent checks) until the mux
 * closes, and {@link #keepAlive()} sends consent checks of its own on the selected pair (RFC 7675),
 * through the relay when the pair's local candidate is one. State changes happen under one lock,
 * held only briefly; sends happen outside it.
 */
public final class IceAgent implements UdpMux.StunHandler {
    /** First retransmission interval of a check. */
    static final Duration FIRST_RTO = Duration.ofMillis(100);
    /** Longest interval between retransmissions. */
    static final Duration MAX_RTO = Duration.ofMillis(1600);
    /** Most remote candidates (signalled and peer-reflexive) kept. */
    public static final int MAX_REMOTE_CANDIDATES = 32;
    /** Most relays (TURN allocations) whose candidates pair with the remote's. */
    public static final int MAX_RELAYS = 4;
    /** How long the controlling agent gives direct pairs before it nominates a relayed one. */
    public static final Duration RELAY_WAIT = Duration.ofSeconds(1);
    /** PRIORITY sent in checks: a peer-reflexive candidate's priority for component 1. */
    static final long PRIORITY = (110L << 24) | (65535L << 8) | 255L;
    /** Most transactions remembered for matching responses. */
    private static final int MAX_TRANSACTIONS = 256;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long HOST_PRIORITY = IceCandidate.host("1", new InetSocketAddress(0)).priority();
    private static final long RELAY_PRIORITY = IceCandidate.relay("1", new InetSocketAddress(0), Optional.empty()).priority();

    private final IceCredentials local;
    private final long tieBreaker = RANDOM.nextLong() & Long.MAX_VALUE;
    private final ReentrantLock lock = new ReentrantLock();
    private final CompletableFuture<InetSocketAddress> selected = new CompletableFuture<>();
    /** Remote candidates in the order learned. */
    private final Map<InetSocketAddress, Remote> remotes = new LinkedHashMap<>();
    private final List<UdpRelay> relays = new ArrayList<>();
    /** Every pair to check: each remote with each base, a peer-reflexive one with the base it came to. */
    private final Set<Pair> pairs = new LinkedHashSet<>();
    /** Pairs whose check succeeded. */
    private final Set<Pair> valid = new HashSet<>();
    private final List<Pair> nominatedByRemote = new ArrayList<>();
    /** Transaction id (as a string key) to the check sent; the oldest go first past the cap. */
    private final Map<String, Check> transactions = new LinkedHashMap<>();
    private final Set<Pair> triggered = new HashSet<>();
    private IceCredentials remote; // null until the remote's description is known
    private boolean controlling;
    private boolean direct = true; // whether the socket itself is a base (not when relay-only)
    private Pair nominating;       // the relayed pair being nominated, when the controlling agent chose one
    private long checksBegan;      // System.nanoTime when run began
    private Pair chosen;           // the selected pair
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

    /**
     * Adds a relay (a TURN allocation) as the base of a relay candidate: every remote candidate
     * is paired with it too, and gets a permission on it. Beyond {@link #MAX_RELAYS} it is ignored.
     */
    public void addRelay(UdpRelay relay) {
        List<InetSocketAddress> permit;
        lock.lock();
        try {
            if (relays.size() >= MAX_RELAYS || relays.contains(relay)) {
                return;
            }
            relays.add(relay);
            permit = List.copyOf(remotes.keySet());
            for (InetSocketAddress r : permit) {
                pairs.add(new Pair(relay, r));
            }
        } finally {
            lock.unlock();
        }
        permit.forEach(r -> relay.permit(r.getAddress()));
    }

    /**
     * Checks only through the relays (browsers' {@code iceTransportPolicy: "relay"}): no pair has
     * the socket itself as its base, and checks that reach the socket straight get no answer.
     * Call before adding remote candidates.
     */
    public void relayOnly() {
        lock.lock();
        try {
            direct = false;
            pairs.removeIf(p -> p.via() == null);
        } finally {
            lock.unlock();
        }
    }

    /** Adds a remote candidate (trickled without its type: taken as a host candidate); beyond the cap it is ignored. */
    public void addRemoteCandidate(InetSocketAddress address) {
        addRemote(address, PRIORITY, false);
    }

    /** Adds a remote candidate from the remote's description or trickled, with its priority and type; beyond the cap it is ignored. */
    public void addRemoteCandidate(IceCandidate candidate) {
        addRemote(candidate.address(), candidate.priority(), candidate.type().equals("relay"));
    }

    private void addRemote(InetSocketAddress address, long priority, boolean relay) {
        List<UdpRelay> permitOn;
        lock.lock();
        try {
            if (remotes.size() >= MAX_REMOTE_CANDIDATES || remotes.containsKey(address)) {
                return;
            }
            remotes.put(address, new Remote(priority, relay));
            if (direct) {
                pairs.add(new Pair(null, address));
            }
            for (UdpRelay r : relays) {
                pairs.add(new Pair(r, address));
            }
            permitOn = List.copyOf(relays);
        } finally {
            lock.unlock();
        }
        permitOn.forEach(r -> r.permit(address.getAddress()));
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
            checksBegan = System.nanoTime();
        } finally {
            lock.unlock();
        }
        Duration rto = FIRST_RTO;
        while (true) {
            nominate();
            sendChecks();
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new TimeoutException("ICE found no working candidate pair; remote candidates: " + remoteCandidates());
            }
            Duration wait = rto.compareTo(left) < 0 ? rto : left;
            Duration untilRelays = untilRelayWaitEnds();
            if (untilRelays.compareTo(wait) < 0) {
                wait = untilRelays; // wake when a relayed pair may be nominated
            }
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

    /** The relay the selected pair's local candidate belongs to; empty for a direct pair or before selection. */
    public Optional<UdpRelay> selectedRelay() {
        lock.lock();
        try {
            return chosen == null ? Optional.empty() : Optional.ofNullable(chosen.via());
        } finally {
            lock.unlock();
        }
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
        ConsentFreshness c;
        UdpMux m;
        lock.lock();
        try {
            if (chosen == null || mux == null || consent != null) {
                throw new IllegalStateException(consent != null ? "consent is kept already" : "no pair selected yet");
            }
            c = new ConsentFreshness(chosen.remote(), chosen.via());
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

    /** Whether a pair goes through a relay, ours or the remote's; the lock is held. */
    private boolean relayed(Pair p) {
        Remote r = remotes.get(p.remote());
        return p.via() != null || (r != null && r.relay());
    }

    /** How long until the controlling agent may nominate a relayed pair (zero: now; long: not waiting). */
    private Duration untilRelayWaitEnds() {
        lock.lock();
        try {
            if (!controlling || nominating != null || selected.isDone() || valid.stream().noneMatch(this::relayed)) {
                return Duration.ofDays(1);
            }
            long left = RELAY_WAIT.toNanos() - (System.nanoTime() - checksBegan);
            return Duration.ofNanos(Math.max(0, left));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The controlling agent picks the best valid relayed pair to nominate, once direct pairs had
     * {@link #RELAY_WAIT} (or there is none) and none was selected, and sends it a nominating check.
     */
    private void nominate() throws IOException {
        Pair pick = null;
        lock.lock();
        try {
            if (!controlling || nominating != null || selected.isDone() || mux == null) {
                return;
            }
            if (!relayedMayWin()) {
                return;
            }
            for (Pair p : valid) {
                if (relayed(p) && pairs.contains(p) && (pick == null || priority(p) > priority(pick))) {
                    pick = p;
                }
            }
            nominating = pick;
        } finally {
            lock.unlock();
        }
        if (pick != null) {
            sendCheck(pick);
        }
    }

    /** Whether direct pairs had their {@link #RELAY_WAIT}, or there is none; the lock is held. */
    private boolean relayedMayWin() {
        return System.nanoTime() - checksBegan >= RELAY_WAIT.toNanos() || pairs.stream().allMatch(this::relayed);
    }

    /** RFC 8445 §6.1.2.3's pair priority; the lock is held. */
    private long priority(Pair p) {
        long ours = p.via() == null ? HOST_PRIORITY : RELAY_PRIORITY;
        Remote r = remotes.get(p.remote());
        long theirs = r == null ? PRIORITY : r.priority();
        long g = controlling ? ours : theirs;
        long d = controlling ? theirs : ours;
        return (Math.min(g, d) << 32) + 2 * Math.max(g, d) + (g > d ? 1 : 0);
    }

    private void sendChecks() throws IOException {
        List<Pair> targets = new ArrayList<>();
        lock.lock();
        try {
            if (remote == null || selected.isDone()) {
                return;
            }
            for (Pair p : pairs) {
                // a controlled agent re-checks a valid pair only while the remote has not nominated
                // it; a controlling one re-checks direct pairs (each check nominates) and the one it nominates
                boolean recheck = controlling && (!relayed(p) || p.equals(nominating));
                if (!valid.contains(p) || recheck) {
                    targets.add(p);
                }
            }
        } finally {
            lock.unlock();
        }
        for (Pair t : targets) {
            sendCheck(t);
        }
    }

    private void sendCheck(Pair to) throws IOException {
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
            boolean nominate = controlling && (!relayed(to) || to.equals(nominating));
            transactions.put(key(tid), new Check(to, controlling, nominate));
            if (transactions.size() > MAX_TRANSACTIONS) {
                transactions.remove(transactions.keySet().iterator().next());
            }
            request = request(tid, nominate);
        } finally {
            lock.unlock();
        }
        try {
            send(m, to, request);
        } catch (IOException e) {
            if (m.isClosed()) {
                selected.completeExceptionally(e);
                throw e;
            }
            // one unreachable candidate (no route, ICMP) must not end the others' checks
        }
    }

    private static void send(UdpMux m, Pair to, byte[] datagram) throws IOException {
        if (to.via() != null) {
            to.via().send(datagram, 0, datagram.length, to.remote());
        } else {
            m.send(datagram, 0, datagram.length, to.remote());
        }
    }

    @Override
    public void onStun(UdpMux m, StunMessage message, InetSocketAddress from) {
        onMessage(m, message, new Pair(null, from));
    }

    /** A STUN message that came through one of our relays from {@code from}: its pair's local candidate is the relay's. */
    @Override
    public void onRelayed(UdpMux m, StunMessage message, InetSocketAddress from, UdpRelay via) {
        onMessage(m, message, new Pair(via, from));
    }

    private void onMessage(UdpMux m, StunMessage message, Pair pair) {
        lock.lock();
        try {
            if (pair.via() == null ? !direct : !relays.contains(pair.via())) {
                return; // not a base of ours: relay-only, or a relay we do not use
            }
        } finally {
            lock.unlock();
        }
        int type = message.type();
        if (type == StunMessage.BINDING_REQUEST) {
            onRequest(m, message, pair);
        } else if (type == StunMessage.BINDING_SUCCESS || type == StunMessage.BINDING_ERROR) {
            onResponse(message, pair);
        }
    }

    private void onRequest(UdpMux m, StunMessage request, Pair pair) {
        if (!request.hasFingerprint() || request.username().filter(u -> u.startsWith(local.ufrag() + ":")).isEmpty()
                || !request.checkIntegrity(local.key())) {
            return; // not for us: no answer at all, as the ICE-lite responder
        }
        InetSocketAddress from = pair.remote();
        boolean conflict = false;
        Pair check = null;
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
                if (!remotes.containsKey(from) && remotes.size() < MAX_REMOTE_CANDIDATES) {
                    // a peer-reflexive candidate, paired with the base its check came to
                    remotes.put(from, new Remote(request.priority().orElse(PRIORITY), false));
                    pairs.add(pair);
                } else if (remotes.containsKey(from)) {
                    pairs.add(pair);
                }
                if (!controlling && request.useCandidate() && pairs.contains(pair)) {
                    if (!nominatedByRemote.contains(pair)) {
                        nominatedByRemote.add(pair);
                    }
                    if (valid.contains(pair)) {
                        select(pair);
                    } else if (triggered.add(pair)) {
                        check = pair;
                    }
                } else if (pairs.contains(pair) && !valid.contains(pair) && triggered.add(pair)) {
                    check = pair; // a triggered check makes the pair valid sooner
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
            send(m, pair, response); // back the way it came
            if (check != null) {
                sendCheck(check);
            }
        } catch (IOException e) {
            System.getLogger(IceAgent.class.getName()).log(System.Logger.Level.DEBUG, "cannot answer a check", e);
        }
    }

    private void onResponse(StunMessage response, Pair pair) {
        Pair nominate = null;
        lock.lock();
        try {
            if (remote == null) {
                return;
            }
            if (consent != null && consent.answers(response)) {
                // an answer to a consent check renews consent; nothing else changes after selection
                if (response.type() == StunMessage.BINDING_SUCCESS && pair.equals(chosen)
                        && response.checkIntegrity(remote.key())) {
                    consent.renewed();
                }
                return;
            }
            String k = key(response.transactionId());
            Check sent = transactions.get(k);
            // RFC 8445 §7.2.5.2.1: the response must come from where the request went, the way it went
            if (sent == null || !sent.pair().equals(pair) || !response.checkIntegrity(remote.key())) {
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
            valid.add(pair);
            if (controlling && (sent.nominated() || !relayed(pair))) {
                select(pair);
            } else if (nominatedByRemote.contains(pair)) {
                select(pair);
            } else if (controlling && nominating == null && mux != null && relayedMayWin()) {
                nominate = pair; // the wait is over already: the first valid relayed pair is the one
                nominating = pair;
            }
        } finally {
            lock.unlock();
        }
        if (nominate != null) {
            try {
                sendCheck(nominate);
            } catch (IOException e) {
                // the mux closed: run() ends with it
            }
        }
    }

    /** Selects {@code p} unless a pair is selected already; the lock is held. */
    private void select(Pair p) {
        if (chosen == null) {
            chosen = p;
            selected.complete(p.remote());
        }
    }

    /** A remote candidate: its priority and whether it is a relay's. */
    private record Remote(long priority, boolean relay) {
    }

    /** A candidate pair: our base (a relay, or null for the socket itself) and the remote candidate. */
    private record Pair(UdpRelay via, InetSocketAddress remote) {
    }

    /** A check we sent: on which pair, the role it claimed, and whether it nominated. */
    private record Check(Pair pair, boolean controlling, boolean nominated) {
    }

    private static String key(byte[] tid) {
        return java.util.HexFormat.of().formatHex(tid);
    }
}
