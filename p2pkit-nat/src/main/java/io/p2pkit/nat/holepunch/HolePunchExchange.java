package io.p2pkit.nat.holepunch;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The messages of one DCUtR attempt on its stream, apart from dialing: the initiator (the peer the
 * relayed connection came in to) sends CONNECT with its addresses and times the answer, the
 * receiver answers CONNECT with its own and times the SYNC that follows.
 */
final class HolePunchExchange {
    private HolePunchExchange() {
    }

    /**
     * What one exchange agreed.
     *
     * @param remote the peer's addresses worth dialing
     * @param ours   the addresses we sent
     * @param rtt    the relayed connection's round-trip time, as this side measured it
     */
    record Agreed(List<Multiaddr> remote, List<Multiaddr> ours, Duration rtt) {
    }

    /**
     * The initiator's part: CONNECT with {@code ours}, the peer's CONNECT (the time between is the
     * RTT), then SYNC.
     *
     * @param usable which of the peer's addresses to keep (not relayed, public, dialable)
     * @throws ProtocolException when we have no address, the peer sends none usable or the wrong message
     */
    static Agreed initiate(InputStream in, OutputStream out, List<Multiaddr> ours, Predicate<Multiaddr> usable,
                           LongSupplier nanoClock) throws IOException {
        if (ours.isEmpty()) {
            throw new ProtocolException("no public address of ours to offer");
        }
        HolePunchMessage connect = HolePunchMessage.connectWithin(ours);
        connect.write(out);
        long sent = nanoClock.getAsLong();
        HolePunchMessage answer = HolePunchMessage.read(in);
        Duration rtt = Duration.ofNanos(nanoClock.getAsLong() - sent);
        if (answer.type() != HolePunchMessage.Type.CONNECT) {
            throw new ProtocolException("expected CONNECT, got " + answer.type());
        }
        List<Multiaddr> remote = usableOf(answer, usable);
        HolePunchMessage.sync().write(out);
        return new Agreed(remote, connect.addresses(), rtt);
    }

    /**
     * The receiver's part: the initiator's CONNECT, ours back, then its SYNC (the time between is
     * the RTT).
     *
     * @throws ProtocolException when we have no address, the peer sends none usable or the wrong message
     */
    static Agreed respond(InputStream in, OutputStream out, List<Multiaddr> ours, Predicate<Multiaddr> usable,
                          LongSupplier nanoClock) throws IOException {
        if (ours.isEmpty()) {
            throw new ProtocolException("no public address of ours to offer");
        }
        HolePunchMessage connect = HolePunchMessage.read(in);
        if (connect.type() != HolePunchMessage.Type.CONNECT) {
            throw new ProtocolException("expected CONNECT, got " + connect.type());
        }
        List<Multiaddr> remote = usableOf(connect, usable);
        HolePunchMessage answer = HolePunchMessage.connectWithin(ours);
        answer.write(out);
        long sent = nanoClock.getAsLong();
        HolePunchMessage sync = HolePunchMessage.read(in);
        Duration rtt = Duration.ofNanos(nanoClock.getAsLong() - sent);
        if (sync.type() != HolePunchMessage.Type.SYNC) {
            throw new ProtocolException("expected SYNC, got " + sync.type());
        }
        return new Agreed(remote, answer.addresses(), rtt);
    }

    private static List<Multiaddr> usableOf(HolePunchMessage m, Predicate<Multiaddr> usable) throws ProtocolException {
        List<Multiaddr> out = m.addresses().stream()
                .filter(a -> !a.hasProtocol(Protocol.P2P_CIRCUIT)).filter(usable).distinct().toList();
        if (out.isEmpty()) {
            throw new ProtocolException("the peer's CONNECT has no address worth dialing (of " + m.addresses().size() + ")");
        }
        return out;
    }

    /**
     * Whether the initiator runs the security handshake as the client on {@code attempt} (from 1)
     * of {@code maxAttempts}. The spec and go-libp2p since v0.41 make the receiver the client and
     * the initiator the server; go's initiator switches to client on its last attempt, for peers
     * of older go-libp2p versions, which had the roles the other way round. The receiver is
     * always the client.
     */
    static boolean initiatorIsClient(int attempt, int maxAttempts) {
        return attempt == maxAttempts;
    }
}
