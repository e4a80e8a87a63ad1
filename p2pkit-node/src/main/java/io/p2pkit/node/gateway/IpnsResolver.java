package io.p2pkit.node.gateway;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.record.IpnsRecord;
import io.p2pkit.kad.record.IpnsValidator;
import io.p2pkit.kad.record.RecordStore;
import io.p2pkit.node.Node;
import io.p2pkit.node.cli.content.IpnsNames;
import io.p2pkit.node.dnslink.DnsLinkResolver;
import io.p2pkit.node.names.NameCache;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * IPNS names for the gateway: a name's signed record (from the DHT's local store first, then a
 * DHT lookup), checked before use, and {@code /ipns/} resolution to an {@code /ipfs/} path.
 * DNSLink domains are resolved through their TXT records.
 */
final class IpnsResolver {
    private final Node node;
    private final DnsLinkResolver dns;

    IpnsResolver(Node node, DnsLinkResolver dns) {
        this.node = node;
        this.dns = dns;
    }

    /** A name as the gateway writes it: the CIDv1 (libp2p-key, base36) of its peer ID, or a DNSLink domain (id null). */
    record Canonical(PeerId id, String name) {
        boolean dnsLink() {
            return id == null;
        }
    }

    /** A name's record. */
    record Found(PeerId id, String canonicalName, byte[] bytes, IpnsRecord record, long ttlSeconds) {
    }

    /** Where a name leads, and for how long that may be cached. */
    record Resolved(IpfsPath path, long ttlSeconds) {
    }

    /** @throws GatewayException 400 when {@code name} is neither a peer ID nor a domain */
    static Canonical canonical(String name) {
        try {
            PeerId id = PeerId.parse(name);
            return new Canonical(id, id.toCid().toString(Multibase.Encoding.BASE36));
        } catch (IllegalArgumentException e) {
            if (DnsLinkResolver.isDomain(name)) {
                return new Canonical(null, name);
            }
            throw GatewayException.badRequest("\"" + GatewayHandler.abbreviate(name) + "\" is not an IPNS name "
                    + "(a peer ID, a libp2p-key CID or a DNSLink domain)");
        }
    }

    /**
     * @throws GatewayException 502 when no valid record is found, 501 without a DHT
     */
    Found record(String name) throws IOException {
        Canonical c = canonical(name);
        if (c.dnsLink()) {
            throw GatewayException.badRequest(name + " is a DNSLink domain: it has no IPNS record");
        }
        KadDht dht = node.dht().orElseThrow(() -> new GatewayException(501,
                "this node runs no DHT, so IPNS names cannot be resolved"));
        byte[] key = IpnsNames.dhtKey(c.id());
        Optional<byte[]> bytes = dht.recordStore().get(key).map(RecordStore.Stored::value);
        if (bytes.isEmpty()) {
            bytes = dht.getValue(key, 1).value();
        }
        if (bytes.isEmpty()) {
            throw new GatewayException(502, "no IPNS record for " + c.name() + " was found");
        }
        IpnsRecord record;
        try {
            record = IpnsRecord.decode(bytes.get());
            IpnsValidator.check(c.id(), record, Instant.now());
        } catch (DecodeException e) {
            throw new GatewayException(502, "the IPNS record of " + c.name() + " is not valid: " + e.getMessage());
        }
        // Kubo 0.43 (boxo#1166): caches may keep it no longer than it is valid; the TTL is floored at zero
        return new Found(c.id(), c.name(), bytes.get(), record, node.nameCache().ttlOf(record).getSeconds());
    }

    /**
     * The DNSLink of {@code domain}.
     *
     * @throws GatewayException 404 when it has none, 502 when DNS did not answer
     */
    DnsLinkResolver.Link dnsLink(String domain) {
        try {
            return dns.resolve(domain).orElseThrow(() -> GatewayException.notFound("no DNSLink record for "
                    + GatewayHandler.abbreviate(domain) + " (no dnslink= TXT record at _dnslink." + domain + ")"));
        } catch (IOException e) {
            throw new GatewayException(502, "DNSLink of " + GatewayHandler.abbreviate(domain) + " could not be resolved: "
                    + e.getMessage());
        }
    }

    /**
     * Follows {@code /ipns/} values until an {@code /ipfs/} path, at most {@link IpnsNames#MAX_DEPTH}
     * steps, each read from the node's name cache while it lasts there and kept there once looked
     * up; the TTL is the shortest step's, no longer than the cache's cap.
     */
    Resolved resolve(String name) throws IOException {
        NameCache cache = node.nameCache();
        String current = name;
        String tail = "";
        long ttl = Long.MAX_VALUE;
        for (int depth = 0; depth < IpnsNames.MAX_DEPTH; depth++) {
            Canonical c = canonical(current);
            String at = current;
            NameCache.Hit step = c.dnsLink() ? cache.getOrLookUp(NameCache.key(at), () -> {
                DnsLinkResolver.Link link = dnsLink(at);
                return new NameCache.Hit(link.path(), Duration.ofSeconds(link.ttlSeconds()));
            }) : cache.getOrLookUp(NameCache.key(c.id()), () -> {
                IpnsRecord record = record(at).record();
                return new NameCache.Hit(record.valueText(), cache.ttlOf(record));
            });
            ttl = Math.min(ttl, cache.reported(step.ttl()).getSeconds());
            String value = step.value() + tail;
            if (value.startsWith("/ipns/")) {
                String rest = value.substring(6);
                int slash = rest.indexOf('/');
                current = slash < 0 ? rest : rest.substring(0, slash);
                tail = slash < 0 ? "" : rest.substring(slash);
                continue;
            }
            try {
                return new Resolved(IpfsPath.parse(value), ttl);
            } catch (IllegalArgumentException e) {
                throw new GatewayException(502, "the IPNS record of " + current + " points to \""
                        + GatewayHandler.abbreviate(value) + "\", not a content path");
            }
        }
        throw new GatewayException(502, "resolving /ipns/" + name + " took more than " + IpnsNames.MAX_DEPTH + " steps");
    }
}
