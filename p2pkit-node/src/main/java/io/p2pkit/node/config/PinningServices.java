package io.p2pkit.node.config;

import io.p2pkit.ipfs.repo.RepoConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The remote pinning services of a repository's config file, Kubo's
 * {@code Pinning.RemoteServices.<name>.API.{Endpoint,Key}}: kept as the file keys
 * {@code pinning.remoteServices.<name>.endpoint} and {@code pinning.remoteServices.<name>.key}
 * (a name may hold dots: it is what lies between the prefix and the last segment).
 */
public final class PinningServices {
    private static final String PREFIX = "pinning.remoteServices.";
    private static final String ENDPOINT = ".endpoint";
    private static final String KEY = ".key";

    private PinningServices() {
    }

    /**
     * One service.
     *
     * @param name     its name in the config
     * @param endpoint its API endpoint, as stored
     * @param key      its access token
     */
    public record Service(String name, String endpoint, String key) {
        /** Leaves the key out, which is a secret. */
        @Override
        public String toString() {
            return "Service[" + name + ", " + endpoint + "]";
        }
    }

    /**
     * The services a config has.
     *
     * @param config the repository's config
     * @return them by name, sorted
     */
    public static Map<String, Service> all(RepoConfig config) {
        Map<String, Service> out = new TreeMap<>();
        for (Map.Entry<String, String> e : config.other().entrySet()) {
            String k = e.getKey();
            if (k.startsWith(PREFIX) && k.endsWith(ENDPOINT) && k.length() > PREFIX.length() + ENDPOINT.length()) {
                String name = k.substring(PREFIX.length(), k.length() - ENDPOINT.length());
                out.put(name, new Service(name, e.getValue(), config.other().getOrDefault(PREFIX + name + KEY, "")));
            }
        }
        return out;
    }

    /**
     * The config with one more service.
     *
     * @throws IllegalArgumentException {@code service already present} as Kubo says it
     */
    public static RepoConfig add(RepoConfig config, String name, String endpoint, String key) {
        if (all(config).containsKey(name)) {
            throw new IllegalArgumentException("service already present");
        }
        return config.with(PREFIX + name + ENDPOINT, endpoint).with(PREFIX + name + KEY, key);
    }

    /** The config without the service (the same config when it has none of that name, as Kubo). */
    public static RepoConfig remove(RepoConfig config, String name) {
        return config.with(PREFIX + name + ENDPOINT, null).with(PREFIX + name + KEY, null);
    }

    /**
     * The services in Kubo's config shape, the keys left out as {@code config show} leaves them out:
     * {@code {"RemoteServices":{name:{"API":{"Endpoint":…},"Policies":{"MFS":{…}}}}}}.
     */
    static Map<String, Object> show(RepoConfig config) {
        Map<String, Object> services = new LinkedHashMap<>();
        for (Service s : all(config).values()) {
            Map<String, Object> api = new LinkedHashMap<>();
            api.put("Endpoint", s.endpoint());
            Map<String, Object> mfs = new LinkedHashMap<>();
            mfs.put("Enable", false);
            mfs.put("PinName", "");
            mfs.put("RepinInterval", "");
            Map<String, Object> service = new LinkedHashMap<>();
            service.put("API", api);
            service.put("Policies", Map.of("MFS", mfs));
            services.put(s.name(), service);
        }
        Map<String, Object> pinning = new LinkedHashMap<>();
        pinning.put("RemoteServices", services);
        return pinning;
    }

    /**
     * Whether a {@code config} key names a service's credentials, which Kubo neither shows nor
     * changes through {@code config}: {@code Pinning.RemoteServices.*.API.Key} and every prefix of
     * it, compared case-insensitively as Kubo compares them.
     */
    public static boolean concealed(String key) {
        List<String> glob = List.of("Pinning", "RemoteServices", "*", "API", "Key");
        String[] parts = key.split("\\.", -1);
        for (int i = 0; i < glob.size() && i < parts.length; i++) {
            if (!glob.get(i).equals("*") && !glob.get(i).equalsIgnoreCase(parts[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Kubo's check and clean-up of an endpoint: an http or https URL, its path without trailing
     * or doubled slashes, without a query and not ending in {@code /pins}.
     *
     * @throws IllegalArgumentException with Kubo's text
     */
    public static String normalizeEndpoint(String endpoint) {
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("service endpoint must be a valid HTTP URL");
        }
        String scheme = uri.getScheme();
        if (!uri.isAbsolute() || uri.getRawAuthority() == null || !("http".equals(scheme) || "https".equals(scheme))) {
            throw new IllegalArgumentException("service endpoint must be a valid HTTP URL");
        }
        String path = cleanPath(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
            throw new IllegalArgumentException("service endpoint should be provided without any query parameters");
        }
        if (path.endsWith("/pins")) {
            throw new IllegalArgumentException("service endpoint should be provided without the /pins suffix");
        }
        return scheme + "://" + uri.getRawAuthority() + path;
    }

    /** Go's path.Clean, then a trailing "." and "/" dropped, as Kubo does. */
    private static String cleanPath(String path) {
        boolean rooted = path.startsWith("/");
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!parts.isEmpty() && !parts.peekLast().equals("..")) {
                    parts.removeLast();
                } else if (!rooted) {
                    parts.addLast("..");
                }
                continue;
            }
            parts.addLast(p);
        }
        String clean = (rooted ? "/" : "") + String.join("/", parts);
        if (clean.isEmpty()) {
            clean = "."; // Go's Clean("") is "."
        }
        if (clean.endsWith(".")) {
            clean = clean.substring(0, clean.length() - 1);
        }
        if (clean.endsWith("/")) {
            clean = clean.substring(0, clean.length() - 1);
        }
        return clean;
    }
}
