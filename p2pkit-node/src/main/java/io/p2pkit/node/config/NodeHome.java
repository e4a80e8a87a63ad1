package io.p2pkit.node.config;

import java.nio.file.Path;

/**
 * The node's home folder: {@code $P2PKIT_HOME} when set, else {@code ~/.p2pkit}. It holds the
 * identity key and, later, the configuration and the blockstore.
 */
public final class NodeHome {
    private NodeHome() {
    }

    /** The home folder (not created here). */
    public static Path get() {
        String env = System.getenv("P2PKIT_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".p2pkit");
    }

    /** The default identity key file. */
    public static Path identityFile() {
        return get().resolve("identity.key");
    }
}
