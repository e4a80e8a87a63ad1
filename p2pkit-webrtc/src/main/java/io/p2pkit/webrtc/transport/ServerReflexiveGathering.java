package io.p2pkit.webrtc.transport;

import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.mux.UdpRelay;
import io.p2pkit.webrtc.stun.StunMessage;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Server-reflexive candidates (RFC 8445 §5.1.1.2): a STUN Binding request from the connection's
 * socket to each configured server, retransmitted as RFC 8489 §6.2.1 says (the interval doubling
 * from {@link #FIRST_RTO}) until every server answered or the gathering's deadline passed, and the
 * distinct addresses the servers saw.
 *
 * <p>It sits between the mux and the ICE agent: a response to one of its own requests, from the
 * server it went to, is taken here; every other STUN message goes on to the agent. A response
 * counts only with the right transaction ID, from that server, and with an IPv4
 * XOR-MAPPED-ADDRESS (the socket is IPv4); anything that fails to decode never gets here.
 */
final class ServerReflexiveGathering implements UdpMux.StunHandler {
    /** Most STUN servers asked per connection. */
    static final int MAX_SERVERS = 4;
    /** The first retransmission interval: RFC 8489 allows less than 500 ms where the RTT is known to be short. */
    static final Duration FIRST_RTO = Duration.ofMillis(250);
    /** How long gathering may wait for the servers at most. */
    static final Duration TIMEOUT = Duration.ofMillis(2500);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<InetSocketAddress> servers;
    private final UdpMux.StunHandler next;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition answered = lock.newCondition();
    /** Transaction ID (hex) to the server asked; removed once that server answered. */
    private final Map<String, InetSocketAddress> pending = new LinkedHashMap<>();
    private final Set<InetSocketAddress> done = new LinkedHashSet<>();
    /** Server to the address it saw; read in the servers' order, so the SDP does not depend on who answered first. */
    private final Map<InetSocketAddress, InetSocketAddress> mapped = new HashMap<>();

    /**
     * @param servers the STUN servers to ask (at most {@link #MAX_SERVERS})
     * @param next    where every other STUN message goes: the connection's ICE agent
     */
    ServerReflexiveGathering(List<InetSocketAddress> servers, UdpMux.StunHandler next) {
        if (servers.size() > MAX_SERVERS) {
            throw new IllegalArgumentException("at most " + MAX_SERVERS + " STUN servers, not " + servers.size());
        }
        this.servers = List.copyOf(new LinkedHashSet<>(servers));
        this.next = next;
    }

    /**
     * Asks every server from {@code mux}'s socket and returns the distinct mapped addresses (in
     * the servers' order) once each answered, or what came by {@code deadline}; at once and empty
     * without servers.
     */
    List<InetSocketAddress> gather(UdpMux mux, Instant deadline) throws IOException, InterruptedException {
        Duration rto = FIRST_RTO;
        Instant nextSend = Instant.now();
        lock.lock();
        try {
            while (done.size() < servers.size()) {
                Instant now = Instant.now();
                if (!now.isBefore(deadline)) {
                    break;
                }
                if (!now.isBefore(nextSend)) {
                    for (InetSocketAddress s : servers) {
                        if (!done.contains(s)) {
                            send(mux, s);
                        }
                    }
                    nextSend = now.plus(rto);
                    rto = rto.multipliedBy(2);
                }
                Instant wake = nextSend.isBefore(deadline) ? nextSend : deadline;
                answered.await(Math.max(1, Duration.between(now, wake).toMillis()), TimeUnit.MILLISECONDS);
            }
            pending.clear(); // late answers go to the agent, which knows none of these transactions
            Set<InetSocketAddress> distinct = new LinkedHashSet<>();
            for (InetSocketAddress s : servers) {
                if (mapped.containsKey(s)) {
                    distinct.add(mapped.get(s));
                }
            }
            return List.copyOf(distinct);
        } finally {
            lock.unlock();
        }
    }

    /** Sends one Binding request (a new transaction per retransmission, so any answer counts); called under the lock. */
    private void send(UdpMux mux, InetSocketAddress server) throws IOException {
        byte[] tid = new byte[12];
        RANDOM.nextBytes(tid);
        pending.put(HexFormat.of().formatHex(tid), server);
        byte[] request = StunMessage.builder(StunMessage.BINDING_REQUEST, tid).encode(null, true);
        try {
            mux.send(request, 0, request.length, server);
        } catch (IOException e) {
            if (mux.isClosed()) {
                throw e;
            }
            done.add(server); // unreachable (no route): do not wait for it
            System.getLogger(ServerReflexiveGathering.class.getName())
                    .log(System.Logger.Level.DEBUG, () -> "STUN server " + server + " unreachable: " + e);
        }
    }

    @Override
    public void onStun(UdpMux mux, StunMessage message, InetSocketAddress from) {
        int type = message.type();
        if (type == StunMessage.BINDING_SUCCESS || type == StunMessage.BINDING_ERROR) {
            lock.lock();
            try {
                String key = HexFormat.of().formatHex(message.transactionId());
                InetSocketAddress server = pending.get(key);
                if (server != null && server.equals(from)) {
                    if (type == StunMessage.BINDING_SUCCESS) {
                        InetSocketAddress m = message.xorMappedAddress().orElse(null);
                        if (m == null || !(m.getAddress() instanceof Inet4Address)) {
                            return; // not an answer we can use: keep asking until the deadline
                        }
                        mapped.put(server, m);
                    }
                    pending.values().removeIf(server::equals);
                    done.add(server);
                    answered.signalAll();
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
        next.onStun(mux, message, from);
    }

    /** Relayed messages are never a STUN server's answer: they go on to the agent. */
    @Override
    public void onRelayed(UdpMux mux, StunMessage message, InetSocketAddress from, UdpRelay via) {
        next.onRelayed(mux, message, from, via);
    }

    @Override
    public String toString() {
        return "ServerReflexiveGathering" + servers;
    }
}
