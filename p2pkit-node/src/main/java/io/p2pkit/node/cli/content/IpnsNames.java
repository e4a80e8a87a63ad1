package io.p2pkit.node.cli.content;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.node.dnslink.DnsLinkResolver;
import io.p2pkit.node.names.NameCache;
import io.p2pkit.kad.GetResult;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.PutResult;
import io.p2pkit.kad.record.IpnsRecord;
import io.p2pkit.kad.record.IpnsRecordSigner;
import io.p2pkit.node.names.PublishedNames;
import io.p2pkit.kad.record.NamespacedKey;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.UsageException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** IPNS names for the commands: their DHT keys, and resolution of {@code /ipns/} paths through the DHT. */
public final class IpnsNames {
    /** Resolution through /ipns/ values stops after this many steps, as Kubo's. */
    public static final int MAX_DEPTH = 32;

    private IpnsNames() {
    }

    /** The DHT key of an IPNS name. */
    public static byte[] dhtKey(PeerId id) {
        return NamespacedKey.of("/ipns/", id.bytes());
    }

    /**
     * Publishes {@code value} as {@code key}'s name: the next sequence after the DHT's record and the
     * one kept in {@code names} (the last published from this repository), put to the closest DHT
     * servers; the record is kept in {@code names} once a server took it, for the daemon's
     * republisher.
     *
     * @return what the put reached
     */
    public static PutResult publish(KadDht dht, PublishedNames names, PrivateKey key, String value, Duration lifetime,
                                    Duration ttl) throws IOException {
        PeerId id = key.publicKey().toPeerId();
        return names.locked(() -> {
            long sequence = names.last(id).map(r -> r.sequence() + 1).orElse(0L);
            GetResult existing = dht.getValue(dhtKey(id), 1);
            if (existing.value().isPresent()) {
                sequence = Math.max(sequence, IpnsRecord.decode(existing.value().get()).sequence() + 1);
            }
            byte[] record = IpnsRecordSigner.sign(key, value, sequence, Instant.now().plus(lifetime), ttl);
            PutResult put = dht.putValue(dhtKey(id), record);
            if (put.peers() > 0) {
                names.save(id, record);
            }
            return put;
        });
    }

    /**
     * Checks a signed record before {@code name put} stores it, as Kubo's does unless {@code
     * --force}: within the size limit, well formed, signed for {@code name} and in force now.
     *
     * @param name   the name it is put for
     * @param record the record's bytes
     * @return the decoded record
     * @throws IllegalArgumentException with Kubo's words for what is wrong
     */
    public static IpnsRecord checkRecord(PeerId name, byte[] record) {
        if (record.length > IpnsRecord.MAX_BYTES) {
            throw new IllegalArgumentException("record exceeds maximum size of " + IpnsRecord.MAX_BYTES
                    + " bytes, use --force to skip size check");
        }
        IpnsRecord r;
        try {
            r = IpnsRecord.decode(record);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("invalid IPNS record: " + e.getMessage());
        }
        try {
            io.p2pkit.kad.record.IpnsValidator.check(name, r, Instant.now());
        } catch (DecodeException e) {
            throw new IllegalArgumentException("record validation failed: " + e.getMessage());
        }
        return r;
    }

    /**
     * Checks that a record {@link #checkRecord checked} is not behind the record the routing
     * holds for its name, as Kubo's {@code name put} does unless {@code --force}; the same bytes
     * may be put again.
     *
     * @param checked  the record, decoded
     * @param record   its bytes
     * @param existing the best record the routing holds for the name, if any
     * @param command  how the command is typed, for the hint to skip the check
     * @throws IllegalArgumentException with Kubo's words when it is behind
     */
    public static void checkSequence(IpnsRecord checked, byte[] record, Optional<byte[]> existing,
                                     String command) {
        if (existing.isEmpty() || java.util.Arrays.equals(existing.get(), record)) {
            return;
        }
        long had;
        try {
            had = IpnsRecord.decode(existing.get()).sequence();
        } catch (DecodeException e) {
            return; // an unreadable record there is no reason to refuse this one
        }
        if (had >= checked.sequence()) {
            throw new IllegalArgumentException("existing IPNS record has sequence " + had + " >= new record sequence "
                    + checked.sequence() + ", use '" + command + " --force' to skip this check");
        }
    }

    /** The path a record points at, or empty for bytes that are not a record ({@code name put --force}). */
    public static String valueOf(byte[] record) {
        try {
            return IpnsRecord.decode(record).valueText();
        } catch (DecodeException e) {
            return "";
        }
    }

    /** A name as given: a peer ID (base58 or a k51… CID) with or without /ipns/. */
    public static PeerId parseName(String text) {
        String t = text.startsWith("/ipns/") ? text.substring(6) : text;
        int slash = t.indexOf('/');
        if (slash >= 0) {
            t = t.substring(0, slash);
        }
        try {
            return PeerId.parse(t);
        } catch (DecodeException e) {
            throw new UsageException("not an IPNS name: " + text + " (" + e.getMessage() + "; DNSLink is not supported)");
        }
    }

