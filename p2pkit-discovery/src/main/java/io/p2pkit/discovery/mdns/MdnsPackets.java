package io.p2pkit.discovery.mdns;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages of the libp2p mDNS spec: a PTR query for {@code _p2p._udp.local}, and the answer
 * naming this peer ({@code <peer-name>._p2p._udp.local}) with a TXT record holding one
 * {@code dnsaddr=<multiaddr>/p2p/<id>} string per address. The answer also carries SRV and A/AAAA
 * records, as DNS-SD wants and go-libp2p's zeroconf browser requires (it drops an entry that has no
 * address record for its SRV target).
 */
final class MdnsPackets {
    static final String SERVICE = "_p2p._udp.local";
    /** The DNS-SD service type enumeration name (RFC 6763 section 9). */
    static final String SERVICE_TYPES = "_services._dns-sd._udp.local";
    static final String DNSADDR = "dnsaddr=";
    /** The most addresses taken from one peer's answer (the peer store keeps 64 a peer). */
    static final int MAX_ADDRESSES = 64;
    /** DNS-SD wants a port in the SRV record; libp2p readers use only the TXT record. */
    private static final int SRV_PORT = 4001;

    private MdnsPackets() {
    }

    /** A peer found in an answer, with the addresses it announced and how long to keep them. */
    record Found(PeerId peer, List<Multiaddr> addresses, Duration ttl) {
        Found {
            addresses = List.copyOf(addresses);
        }
    }

    /** The query every peer sends: who offers {@code _p2p._udp.local}? */
    static DnsMessage query() {
        return new DnsMessage(0, 0, List.of(new DnsQuestion(SERVICE, DnsRecord.PTR, DnsRecord.IN, false)),
                List.of(), List.of(), List.of());
    }

    /** Whether {@code m} asks for libp2p peers (a PTR or ANY question for {@code _p2p._udp.local}). */
    static boolean asksForPeers(DnsMessage m) {
        return !m.isResponse() && m.questions().stream().anyMatch(q -> q.name().equalsIgnoreCase(SERVICE)
                && (q.type() == DnsRecord.PTR || q.type() == DnsRecord.ANY));
    }

    /** Whether {@code m} asks which service types are offered (DNS-SD enumeration). */
    static boolean asksForServiceTypes(DnsMessage m) {
        return !m.isResponse() && m.questions().stream().anyMatch(q -> q.name().equalsIgnoreCase(SERVICE_TYPES)
                && (q.type() == DnsRecord.PTR || q.type() == DnsRecord.ANY));
    }

    /** The answer to a service type enumeration: {@code _p2p._udp.local}. */
    static DnsMessage serviceTypes(Duration ttl) {
        return new DnsMessage(0, DnsMessage.AUTHORITATIVE_RESPONSE, List.of(),
                List.of(new DnsRecord(SERVICE_TYPES, DnsRecord.PTR, DnsRecord.IN, false, seconds(ttl),
                        new DnsRecord.Ptr(SERVICE))), List.of(), List.of());
    }

