package io.p2pkit.node.config;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.node.NodeConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kubo's {@code API.Authorizations} in the repository's config file: one object per name,
 * {@code {"AuthSecret": "bearer:TOKEN", "AllowedPaths": ["/api/v0"]}}, kept as the file keys the
 * daemon reads ({@code api.authorization.NAME.secret} and {@code .paths}).
 */
final class ApiAuthorizationsConfig {
    /** The file keys' prefix. */
    private static final String PREFIX = "api.authorization.";
    private static final String SECRET = ".secret";
    private static final String PATHS = ".paths";

    private ApiAuthorizationsConfig() {
    }

    /** @return the names the file sets, sorted, in Kubo's shape; empty when none (Kubo leaves the key out) */
    static Map<String, Object> show(RepoConfig config) {
        Map<String, Map<String, Object>> byName = new TreeMap<>();
        for (Map.Entry<String, String> e : config.other().entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            if (key.endsWith(SECRET)) {
                byName.computeIfAbsent(name(key, SECRET), n -> new LinkedHashMap<>()).put("AuthSecret", e.getValue().strip());
            } else if (key.endsWith(PATHS)) {
                byName.computeIfAbsent(name(key, PATHS), n -> new LinkedHashMap<>())
                        .put("AllowedPaths", KuboConfig.split(e.getValue()));
            }
        }
        return new LinkedHashMap<>(byName);
    }

    private static String name(String key, String suffix) {
        return key.substring(PREFIX.length(), key.length() - suffix.length());
    }

    /**
     * Replaces every authorization of the file with those of {@code value}.
     *
     * @param config the repository's config
     * @param value  Kubo's object (name to {@code AuthSecret} and {@code AllowedPaths}), or null for none
     * @return the changed config
     * @throws KuboConfig.EditException naming what is wrong
     */
    static RepoConfig store(RepoConfig config, Object value) {
        RepoConfig out = KuboConfig.withoutKeysUnder(config, PREFIX);
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?> names)) {
            throw bad("an object of names, each {\"AuthSecret\": \"bearer:TOKEN\", \"AllowedPaths\": [\"/api/v0\"]}");
        }
        for (Map.Entry<?, ?> e : names.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (name.isEmpty() || !name.matches("[A-Za-z0-9_-]+")) {
                throw bad("'" + name + "' is not a name of letters, digits, '-' and '_'");
            }
            if (!(e.getValue() instanceof Map<?, ?> scope)) {
                throw bad(name + ": an object with AuthSecret and AllowedPaths");
            }
            for (Object field : scope.keySet()) {
                if (!field.equals("AuthSecret") && !field.equals("AllowedPaths")) {
                    throw bad(name + ": no field " + field + " (it has AuthSecret, AllowedPaths)");
                }
            }
            if (!(scope.get("AuthSecret") instanceof String secret)) {
                throw bad(name + ".AuthSecret: a string, bearer:TOKEN or basic:USER:PASSWORD");
            }
            if (!(scope.get("AllowedPaths") instanceof List<?> paths)
                    || paths.stream().anyMatch(p -> !(p instanceof String s) || !s.startsWith("/") || s.contains(","))) {
                throw bad(name + ".AllowedPaths: an array of paths such as [\"/api/v0\"]");
            }
            List<String> allowed = paths.stream().map(String.class::cast).toList();
            try {
                new NodeConfig.ApiAccess.Authorization(name, secret, allowed); // the daemon's own checks
            } catch (IllegalArgumentException x) {
                throw bad(x.getMessage());
            }
            out = out.with(PREFIX + name + SECRET, secret).with(PREFIX + name + PATHS, String.join(", ", allowed));
        }
        return out;
    }

    private static KuboConfig.EditException bad(String detail) {
        return new KuboConfig.EditException("failed to set config value: API.Authorizations: " + detail);
    }
}