    /**
     * Resolves {@code /ipns/<name>[/rest]} through the DHT until it is an {@code /ipfs/} path.
     *
     * @throws CommandFailedException when a name has no valid record
     */
    public static String resolve(KadDht dht, String path, boolean recursive) throws IOException {
        return resolve(dht, DnsLinkResolver.NONE, path, recursive);
    }

    /** Whether {@code name} (the part after {@code /ipns/}, before any {@code /}) is a DNSLink domain rather than a key. */
    public static boolean isDnsLink(String name) {
        String t = name.startsWith("/ipns/") ? name.substring(6) : name;
        int slash = t.indexOf('/');
        String first = slash < 0 ? t : t.substring(0, slash);
        try {
            PeerId.parse(first);
            return false;
        } catch (DecodeException e) {
            return DnsLinkResolver.isDomain(first);
        }
    }

    /**
     * Resolves {@code /ipns/<name>[/rest]}, a key through the DHT and a DNSLink domain through DNS,
     * until it is an {@code /ipfs/} path (one step unless {@code recursive}).
     *
     * @param dht the DHT, or null when none runs (a key then fails)
     * @throws CommandFailedException when a key has no valid record or a domain no DNSLink
     */
    public static String resolve(KadDht dht, DnsLinkResolver dns, String path, boolean recursive) throws IOException {
        return resolve(dht == null ? null : id -> dht.getValue(dhtKey(id), 1).value(), "in the DHT", dns, path, recursive);
    }

    /** Where resolution reads a name's record. */
    @FunctionalInterface
    public interface RecordSource {
        /**
         * @param name an IPNS name
         * @return its valid record, if one is found
         * @throws IOException when the source cannot be asked
         */
        Optional<byte[]> record(PeerId name) throws IOException;
    }

    /**
     * The same, reading keys' records from {@code source}.
     *
     * @param source where keys' records are read, or null when there is none (a key then fails)
     * @param where  where the source looks, for the message of a name without a record ("in the DHT")
     * @throws CommandFailedException when a key has no valid record or a domain no DNSLink
     */
    public static String resolve(RecordSource source, String where, DnsLinkResolver dns, String path, boolean recursive)
            throws IOException {
        return resolve(source, where, dns, NameCache.NONE, path, recursive);
    }

    /**
     * The same, each step (one name to the path its record holds) read from {@code cache} while it
     * lasts there, and kept there for its record's TTL once looked up.
     *
     * @param cache where steps are kept ({@link NameCache#NONE} to look every name up)
     */
    public static String resolve(RecordSource source, String where, DnsLinkResolver dns, NameCache cache, String path,
                                 boolean recursive) throws IOException {
        String p = path.startsWith("/ipns/") ? path : "/ipns/" + path;
        for (int depth = 0; depth < MAX_DEPTH && p.startsWith("/ipns/"); depth++) {
            String rest = p.substring(6);
            int slash = rest.indexOf('/');
            String tail = slash < 0 ? "" : rest.substring(slash);
            String first = slash < 0 ? rest : rest.substring(0, slash);
            p = step(source, where, dns, cache, p, first) + tail;
            if (!recursive) {
                return p;
            }
        }
        if (p.startsWith("/ipns/")) {
            throw new CommandFailedException("could not resolve " + path + ": more than " + MAX_DEPTH + " steps");
        }
        return p;
    }

    /** What the name {@code first} (of the path {@code p}) leads to: a cached value, or its record's. */
    private static String step(RecordSource source, String where, DnsLinkResolver dns, NameCache cache, String p,
                               String first) throws IOException {
        if (isDnsLink(first)) {
            return cache.getOrLookUp(NameCache.key(first), () -> {
                DnsLinkResolver.Link link = dns.resolve(first).orElseThrow(() -> new CommandFailedException(
                        "could not resolve name " + p + ": no DNSLink record (TXT dnslink= at _dnslink." + first + ")"));
                return new NameCache.Hit(link.path(), Duration.ofSeconds(link.ttlSeconds()));
            }).value();
        }
        PeerId id = parseName(p);
        return cache.getOrLookUp(NameCache.key(id), () -> {
            if (source == null) { // a fixed name (IPFS_NS_MAP) needs no routing
                throw new CommandFailedException("could not resolve name " + p + ": IPNS keys need the DHT, which "
                        + "is not running");
            }
            Optional<byte[]> r = source.record(id);
            if (r.isEmpty()) {
                throw new CommandFailedException("could not resolve name " + p + ": no valid IPNS record for "
                        + id.toString(Multibase.Encoding.BASE36) + " was found " + where);
            }
            IpnsRecord record = IpnsRecord.decode(r.get());
            return new NameCache.Hit(record.valueText(), cache.ttlOf(record));
        }).value();
    }
}
