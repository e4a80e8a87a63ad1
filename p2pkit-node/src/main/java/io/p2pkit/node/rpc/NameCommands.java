package io.p2pkit.node.rpc;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.path.IpfsUri;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.record.InvalidRecordException;
import io.p2pkit.kad.record.IpnsRecord;
import io.p2pkit.kad.record.IpnsRecordSigner;
import io.p2pkit.kad.record.IpnsValidator;
import io.p2pkit.node.Node;
import io.p2pkit.node.cli.content.GoQuote;
import io.p2pkit.node.ipnsps.IpnsPubsub;
import io.p2pkit.node.routing.RoutingV1Client;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.IpnsInspection;
import io.p2pkit.node.cli.content.IpnsNames;
import io.p2pkit.node.dnslink.DnsLinkResolver;
import io.p2pkit.node.config.GoDurations;
import io.p2pkit.node.config.Keystore;
import io.p2pkit.node.names.NameCache;
import io.p2pkit.node.names.PublishedNames;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code name/publish|resolve}: IPNS over the node's DHT and its delegated routers ({@code --routing-http}),
 * in Kubo's shapes; {@code name/inspect}: a record's fields and validity, as Kubo shows them.
 */
public final class NameCommands {
    /** Kubo's TTL of a record published without {@code --ttl}: one hour. */
    private static final Duration DEFAULT_TTL = Duration.ofHours(1);

