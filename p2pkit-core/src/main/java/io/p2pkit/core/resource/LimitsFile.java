package io.p2pkit.core.resource;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.IpNetwork;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Reads resource limits from a Java properties file, each line overriding one limit of a base
 * configuration (usually {@link ResourceManagerConfig#defaults()}), like go-libp2p's partial limit
 * config. A key is {@code SCOPE.RESOURCE}:
 *
 * <pre>
 * system.connections.inbound = 256
 * transient.memory = 64MiB
 * peer.streams = 1024                        # every peer
 * peer[12D3KooW…].connections = 32           # one peer
 * protocol[/ipfs/ping/1.0.0].streams.inbound = 16
 * service[identify].streams = 128
 * connection.memory = 16MiB
 * stream.memory = 4MiB
 * allowlisted-system.connections = 64
 * allowlist.networks = 10.0.0.0/8, 192.168.1.0/24@12D3KooW…
 * allowlist.peers = 12D3KooW…
 * </pre>
 *
 * Scopes: {@code system}, {@code transient}, {@code allowlisted-system}, {@code allowlisted-transient},
 * {@code service}, {@code protocol}, {@code peer} (each optionally {@code [name]}), {@code connection},
 * {@code stream}. Resources: {@code connections}, {@code connections.inbound},
 * {@code connections.outbound}, {@code streams}, {@code streams.inbound}, {@code streams.outbound},
 * {@code memory} and {@code fd}. A value is a whole number, a size with {@code KiB}, {@code MiB}
 * or {@code GiB} (for memory), or {@code unlimited}.
 */
public final class LimitsFile {
    /** Longer files are refused unread. */
    public static final int MAX_BYTES = 1 << 20;

    private LimitsFile() {
    }

    /** Reads {@code path} over {@code base}. */
    public static ResourceManagerConfig read(Path path, ResourceManagerConfig base) throws IOException {
        if (Files.size(path) > MAX_BYTES) {
            throw new DecodeException("limits file", "larger than " + MAX_BYTES + " bytes");
        }
        return parse(Files.readString(path, StandardCharsets.UTF_8), base);
    }

    /**
     * Applies the limits in {@code text} to {@code base}.
     *
     * @throws DecodeException naming the offending key when a line is not understood
     */
    public static ResourceManagerConfig parse(String text, ResourceManagerConfig base) {
        if (text.length() > MAX_BYTES) {
            throw new DecodeException("limits file", "larger than " + MAX_BYTES + " characters");
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new DecodeException("limits file", "not a properties file: " + e.getMessage());
        }
        ResourceManagerConfig.Builder b = base.toBuilder();
        ResourceManagerConfig current = base;
        AllowList allow = base.allowList();
        // Sorted, so that the result does not depend on the Properties table's order.
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            String value = p.getProperty(key).trim();
            if (key.equals("allowlist.networks")) {
                for (String item : items(value)) {
                    int at = item.indexOf('@');
                    IpNetwork net = network(key, at < 0 ? item : item.substring(0, at));
                    allow = at < 0 ? allow.withNetwork(net) : allow.withNetwork(net, peer(key, item.substring(at + 1)));
                }
                continue;
            }
            if (key.equals("allowlist.peers")) {
                for (String item : items(value)) {
                    allow = allow.withPeer(peer(key, item));
                }
                continue;
            }
            applyLimit(b, current, key, value);
            current = b.build();
        }
        return b.allowList(allow).build();
    }

    private static void applyLimit(ResourceManagerConfig.Builder b, ResourceManagerConfig c, String key,
                                   String value) {
        String scope;
        String name = null;
        String rest;
        int bracket = key.indexOf('[');
        if (bracket >= 0) {
            int close = key.lastIndexOf(']');
            if (close < bracket || close + 1 >= key.length() || key.charAt(close + 1) != '.') {
                throw new DecodeException(key, "expected SCOPE[NAME].RESOURCE");
            }
            scope = key.substring(0, bracket);
            name = key.substring(bracket + 1, close);
            rest = key.substring(close + 2);
            if (name.isEmpty()) {
                throw new DecodeException(key, "empty name in brackets");
            }
        } else {
            int dot = key.indexOf('.');
            if (dot <= 0) {
                throw new DecodeException(key, "expected SCOPE.RESOURCE");
            }
            scope = key.substring(0, dot);
            rest = key.substring(dot + 1);
        }
        Resource resource = resource(key, rest);
        long limit = value(key, value, resource);
        boolean named = name != null;
        switch (scope) {
            case "system" -> b.system(noName(key, named, c.system()).with(resource, limit));
            case "transient" -> b.transientLimits(noName(key, named, c.transientLimits()).with(resource, limit));
            case "allowlisted-system" -> b.allowlistedSystem(noName(key, named, c.allowlistedSystem()).with(resource, limit));
            case "allowlisted-transient" ->
                    b.allowlistedTransient(noName(key, named, c.allowlistedTransient()).with(resource, limit));
            case "connection" -> b.connection(noName(key, named, c.connection()).with(resource, limit));
            case "stream" -> b.stream(noName(key, named, c.stream()).with(resource, limit));
            case "service" -> {
                if (named) {
                    b.service(name, c.service(name).with(resource, limit));
                } else {
                    b.serviceDefault(c.serviceDefault().with(resource, limit));
                }
            }
            case "protocol" -> {
                if (named) {
                    b.protocol(name, c.protocol(name).with(resource, limit));
                } else {
                    b.protocolDefault(c.protocolDefault().with(resource, limit));
                }
            }
            case "peer" -> {
                if (named) {
                    PeerId id = peer(key, name);
                    b.peer(id, c.peer(id).with(resource, limit));
                } else {
                    b.peerDefault(c.peerDefault().with(resource, limit));
                }
            }
            default -> throw new DecodeException(key, "unknown scope '" + scope + "'");
        }
    }

    private static ResourceLimits noName(String key, boolean named, ResourceLimits l) {
        if (named) {
            throw new DecodeException(key, "this scope takes no [name]");
        }
        return l;
    }

    private static Resource resource(String key, String name) {
        return switch (name) {
            case "connections" -> Resource.CONNECTIONS;
            case "connections.inbound" -> Resource.INBOUND_CONNECTIONS;
            case "connections.outbound" -> Resource.OUTBOUND_CONNECTIONS;
            case "streams" -> Resource.STREAMS;
            case "streams.inbound" -> Resource.INBOUND_STREAMS;
            case "streams.outbound" -> Resource.OUTBOUND_STREAMS;
            case "memory" -> Resource.MEMORY;
            case "fd" -> Resource.FILE_DESCRIPTORS;
            default -> throw new DecodeException(key, "unknown resource '" + name + "'");
        };
    }

    private static long value(String key, String text, Resource resource) {
        String t = text.toLowerCase(Locale.ROOT).replace("_", "");
        if (t.equals("unlimited")) {
            return Long.MAX_VALUE;
        }
        long unit = 1;
        for (String[] suffix : new String[][]{{"kib", "10"}, {"mib", "20"}, {"gib", "30"}, {"tib", "40"}}) {
            if (t.endsWith(suffix[0])) {
                if (resource != Resource.MEMORY) {
                    throw new DecodeException(key, "a size suffix is only for memory");
                }
                unit = 1L << Integer.parseInt(suffix[1]);
                t = t.substring(0, t.length() - 3).trim();
                break;
            }
        }
        if (t.isEmpty() || t.length() > 19 || !t.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw new DecodeException(key, "expected a whole number, a memory size or 'unlimited', got '" + text + "'");
        }
        long n;
        try {
            n = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new DecodeException(key, "value too large: " + text);
        }
        if (n > Long.MAX_VALUE / unit) {
            throw new DecodeException(key, "value too large: " + text);
        }
        return n * unit;
    }

    private static List<String> items(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split("[,\\s]+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static IpNetwork network(String key, String text) {
        try {
            return IpNetwork.parse(text);
        } catch (DecodeException e) {
            throw new DecodeException(key, e.getMessage());
        }
    }

    private static PeerId peer(String key, String text) {
        try {
            return PeerId.parse(text);
        } catch (RuntimeException e) {
            throw new DecodeException(key, "bad peer ID '" + text + "'");
        }
    }
}
