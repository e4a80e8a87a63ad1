package io.p2pkit.node.cli.options;

import picocli.CommandLine.Option;

import java.util.Map;

/**
 * Kubo's {@code --fast-provide-root} and {@code --fast-provide-wait}: whether the running daemon
 * announces the new root to the DHT at once (beside the provide queue), and whether the command
 * waits for it. Handed to the daemon as given; without one (no daemon, no DHT) they change nothing,
 * as Kubo skips them when no DHT is running.
 */
public final class FastProvideOption {
    @Option(names = "--fast-provide-root", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "announce the root to the DHT at once, beside the provide queue (default true)")
    private Boolean root;

    @Option(names = "--fast-provide-wait", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "wait until that announcement is done, failing when no DHT server took it (default false)")
    private Boolean await;

    /** Puts the options given into a daemon request's options. */
    public void addTo(Map<String, String> options) {
        if (root != null) {
            options.put("fast-provide-root", root.toString());
        }
        if (await != null) {
            options.put("fast-provide-wait", await.toString());
        }
    }
}
