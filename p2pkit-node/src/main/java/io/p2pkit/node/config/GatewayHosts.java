package io.p2pkit.node.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which hostnames the gateway answers as what, as Kubo's {@code Gateway.PublicGateways} and
 * {@code Gateway.NoDNSLink}: a known gateway hostname serves the namespaces in its {@code paths}
 * (with {@code useSubdomains}, a path request is redirected to {@code {cid}.ipfs.{host}}, and
 * {@code {cid}.ipfs.{host}} / {@code {name}.ipns.{host}} are served as origin-isolated roots); any
 * other hostname with a DNSLink record serves that record's content at {@code /} (unless
 * {@code noDnsLink}); everything else is a path gateway.
 *
 * <pre>{@code
 * GatewayHosts hosts = GatewayHosts.DEFAULT.with("example.com",
 *         new GatewayHosts.PublicGateway(List.of("/ipfs", "/ipns"), true, false, true));
 * }</pre>
 *
 * @param gateways  known gateway hostnames (lower case, no port)
 * @param noDnsLink whether DNSLink is off for hostnames that are not known gateways
 */
public record GatewayHosts(Map<String, PublicGateway> gateways, boolean noDnsLink) {
    /** Kubo's defaults: {@code localhost} is a subdomain gateway for {@code /ipfs} and {@code /ipns}; DNSLink on. */
    public static final GatewayHosts DEFAULT = new GatewayHosts(
            Map.of("localhost", new PublicGateway(List.of("/ipfs", "/ipns"), true, false, false)), false);

    /**
     * One known gateway hostname.
     *
     * @param paths         the namespaces it serves ({@code /ipfs}, {@code /ipns}); others are 404
     * @param useSubdomains whether content is served from {@code {root}.{ns}.{host}} (path requests redirected there)
     * @param noDnsLink     whether a DNSLink record of the hostname itself is ignored
     * @param inlineDnsLink whether DNSLink names are redirected to one DNS label ({@code a.b.c} → {@code a-b-c}),
     *                      as they always are when the client came over HTTPS
     * @param deserializedResponses whether this hostname serves files, directories and documents, or
     *                      only trustless responses; null: as the gateway's {@link GatewayOptions#deserializedResponses()}
     */
    public record PublicGateway(List<String> paths, boolean useSubdomains, boolean noDnsLink, boolean inlineDnsLink,
                                Boolean deserializedResponses) {
        /** Copies the paths, each without a trailing slash. */
        public PublicGateway {
            paths = paths.stream().map(p -> p.endsWith("/") ? p.substring(0, p.length() - 1) : p).toList();
        }

        /** The same, serving deserialised responses as the gateway does. */
        public PublicGateway(List<String> paths, boolean useSubdomains, boolean noDnsLink, boolean inlineDnsLink) {
            this(paths, useSubdomains, noDnsLink, inlineDnsLink, null);
        }

        /** Whether it serves {@code namespace} ({@code ipfs}, {@code ipns}). */
        public boolean serves(String namespace) {
            return paths.contains("/" + namespace);
        }
    }

    /** Copies the map, hostnames in lower case. */
    public GatewayHosts {
        Map<String, PublicGateway> copy = new LinkedHashMap<>();
        gateways.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), Objects.requireNonNull(v, k)));
        gateways = Map.copyOf(copy);
    }

    /** These settings with {@code hostname} as a known gateway ({@code null} removes it). */
    public GatewayHosts with(String hostname, PublicGateway gateway) {
        Map<String, PublicGateway> m = new LinkedHashMap<>(gateways);
        if (gateway == null) {
            m.remove(hostname.toLowerCase(Locale.ROOT));
        } else {
            m.put(hostname.toLowerCase(Locale.ROOT), gateway);
        }
        return new GatewayHosts(m, noDnsLink);
    }

    /** These settings with DNSLink on or off for unknown hostnames. */
    public GatewayHosts withNoDnsLink(boolean off) {
        return new GatewayHosts(gateways, off);
    }

    /** The known gateway {@code hostname}, if it is one. */
    public Optional<PublicGateway> gateway(String hostname) {
        return Optional.ofNullable(gateways.get(hostname));
    }

    /**
     * A hostname of the form {@code {root}.{ns}.{gateway}} for a known gateway.
     *
     * @param gateway   the known gateway's settings
     * @param host      the known gateway's hostname
     * @param namespace {@code ipfs} or {@code ipns}
     * @param root      what precedes it (a CID, a key, a DNSLink name, inlined or not)
     */
    public record Subdomain(PublicGateway gateway, String host, String namespace, String root) {
    }

    /** The subdomain form of {@code hostname}, if it is one (the first {@code .ipfs.}/{@code .ipns.} label wins). */
    public Optional<Subdomain> subdomain(String hostname) {
        String[] labels = hostname.split("\\.");
        for (int i = 1; i < labels.length - 1; i++) {
            if (labels[i].equals("ipfs") || labels[i].equals("ipns")) {
                String host = String.join(".", java.util.Arrays.copyOfRange(labels, i + 1, labels.length));
                PublicGateway g = gateways.get(host);
                if (g != null) {
                    return Optional.of(new Subdomain(g, host, labels[i],
                            String.join(".", java.util.Arrays.copyOfRange(labels, 0, i))));
                }
            }
        }
        return Optional.empty();
    }
}
