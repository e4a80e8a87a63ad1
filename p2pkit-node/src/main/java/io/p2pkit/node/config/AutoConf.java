package io.p2pkit.node.config;

import io.p2pkit.core.multiaddr.Multiaddr;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A document of Kubo's AutoConf (schema 1, as boxo's {@code autoconf} reads it), and how its
 * values replace the {@code "auto"} placeholders of {@code Bootstrap}, {@code DNS.Resolvers},
 * {@code Routing.DelegatedRouters} and {@code Ipns.DelegatedPublishers}, as Kubo 0.39 replaces them.
 *
 * @param version      {@code AutoConfVersion}, never 0
 * @param ttlSeconds   {@code AutoConfTTL}: how long the publisher says the document stays fresh (0: unsaid)
 * @param bootstraps   each system's {@code NativeConfig.Bootstrap}, by system name
 * @param dnsResolvers {@code DNSResolvers}: DoH URLs by domain ({@code "eth."})
 * @param endpoints    {@code DelegatedEndpoints}: routing servers by base URL
 */
public record AutoConf(long version, long ttlSeconds, Map<String, List<String>> bootstraps,
                       Map<String, List<String>> dnsResolvers, Map<String, Endpoint> endpoints) {
    /** The placeholder AutoConf replaces. */
    public static final String AUTO = "auto";
    /** The only schema there is. */
    public static final int SCHEMA = 1;
    /** The system of the public Amino DHT, which a node with a DHT serves natively. */
    public static final String AMINO_DHT = "AminoDHT";
    static final String PROVIDERS = "/routing/v1/providers";
    static final String PEERS = "/routing/v1/peers";
    static final String IPNS = "/routing/v1/ipns";
    /** Bounds on what one document may name: far more than the public one's few entries. */
    static final int MAX_ENTRIES = 256;

    /**
     * One routing server of {@code DelegatedEndpoints}.
     *
     * @param systems the systems it serves ({@code AminoDHT}, {@code IPNI})
     * @param read    the paths it answers reads on
     * @param write   the paths it takes writes on
     */
    public record Endpoint(List<String> systems, List<String> read, List<String> write) {
        /** Makes the lists unmodifiable. */
        public Endpoint {
            systems = List.copyOf(systems);
            read = List.copyOf(read);
            write = List.copyOf(write);
        }
    }

    /** Makes the collections unmodifiable. */
    public AutoConf {
        bootstraps = copy(bootstraps);
        dnsResolvers = copy(dnsResolvers);
        endpoints = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
    }

    /**
     * Reads and checks a document as boxo does: a version and schema 1, bootstrap entries that are
     * multiaddrs, absolute http(s) URLs, paths that start with {@code /}.
     *
     * @param json the document
     * @return what it says
     * @throws IllegalArgumentException naming what is wrong, in boxo's words where it has them
     */
    public static AutoConf parse(String json) {
        Object parsed;
        try {
            parsed = KuboConfig.parseJson(json);
        } catch (KuboConfig.EditException e) {
            throw new IllegalArgumentException("failed to parse JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> doc)) {
            throw new IllegalArgumentException("failed to parse JSON: not an object");
        }
        long version = number(doc.get("AutoConfVersion"), "AutoConfVersion");
        if (version == 0) {
            throw new IllegalArgumentException("invalid config: missing AutoConfVersion");
        }
        long schema = number(doc.get("AutoConfSchema"), "AutoConfSchema");
        if (schema == 0) {
            throw new IllegalArgumentException("invalid config: missing AutoConfSchema");
        }
        if (schema != SCHEMA) {
            throw new IllegalArgumentException("unsupported autoconf schema version " + schema
                    + " (this client supports version " + SCHEMA + ", consider updating)");
        }
        long ttl = number(doc.get("AutoConfTTL"), "AutoConfTTL");
        Map<String, List<String>> bootstraps = new LinkedHashMap<>();
        for (Map.Entry<String, Map<?, ?>> system : objects(doc.get("SystemRegistry"), "SystemRegistry").entrySet()) {
            Object nativeConfig = system.getValue().get("NativeConfig");
            if (nativeConfig == null) {
                continue;
            }
            if (!(nativeConfig instanceof Map<?, ?> nc)) {
                throw new IllegalArgumentException("failed to parse JSON: SystemRegistry." + system.getKey()
                        + ".NativeConfig is not an object");
            }
            List<String> peers = strings(nc.get("Bootstrap"), "SystemRegistry." + system.getKey() + ".NativeConfig.Bootstrap");
            for (int i = 0; i < peers.size(); i++) {
                try {
                    Multiaddr.parse(peers.get(i));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("invalid autoconf JSON: SystemRegistry[\"" + system.getKey()
                            + "\"].NativeConfig.Bootstrap[" + i + "] invalid multiaddr \"" + peers.get(i) + "\": "
                            + e.getMessage(), e);
                }
            }
            bootstraps.put(system.getKey(), peers);
        }
        Map<String, List<String>> dns = new LinkedHashMap<>();
        if (doc.get("DNSResolvers") instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                List<String> urls = strings(e.getValue(), "DNSResolvers." + e.getKey());
                for (int i = 0; i < urls.size(); i++) {
                    httpUrl(urls.get(i), "DNSResolvers[\"" + e.getKey() + "\"][" + i + "]");
                }
                dns.put(String.valueOf(e.getKey()), urls);
            }
        } else if (doc.get("DNSResolvers") != null) {
            throw new IllegalArgumentException("failed to parse JSON: DNSResolvers is not an object");
        }
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        for (Map.Entry<String, Map<?, ?>> e : objects(doc.get("DelegatedEndpoints"), "DelegatedEndpoints").entrySet()) {
            httpUrl(e.getKey(), "DelegatedEndpoints");
            Endpoint endpoint = new Endpoint(strings(e.getValue().get("Systems"), "DelegatedEndpoints.Systems"),
                    strings(e.getValue().get("Read"), "DelegatedEndpoints.Read"),
                    strings(e.getValue().get("Write"), "DelegatedEndpoints.Write"));
            paths(e.getKey(), "Read", endpoint.read());
            paths(e.getKey(), "Write", endpoint.write());
            endpoints.put(e.getKey(), endpoint);
        }
        if (bootstraps.values().stream().mapToInt(List::size).sum() > MAX_ENTRIES || dns.size() > MAX_ENTRIES
                || endpoints.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("invalid autoconf JSON: more than " + MAX_ENTRIES
                    + " bootstrap peers, DNS domains or delegated endpoints");
        }
        return new AutoConf(version, Math.max(0, ttl), bootstraps, dns, endpoints);
    }

    /**
     * The systems a node serves itself, by Kubo's {@code Routing.Type}: the Amino DHT when it runs
     * one, nothing otherwise (every system is then asked of delegated endpoints).
     */
    public static List<String> nativeSystems(String routingType) {
        return switch (routingType) {
            case "dht", "dhtclient", "dhtserver", "auto", "autoclient" -> List.of(AMINO_DHT);
            default -> List.of();
        };
    }

    /**
     * Kubo's {@code Bootstrap} with {@code "auto"} replaced (once) by the native systems' peers.
     *
     * @param configured  the config's list
     * @param routingType Kubo's {@code Routing.Type}
     * @param conf        the document, or null when there is none: {@code "auto"} is then dropped
     */
    public static List<String> bootstrap(List<String> configured, String routingType, AutoConf conf) {
        List<String> peers = null;
        if (conf != null) {
            Set<String> set = new LinkedHashSet<>();
            for (String system : nativeSystems(routingType)) {
                set.addAll(conf.bootstraps.getOrDefault(system, List.of()));
            }
            peers = List.copyOf(set);
        }
        return expand(configured, peers);
    }

    /**
     * Kubo's {@code DNS.Resolvers} with each {@code "auto"} replaced by one of the document's
     * resolvers for that domain (dropped when it has none), and the document's other domains added.
     *
     * @param configured the config's map
     * @param conf       the document, or null: every {@code "auto"} entry is then dropped
     */
    public static Map<String, String> dnsResolvers(Map<String, String> configured, AutoConf conf) {
        Map<String, String> out = new LinkedHashMap<>();
        configured.forEach((domain, url) -> {
            if (!url.equals(AUTO)) {
                out.put(domain, url);
            } else if (conf != null && !conf.dnsResolvers.getOrDefault(domain, List.of()).isEmpty()) {
                out.put(domain, pick(conf.dnsResolvers.get(domain)));
            }
        });
        if (conf != null) {
            conf.dnsResolvers.forEach((domain, urls) -> {
                if (!urls.isEmpty()) {
                    out.putIfAbsent(domain, pick(urls));
                }
            });
        }
        return out;
    }

    /**
     * Kubo's {@code Routing.DelegatedRouters} with {@code "auto"} replaced by the URLs (base and
     * path) of the document's endpoints for the systems the node does not serve itself, on the
     * paths Kubo reads (providers, peers, IPNS).
     */
    public static List<String> routers(List<String> configured, String routingType, AutoConf conf) {
        return endpoints(configured, routingType, conf, List.of(PROVIDERS, PEERS, IPNS));
    }

    /** Kubo's {@code Ipns.DelegatedPublishers} with {@code "auto"} replaced as {@link #routers}, on the IPNS path alone. */
    public static List<String> publishers(List<String> configured, String routingType, AutoConf conf) {
        return endpoints(configured, routingType, conf, List.of(IPNS));
    }

    /**
     * A config in Kubo's JSON shape with the four fields' {@code "auto"} replaced, as Kubo's
     * {@code config show --expand-auto} shows it; the fields it does not hold stay out.
     *
     * @param config the config (nested maps, as {@link KuboConfig#show} gives)
     * @param conf   the document, or null: every {@code "auto"} is then dropped
     * @return a copy, the changed sections copied too
     */
    public static Map<String, Object> expand(Map<String, Object> config, AutoConf conf) {
        Map<String, Object> out = new LinkedHashMap<>(config);
        String routing = config.get("Routing") instanceof Map<?, ?> r && r.get("Type") instanceof String t && !t.isBlank()
                ? t : "auto";
        if (out.get("Bootstrap") instanceof List<?> peers) {
            out.put("Bootstrap", bootstrap(texts(peers), routing, conf));
        }
        if (out.get("DNS") instanceof Map<?, ?> dns && dns.get("Resolvers") instanceof Map<?, ?> resolvers) {
            Map<String, String> configured = new LinkedHashMap<>();
            resolvers.forEach((k, v) -> configured.put(String.valueOf(k), String.valueOf(v)));
            out.put("DNS", with(dns, "Resolvers", dnsResolvers(configured, conf)));
        }
        if (out.get("Routing") instanceof Map<?, ?> r && r.get("DelegatedRouters") instanceof List<?> routers) {
            out.put("Routing", with(r, "DelegatedRouters", routers(texts(routers), routing, conf)));
        }
        if (out.get("Ipns") instanceof Map<?, ?> ipns && ipns.get("DelegatedPublishers") instanceof List<?> publishers) {
            out.put("Ipns", with(ipns, "DelegatedPublishers", publishers(texts(publishers), routing, conf)));
        }
        return out;
    }

    private static List<String> texts(List<?> items) {
        return items.stream().map(String::valueOf).toList();
    }

    private static Map<String, Object> with(Map<?, ?> section, String key, Object value) {
        Map<String, Object> out = new LinkedHashMap<>();
        section.forEach((k, v) -> out.put(String.valueOf(k), v));
        out.put(key, value);
        return out;
    }

    private static List<String> endpoints(List<String> configured, String routingType, AutoConf conf,
                                          List<String> supported) {
        if (conf == null) {
            return expand(configured, null); // as boxo: the URLs as written when there is no document
        }
        List<String> urls;
        {
            List<String> natives = nativeSystems(routingType);
            Set<String> seen = new TreeSet<>(); // the document's map has no order: sorted, the same every time
            conf.endpoints.forEach((base, e) -> {
                if (e.systems().stream().anyMatch(natives::contains)) {
                    return;
                }
                for (List<String> paths : List.of(e.read(), e.write())) {
                    for (String path : paths) {
                        if (supported.contains(path)) {
                            seen.add(trimSlashes(trimSlashes(base) + path));
                        }
                    }
                }
            });
            urls = List.copyOf(seen);
        }
        return expand(configured, urls).stream().map(AutoConf::trimSlashes).toList();
    }

    /** {@code "auto"} replaced by {@code values} once; a second {@code "auto"}, or any when there are no values, dropped. */
    private static List<String> expand(List<String> configured, List<String> values) {
        List<String> out = new ArrayList<>();
        boolean done = false;
        for (String item : configured) {
            if (!item.equals(AUTO)) {
                out.add(item);
            } else if (values != null && !done) {
                out.addAll(values);
                done = true;
            }
        }
        return out;
    }

    private static String pick(List<String> urls) {
        return urls.get(ThreadLocalRandom.current().nextInt(urls.size())); // spread over them, as Kubo does
    }

    private static String trimSlashes(String url) {
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        return url.substring(0, end);
    }

    private static void httpUrl(String url, String where) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid autoconf JSON: " + where + " URL \"" + url + "\" invalid: "
                    + e.getMessage(), e);
        }
        if (uri.getScheme() == null) {
            throw new IllegalArgumentException("invalid autoconf JSON: " + where + " URL \"" + url
                    + "\" must be absolute (missing scheme)");
        }
        if (!uri.getScheme().equals("http") && !uri.getScheme().equals("https")) {
            throw new IllegalArgumentException("invalid autoconf JSON: " + where + " URL \"" + url
                    + "\" must use http or https scheme, got \"" + uri.getScheme() + "\"");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("invalid autoconf JSON: " + where + " URL \"" + url + "\" must have a host");
        }
    }

    private static void paths(String url, String kind, List<String> paths) {
        for (int i = 0; i < paths.size(); i++) {
            if (!paths.get(i).startsWith("/")) {
                throw new IllegalArgumentException("invalid autoconf JSON: DelegatedEndpoints[\"" + url + "\"]." + kind
                        + "[" + i + "] path \"" + paths.get(i) + "\" must start with /");
            }
        }
    }

    private static long number(Object value, String what) {
        if (value == null) {
            return 0;
        }
        if (!(value instanceof Long n)) {
            throw new IllegalArgumentException("failed to parse JSON: " + what + " is not an integer");
        }
        return n;
    }

    private static Map<String, Map<?, ?>> objects(Object value, String what) {
        Map<String, Map<?, ?>> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("failed to parse JSON: " + what + " is not an object");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof Map<?, ?> inner)) {
                throw new IllegalArgumentException("failed to parse JSON: " + what + "." + e.getKey() + " is not an object");
            }
            out.put(String.valueOf(e.getKey()), inner);
        }
        return out;
    }

    private static List<String> strings(Object value, String what) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list) || list.stream().anyMatch(v -> !(v instanceof String))) {
            throw new IllegalArgumentException("failed to parse JSON: " + what + " is not an array of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> map) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(out);
    }
}