    private NameCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("name/publish").text(TextEncoders::published).args(RpcArgument.string("ipfs-path", true, false).withStdin())
                        .options(RpcOption.bool("resolve").withDefault(true), RpcOption.string("lifetime", "t").withDefault("48h"),
                                RpcOption.bool("allow-offline"), RpcOption.bool("allow-delegated"), RpcOption.string("ttl"),
                                RpcOption.string("key", "k").withDefault(Keystore.SELF), RpcOption.bool("quieter", "Q"),
                                RpcOption.string("ipns-base").withDefault("base36"))
                        .run(NameCommands::publish),
                RpcCommand.at("name/resolve").text(TextEncoders::path).args(RpcArgument.string("name", false, false))
                        .options(RpcOption.bool("recursive", "r").withDefault(true), RpcOption.bool("nocache", "n"),
                                RpcOption.uint("dht-record-count", "dhtrc"), RpcOption.string("dht-timeout", "dhtt"),
                                RpcOption.bool("stream", "s"))
                        .run(NameCommands::resolve),
                RpcCommand.at("name/get").args(RpcArgument.string("name", true, false))
                        .run(NameCommands::get),
                RpcCommand.at("name/put").text(NameCommands::putText)
                        .args(RpcArgument.string("name", true, false), RpcArgument.file("record", true, false))
                        .options(RpcOption.bool("force", "f"), RpcOption.bool("allow-offline"),
                                RpcOption.bool("allow-delegated"), RpcOption.bool("quiet", "q"))
                        .run(NameCommands::put),
                RpcCommand.at("name/inspect").text((req, v) -> IpnsInspection.text((Map<?, ?>) v))
                        .args(RpcArgument.file("record", true, false))
                        .options(RpcOption.string("verify"), RpcOption.bool("dump").withDefault(true))
                        .run(NameCommands::inspect));
    }

    /** {@code name/inspect}: what an IPNS record holds, and whether it is valid for a name. */
    private static void inspect(RpcRequest req, RpcResponse res) throws Exception {
        Uploads.Entry file = req.files().next();
        if (file == null || file.kind() != Uploads.Kind.FILE) {
            throw RpcError.failed("file argument was nil");
        }
        // one byte over the limit is enough to refuse it with Kubo's message
        byte[] record = file.body().readNBytes(IpnsRecord.MAX_BYTES + 1);
        try {
            res.single(IpnsInspection.inspect(record, req.string("verify"), req.bool("dump"), Instant.now()).json());
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    /** {@code name/get} (Kubo 0.40's): the best signed record the routing holds for a name, as it is. */
    private static void get(RpcRequest req, RpcResponse res) throws Exception {
        PeerId name = name(req.argument(0));
        byte[] record = best(req.node(), name, pubsubWait(req)).orElseThrow(() -> RpcError.failed("routing: not found"));
        res.contentType("application/vnd.ipfs.ipns-record");
        res.stream().write(record);
    }

    /**
     * {@code name/put} (Kubo 0.40's): stores a record signed elsewhere where {@code name/publish}
     * would put its own, after Kubo's checks unless {@code force}.
     */
    private static void put(RpcRequest req, RpcResponse res) throws Exception {
        boolean allowOffline = req.bool("allow-offline");
        boolean delegatedOnly = delegatedOnly(req);
        PeerId name = name(req.argument(0));
        Uploads.Entry file = req.files().next();
        if (file == null || file.kind() != Uploads.Kind.FILE) {
            throw RpcError.failed("file argument was nil");
        }
        byte[] record = file.body().readNBytes(1 << 20); // as Kubo: at most 1 MiB read, the size checked below
        if (record.length == 0) {
            throw RpcError.failed("record is empty");
        }
        if (!req.bool("force")) {
            try {
                IpnsRecord checked = IpnsNames.checkRecord(name, record);
                IpnsNames.checkSequence(checked, record, best(req.node(), name, Duration.ZERO), "ipfs name put");
            } catch (IllegalArgumentException e) {
                throw RpcError.failed(e.getMessage());
            }
        }
        try {
            put(req.node(), name, record, allowOffline || delegatedOnly, delegatedOnly);
        } catch (io.p2pkit.core.DecodeException e) {
            throw RpcError.failed("the routing refused the record: " + e.getMessage());
        } finally {
            // a record signed elsewhere: the next resolution looks the name up rather than trust what was cached
            req.node().nameCache().invalidate(NameCache.key(name));
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Name", name.toString(io.p2pkit.core.multiformats.Multibase.Encoding.BASE36));
        o.put("Value", IpnsNames.valueOf(record));
        res.single(o);
    }

    /** Kubo's text of {@code name/put}: the name, nothing with {@code quiet}. */
    private static String putText(RpcRequest req, Object v) {
        return req.bool("quiet") ? "" : io.p2pkit.node.cli.content.GoQuote.escNonPrint(String.valueOf(((Map<?, ?>) v).get("Name")))
                + "\n";
    }

    /** A name as {@code name/get} and {@code name/put} take it: {@code k51…}, a peer ID, with or without {@code /ipns/}. */
    private static PeerId name(String text) {
        try {
            return IpnsNames.parseName(text);
        } catch (UsageException e) {
            throw RpcError.failed("invalid IPNS name: " + e.getMessage());
        }
    }

    private static void publish(RpcRequest req, RpcResponse res) throws Exception {
        String target = IpfsUri.toPath(req.argument(0)); // a native URI as its path (Kubo 0.43)
        String value;
        if (target.startsWith("/ipfs/") || target.startsWith("/ipns/")) {
            value = target;
        } else {
            try {
                value = "/ipfs/" + Cid.parse(target);
            } catch (io.p2pkit.core.DecodeException e) {
                throw RpcError.failed("invalid path \"" + target + "\": path does not have enough components");
            }
        }
        Duration lifetime = lifetime(req.string("lifetime").orElse("48h"));
        Duration ttl = ttl(req.string("ttl"), lifetime);
        if (req.bool("resolve") && req.node().content().isPresent()) {
            requireResolvable(req, value);
        }
        String keyName = req.string("key").orElse(Keystore.SELF);
        PrivateKey key = keyName.equals(Keystore.SELF) ? req.node().host().identity()
                : KeyCommands.keystore(req).get(keyName).orElseThrow(() -> RpcError.failed("no key by the given name was found"));
        boolean delegatedOnly = delegatedOnly(req);
        publish(req.node(), key, value, lifetime, ttl, req.bool("allow-offline") || delegatedOnly, delegatedOnly);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Name", KeyCommands.name(new Keystore.Entry(keyName, key.publicKey().toPeerId()), req));
        o.put("Value", value);
        res.single(o);
    }

    /**
     * Kubo's {@code resolve} (on by default): the path must lead to a block, fetched when it is not
     * here, before a name is pointed at it, so that a mistyped CID is refused instead of published.
     * A node without a repository has no blocks to look in, and publishes without the check.
     */
    private static void requireResolvable(RpcRequest req, String value) throws IOException {
        FetchingBlocks blocks = FetchingBlocks.of(req);
        Cid end = KuboPaths.resolveCid(req, blocks, value);
        if (blocks.get(end).isEmpty()) {
            throw KuboPaths.notFound(end);
        }
    }

    /**
     * Kubo's {@code --allow-delegated}: the record goes to the delegated publishers (and routers)
     * alone, not the DHT nor pubsub, and reaching none of them is no failure.
     */
    private static boolean delegatedOnly(RpcRequest req) {
        boolean delegatedOnly = req.bool("allow-delegated");
        if (req.bool("allow-offline") && delegatedOnly) {
            throw RpcError.failed("cannot use both --allow-offline and --allow-delegated flags");
        }
        if (delegatedOnly && req.node().delegatedPublishers().isEmpty()) {
            throw RpcError.failed("no delegated publishers configured: add Ipns.DelegatedPublishers or use "
                    + "--allow-offline for local-only publishing");
        }
        return delegatedOnly;
    }

    /** Kubo 0.43's check: a lifetime that is not positive would give a record that is void when made. */
    private static Duration lifetime(String text) {
        Duration d = GoDuration.parse(text);
        if (d.isNegative() || d.isZero()) {
            throw RpcError.failed("lifetime must be greater than zero, got " + text);
        }
        return d;
    }

    /**
     * Kubo 0.43's checks: no negative TTL, none past the record's lifetime (resolvers would cache
     * it after it ends); without one, Kubo's hour, or the lifetime when that is shorter.
     */
    private static Duration ttl(Optional<String> given, Duration lifetime) {
        if (given.isEmpty()) {
            return DEFAULT_TTL.compareTo(lifetime) < 0 ? DEFAULT_TTL : lifetime;
        }
        Duration d = GoDuration.parse(given.get());
        String t = given.get().strip();
        if (t.startsWith("-") && !GoDuration.parse(t.substring(1)).isZero()) { // GoDuration reads a negative one as zero
            throw RpcError.failed("ttl must not be negative, got " + given.get());
        }
        if (d.compareTo(lifetime) > 0) {
            throw RpcError.failed("ttl (" + GoDurations.format(d) + ") must not be greater than lifetime ("
                    + GoDurations.format(lifetime) + ")");
        }
        return d;
    }

    /**
     * Publishes {@code value} as {@code key}'s IPNS record, as {@code name publish} does, for a
     * caller without a request (the {@code /ipns} mount): the record is signed with the next
     * sequence number after the best one found, and put into the DHT, over IPNS-over-pubsub and to
     * the delegated routers; it is published when one of them took it.
     *
     * @param value        an {@code /ipfs/} or {@code /ipns/} path
     * @param lifetime     how long the record is valid
     * @param ttl          how long resolvers may cache it
     * @param allowOffline whether reaching no one is no failure
     * @return how many places took it (DHT peers, pubsub, routers)
     * @throws IOException when the best existing record cannot be looked up, or the DHT put fails
     * @throws RpcError    with Kubo's message when the node has no routing, or (without {@code allowOffline}) reached no one
     */
    public static int publish(Node node, PrivateKey key, String value, Duration lifetime, Duration ttl,
                              boolean allowOffline) throws IOException {
        return publish(node, key, value, lifetime, ttl, allowOffline, false);
    }

    private static int publish(Node node, PrivateKey key, String value, Duration lifetime, Duration ttl,
                               boolean allowOffline, boolean delegatedOnly) throws IOException {
        PeerId id = key.publicKey().toPeerId();
        Optional<PublishedNames> names = node.publishedNames();
        if (names.isEmpty()) {
            long sequence = bestKnown(node, id).map(r -> IpnsRecord.decode(r).sequence() + 1).orElse(0L);
            return putAndCache(node, id, IpnsRecordSigner.sign(key, value, sequence, Instant.now().plus(lifetime), ttl),
                    allowOffline, delegatedOnly);
        }
        // the record kept here counts as much as the routing's (Kubo's publisher reads its own first),
        // and is replaced once the new one is out, so that the republisher keeps it alive
        return names.get().locked(() -> {
            long found = bestKnown(node, id).map(r -> IpnsRecord.decode(r).sequence() + 1).orElse(0L);
            long kept = names.get().last(id).map(r -> r.sequence() + 1).orElse(0L);
            byte[] record = IpnsRecordSigner.sign(key, value, Math.max(found, kept), Instant.now().plus(lifetime), ttl);
            int reached = putAndCache(node, id, record, allowOffline, delegatedOnly);
            names.get().save(id, record);
            return reached;
        });
    }

    /**
     * Puts a record signed here and, once it is out, keeps its value in the node's name cache for
     * its TTL, as Kubo's name system does, so that this node resolves its own name without a
     * lookup; a put that fails, perhaps part-way, leaves no entry behind.
     */
    private static int putAndCache(Node node, PeerId id, byte[] record, boolean allowOffline, boolean delegatedOnly)
            throws IOException {
        String key = NameCache.key(id);
        int reached;
        try {
            reached = put(node, id, record, allowOffline, delegatedOnly);
        } catch (IOException | RuntimeException e) {
            node.nameCache().invalidate(key);
            throw e;
        }
        IpnsRecord r = IpnsRecord.decode(record);
        node.nameCache().put(key, r.valueText(), node.nameCache().ttlOf(r));
        return reached;
    }

    /** The best record the routing knows, none when the node only publishes (delegated publishers alone). */
    private static Optional<byte[]> bestKnown(Node node, PeerId id) throws IOException {
        return routed(node) ? best(node, id, Duration.ZERO) : Optional.empty();
    }

    /**
     * Puts a record already signed (the republisher's) where names are published, as
     * {@code name publish --allow-offline} does.
     *
     * @return how many places took it
     */
    public static int putSigned(Node node, PeerId id, byte[] record) throws IOException {
        return putAndCache(node, id, record, true, false);
    }

    /**
     * Puts a signed record where names are published: as Kubo with an HTTP router beside the DHT,
     * everywhere (or at the delegated routers alone), done when one place took it.
     *
     * @return how many places took it
     */
    private static int put(Node node, PeerId id, byte[] record, boolean allowOffline, boolean delegatedOnly)
            throws IOException {
        int reached = 0;
        Optional<KadDht> dht = delegatedOnly ? Optional.empty() : node.dht();
        if (dht.isPresent()) {
            reached += dht.get().putValue(IpnsNames.dhtKey(id), record).peers();
        }
        IOException failed = null;
        Optional<IpnsPubsub> pubsub = delegatedOnly ? Optional.empty() : node.ipnsPubsub();
        if (pubsub.isPresent()) {
            try {
                pubsub.get().put(id, record);
                reached++;
            } catch (IOException e) {
                failed = e;
            } catch (IllegalStateException e) {
                throw RpcError.failed(e.getMessage()); // too many names subscribed
            }
        }
        for (RoutingV1Client router : node.delegatedPublishers()) {
            try {
                router.putIpns(id, record);
                reached++;
            } catch (IOException e) {
                failed = e;
            }
        }
        if (reached == 0 && !allowOffline) {
            throw RpcError.failed(failed != null ? "could not publish to " + failed.getMessage()
                    : "can't publish while offline: pass `--allow-offline` to override or `--allow-delegated` if "
                    + "Ipns.DelegatedPublishers are set up");
        }
        return reached;
    }

    /** Whether the node has anywhere to publish or resolve an IPNS name: a DHT, IPNS over pubsub or a delegated router. */
    public static boolean routed(Node node) {
        return node.dht().isPresent() || !ipnsRouters(node).isEmpty() || node.ipnsPubsub().isPresent();
    }

    /** The delegated routers asked for IPNS records (a router named by its {@code /routing/v1/providers} URL is not). */
    private static List<RoutingV1Client> ipnsRouters(Node node) {
        return node.delegatedRouters().stream().filter(r -> r.serves(RoutingV1Client.Capability.IPNS)).toList();
    }

    private static void resolve(RpcRequest req, RpcResponse res) throws Exception {
        String name = req.arguments().isEmpty() ? "/ipns/" + req.node().peerId() : req.argument(0);
        if (IpfsUri.isUri(name)) { // Kubo 0.43: ipns://name is the name; name resolution stays IPNS-only
            String path = IpfsUri.toPath(name);
            if (!path.startsWith("/ipns/")) {
                throw RpcError.failed(GoQuote.quote(name) + " is not an IPNS name");
            }
            name = path;
        }
        res.single(Map.of("Path", resolveName(req.node(), pubsubWait(req), name.startsWith("/ipns/") ? name : "/ipns/" + name,
                req.bool("recursive"), false, !req.bool("nocache"))));
    }

    /**
     * Resolves an {@code /ipns/} path through the DHT and delegated routers (a key) or DNS (a
     * DNSLink domain) until it is an {@code /ipfs/} path, or one step.
     *
     * @param kubosWords whether a key without a record fails with Kubo's bare {@code could not
     *                   resolve name} rather than p2pkit's message saying where it looked
     */
    static String resolveName(RpcRequest req, String path, boolean recursive, boolean kubosWords) throws IOException {
        return resolveName(req.node(), pubsubWait(req), path, recursive, kubosWords);
    }

    /**
     * The same for a caller without a request (the {@code /ipns} mount): names resolve through the
     * node's routing, a record over pubsub alone awaited up to {@code pubsubWait}.
     */
    public static String resolveName(Node node, Duration pubsubWait, String path, boolean recursive, boolean kubosWords)
            throws IOException {
        return resolveName(node, pubsubWait, path, recursive, kubosWords, true);
    }

    /**
     * The same, with or without the node's name cache ({@code name resolve --nocache}: every step
     * looked up, and what is found not kept, as Kubo's uncached name system does).
     */
    private static String resolveName(Node node, Duration pubsubWait, String path, boolean recursive, boolean kubosWords,
                                      boolean cached) throws IOException {
        boolean dnsLink = IpnsNames.isDnsLink(path);
        if (!dnsLink) {
            try {
                IpnsNames.parseName(path);
            } catch (UsageException e) {
                throw RpcError.failed(e.getMessage());
            }
        }
        // a DNSLink name needs no routing unless it leads to a key
        boolean routed = routed(node);
        if (!dnsLink && !routed) {
            throw noRouting();
        }
        String where = where(node);
        IpnsNames.RecordSource records = id -> {
            Optional<byte[]> record = best(node, id, pubsubWait);
            if (record.isEmpty() && kubosWords) {
                throw RpcError.failed("could not resolve name");
            }
            return record;
        };
        return IpnsNames.resolve(routed ? records : null, where, node.config().dnsLink(), cached ? node.nameCache() : node.nameCache().uncached(), path, recursive);
    }

    /** Kubo's error for a node without routing. */
    private static RpcError noRouting() {
        return RpcError.failed("routing: operation or key not supported");
    }

    /** Where names are looked up, for the message saying a name was not found. */
    private static String where(Node node) {
        List<String> places = new ArrayList<>();
        if (node.dht().isPresent()) {
            places.add("in the DHT");
        }
        if (!ipnsRouters(node).isEmpty()) {
            places.add("at the delegated routers");
        }
        if (node.ipnsPubsub().isPresent()) {
            places.add("over pubsub");
        }
        return String.join(" or ", places);
    }

    /** How long a resolution over pubsub alone waits for a record: {@code --dht-timeout}, a minute by default, at most ten. */
    private static Duration pubsubWait(RpcRequest req) {
        Duration asked = req.string("dht-timeout").map(GoDuration::parse).orElse(Duration.ofMinutes(1));
        Duration most = Duration.ofMinutes(10); // Kubo's 0 is no limit; here every wait has one
        return asked.isZero() || asked.isNegative() || asked.compareTo(most) > 0 ? most : asked;
    }

    /**
     * The best valid record of {@code name} (highest sequence, then latest validity) among the DHT's,
     * each delegated router's and the one received over pubsub; fails when every place failed. With
     * pubsub the only place, waits up to {@code pubsubWait} for a record to come.
     */
    private static Optional<byte[]> best(Node node, PeerId name, Duration pubsubWait) throws IOException {
        Optional<KadDht> dht = node.dht();
        List<RoutingV1Client> routers = ipnsRouters(node);
        Optional<IpnsPubsub> pubsub = node.ipnsPubsub();
        if (dht.isEmpty() && routers.isEmpty() && pubsub.isEmpty()) {
            throw noRouting();
        }
        byte[] key = IpnsNames.dhtKey(name);
        IpnsValidator validator = new IpnsValidator(Clock.systemUTC());
        List<byte[]> found = new ArrayList<>();
        List<IOException> failures = new ArrayList<>();
        if (dht.isPresent()) {
            dht.get().getValue(key, 1).value().ifPresent(found::add); // the DHT validates what it returns
        }
        for (RoutingV1Client router : routers) {
            try {
                Optional<byte[]> r = router.getIpns(name);
                if (r.isPresent()) {
                    validator.validate(key, r.get());
                    found.add(r.get());
                }
            } catch (InvalidRecordException e) {
                // a router's bad record is no record, as a bad DHT value is
            } catch (IOException e) {
                failures.add(e);
            }
        }
        if (pubsub.isPresent()) {
            Duration wait = dht.isEmpty() && routers.isEmpty() ? pubsubWait : Duration.ZERO;
            try {
                pubsub.get().resolve(name, wait).ifPresent(found::add); // validated as it came
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (IllegalStateException e) {
                throw RpcError.failed(e.getMessage()); // too many names subscribed
            }
        }
        if (dht.isEmpty() && pubsub.isEmpty() && failures.size() == routers.size()) {
            throw failures.getFirst();
        }
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(validator.select(key, found)));
    }
}