    /**
     * The answer announcing this peer: its addresses (each ending in {@code /p2p/<id>}) as
     * {@code dnsaddr=} strings, as many as fit in one packet, and {@code ips} as the A/AAAA records
     * of the SRV target.
     */
    static DnsMessage answer(String peerName, List<Multiaddr> addresses, List<InetAddress> ips, Duration ttl) {
        long t = seconds(ttl);
        String instance = peerName + "." + SERVICE;
        String hostName = peerName + ".local";
        List<DnsRecord> extra = new ArrayList<>();
        extra.add(new DnsRecord(instance, DnsRecord.SRV, DnsRecord.IN, true, t,
                new DnsRecord.Srv(0, 0, SRV_PORT, hostName)));
        for (InetAddress ip : ips) {
            extra.add(new DnsRecord(hostName, ip instanceof Inet4Address ? DnsRecord.A : DnsRecord.AAAA,
                    DnsRecord.IN, true, t, new DnsRecord.Address(ip)));
        }
        // header, question-less answer and the records above, with room to spare
        int budget = DnsCodec.MAX_PACKET - 512 - 64 * ips.size();
        List<byte[]> strings = new ArrayList<>();
        for (Multiaddr a : addresses) {
            byte[] s = (DNSADDR + a).getBytes(StandardCharsets.UTF_8);
            if (s.length > 255 || budget < s.length + 1) {
                continue; // too long for a character string, or no room left
            }
            budget -= s.length + 1;
            strings.add(s);
        }
        extra.add(0, new DnsRecord(instance, DnsRecord.TXT, DnsRecord.IN, true, t, new DnsRecord.Txt(strings)));
        DnsRecord ptr = new DnsRecord(SERVICE, DnsRecord.PTR, DnsRecord.IN, false, t, new DnsRecord.Ptr(instance));
        return new DnsMessage(0, DnsMessage.AUTHORITATIVE_RESPONSE, List.of(), List.of(ptr), List.of(), extra);
    }

    /**
     * The peers an answer announces: each PTR record for {@code _p2p._udp.local} names an instance;
     * the TXT records of that name (in any section, as go-libp2p, rust-libp2p and we send them)
     * give its {@code dnsaddr=} addresses, which must all name the same peer. Strings that are not
     * such addresses are skipped, as the other implementations do; {@code self} is left out, and
     * so are goodbye answers (TTL 0).
     */
    static List<Found> found(DnsMessage m, PeerId self) {
        if (!m.isResponse()) {
            return List.of();
        }
        List<DnsRecord> all = new ArrayList<>(m.answers());
        all.addAll(m.authorities());
        all.addAll(m.additionals());
        Map<PeerId, Found> out = new LinkedHashMap<>();
        for (DnsRecord r : m.answers()) {
            if (!(r.data() instanceof DnsRecord.Ptr(String instance)) || !r.name().equalsIgnoreCase(SERVICE) || r.ttl() == 0) {
                continue;
            }
            PeerId peer = null;
            List<Multiaddr> addresses = new ArrayList<>();
            for (DnsRecord t : all) {
                if (!(t.data() instanceof DnsRecord.Txt(List<byte[]> strings)) || !t.name().equalsIgnoreCase(instance)) {
                    continue;
                }
                for (byte[] s : strings) {
                    Multiaddr a = dnsaddr(s);
                    if (a == null || addresses.size() >= MAX_ADDRESSES) {
                        continue;
                    }
                    PeerId id = a.peerId().orElseThrow();
                    if (peer != null && !peer.equals(id)) {
                        continue;
                    }
                    peer = id;
                    Multiaddr bare = a.withoutPeerId();
                    if (!bare.isEmpty() && !addresses.contains(bare)) {
                        addresses.add(bare);
                    }
                }
            }
            if (peer != null && !peer.equals(self) && !addresses.isEmpty()) {
                out.merge(peer, new Found(peer, addresses, Duration.ofSeconds(r.ttl())), (x, y) -> x);
            }
        }
        return List.copyOf(out.values());
    }

    /** The multiaddr, ending in {@code /p2p/<id>}, of one {@code dnsaddr=} string (rust-libp2p may quote it), or null. */
    private static Multiaddr dnsaddr(byte[] raw) {
        String s = new String(raw, StandardCharsets.UTF_8);
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        if (!s.startsWith(DNSADDR)) {
            return null;
        }
        try {
            Multiaddr a = Multiaddr.parse(s.substring(DNSADDR.length()));
            return a.peerId().isPresent() ? a : null;
        } catch (DecodeException e) {
            return null; // one bad string does not spoil the others
        }
    }

    private static long seconds(Duration ttl) {
        return Math.min(Math.max(ttl.toSeconds(), 0), 0xffff_ffffL);
    }
}
