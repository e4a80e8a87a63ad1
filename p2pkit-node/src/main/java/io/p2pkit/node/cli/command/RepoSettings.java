package io.p2pkit.node.cli.command;

import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.config.KuboConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon's settings in the repository's config file ({@link KuboConfig}'s file keys), read
 * where no option was given; a malformed value stops the daemon with a message naming the key.
 */
record RepoSettings(Map<String, String> stored) {
    static final RepoSettings NONE = new RepoSettings(Map.of());

    /** The settings of the repository at {@code root}; none when there is no repository there. */
    static RepoSettings read(java.nio.file.Path root) throws java.io.IOException {
        if (!io.p2pkit.ipfs.repo.Repository.isInitialized(root)) {
            return NONE;
        }
        try {
            return new RepoSettings(io.p2pkit.ipfs.repo.Repository.readConfig(root).other());
        } catch (io.p2pkit.ipfs.repo.RepoConfigException e) {
            throw new UsageException("the repository's config: " + e.getMessage());
        }
    }

    Optional<String> text(String key) {
        return Optional.ofNullable(stored.get(key)).map(String::strip);
    }

    Optional<List<String>> list(String key) {
        return text(key).map(KuboConfig::split);
    }

    Optional<Integer> count(String key) {
        return text(key).map(t -> {
            try {
                int n = Integer.parseInt(t);
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw bad(key, "'" + t + "' is not a whole number");
        });
    }

    Optional<Boolean> flag(String key) {
        return text(key).map(t -> switch (t) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(key, "'" + t + "' is not true or false");
        });
    }

    Optional<Duration> duration(String key) {
        return text(key).map(t -> {
            try {
                return KuboConfig.duration(t);
            } catch (IllegalArgumentException e) {
                throw bad(key, e.getMessage());
            }
        });
    }

    /** A size (Kubo's OptionalBytes): digits, or digits and a unit as the storage keys take them. */
    Optional<Long> size(String key) {
        return text(key).map(t -> {
            try {
                return io.p2pkit.ipfs.repo.RepoConfig.size(key, t);
            } catch (IllegalArgumentException e) {
                throw bad(key, e.getMessage());
            }
        });
    }

    UsageException bad(String key, String detail) {
        return new UsageException("the repository's config: " + key + ": " + detail);
    }
}
