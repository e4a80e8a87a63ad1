package io.p2pkit.node.config;

import io.p2pkit.ipfs.repo.RepoConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kubo's {@code Gateway.PublicGateways} in the repository's config file: one object per hostname,
 * kept as the file keys the daemon reads ({@code gateway.publicGateways.HOST.paths},
 * {@code .useSubdomains}, {@code .noDNSLink}, {@code .inlineDNSLink}, {@code .deserializedResponses};
 * {@code HOST = off} for Kubo's {@code null}, which removes a default such as {@code localhost}).
 */
final class PublicGatewaysConfig {
    /** The file keys' prefix. */
    static final String PREFIX = "gateway.publicGateways.";
    /** Kubo's field names and the file's, in Kubo's order. */
    private static final Map<String, String> KUBO_FIELDS = fields();

    private PublicGatewaysConfig() {
    }

    private static Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Paths", "paths");
        m.put("UseSubdomains", "useSubdomains");
        m.put("NoDNSLink", "noDNSLink");
        m.put("InlineDNSLink", "inlineDNSLink");
        m.put("DeserializedResponses", "deserializedResponses");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** @return the hostnames the file sets, in Kubo's shape: the fields set only, as Kubo shows the object it was given */
    static Map<String, Object> show(RepoConfig config) {
        Map<String, Map<String, String>> hosts = new TreeMap<>();
        for (Map.Entry<String, String> e : config.other().entrySet()) {
            if (!e.getKey().startsWith(PREFIX)) {
                continue;
            }
            String rest = e.getKey().substring(PREFIX.length());
            String field = KUBO_FIELDS.values().stream().filter(f -> rest.endsWith("." + f)).findFirst().orElse("");
            String host = field.isEmpty() ? rest : rest.substring(0, rest.length() - field.length() - 1);
            hosts.computeIfAbsent(host, h -> new LinkedHashMap<>()).put(field, e.getValue().strip());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        hosts.forEach((host, fields) -> {
            if ("off".equals(fields.get(""))) {
                out.put(host, null);
                return;
            }
            // the fields the file has, as Kubo shows the object it was given
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("Paths", KuboConfig.split(fields.getOrDefault("paths", "")));
            KUBO_FIELDS.forEach((kubo, field) -> {
                if (!field.equals("paths") && fields.containsKey(field)) {
                    spec.put(kubo, Boolean.parseBoolean(fields.get(field)));
                }
            });
            out.put(host, spec);
        });
        return out;
    }

    /**
     * Replaces every hostname of the file with those of {@code value}.
     *
     * @param config the repository's config
     * @param value  Kubo's object (hostname to a spec, or null to remove a default), or null for none
     * @return the changed config
     * @throws KuboConfig.EditException naming what is wrong
     */
    static RepoConfig store(RepoConfig config, Object value) {
        RepoConfig out = KuboConfig.withoutKeysUnder(config, PREFIX);
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?> hosts)) {
            throw bad("an object of hostnames");
        }
        for (Map.Entry<?, ?> e : hosts.entrySet()) {
            String host = String.valueOf(e.getKey()).toLowerCase(java.util.Locale.ROOT);
            if (host.isEmpty() || !host.matches("[a-z0-9*.:\\[\\]-]+")) {
                throw bad("'" + e.getKey() + "' is not a hostname");
            }
            String p = PREFIX + host + ".";
            if (e.getValue() == null) {
                out = out.with(PREFIX + host, "off");
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> spec)) {
                throw bad(host + ": an object with Paths, UseSubdomains, NoDNSLink, InlineDNSLink, DeserializedResponses");
            }
            for (Object field : spec.keySet()) {
                if (!KUBO_FIELDS.containsKey(String.valueOf(field))) {
                    throw bad(host + ": no field " + field + " (it has " + String.join(", ", KUBO_FIELDS.keySet()) + ")");
                }
            }
            if (!(spec.get("Paths") instanceof List<?> paths) || paths.isEmpty()
                    || paths.stream().anyMatch(x -> !(x instanceof String s) || !s.startsWith("/") || s.contains(","))) {
                throw bad(host + ".Paths: an array of paths such as [\"/ipfs\", \"/ipns\"]");
            }
            out = out.with(p + "paths", String.join(", ", paths.stream().map(String.class::cast).toList()));
            for (String field : List.of("UseSubdomains", "NoDNSLink", "InlineDNSLink", "DeserializedResponses")) {
                Object v = spec.get(field);
                if (v != null && !(v instanceof Boolean)) {
                    throw bad(host + "." + field + ": true, false or null");
                }
                if (v != null) {
                    out = out.with(p + KUBO_FIELDS.get(field), v.toString());
                }
            }
        }
        return out;
    }

    private static KuboConfig.EditException bad(String detail) {
        return new KuboConfig.EditException("failed to set config value: Gateway.PublicGateways: " + detail);
    }
}
