package io.p2pkit.node.cli.options;

import picocli.CommandLine.Option;

import java.time.Duration;

/** {@code --timeout DURATION}: how long a command waits for the network. */
public final class TimeoutOption {
    /** The timeout without {@code --timeout}. */
    public static final Duration DEFAULT = Duration.ofSeconds(30);

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "how long to wait for the network: connecting and identify, a lookup, "
                    + "subscribers (default 30s; for example 500ms, 2m)")
    private Duration timeout;

    /** The given timeout, or {@link #DEFAULT}. */
    public Duration timeout() {
        return timeout != null ? timeout : DEFAULT;
    }
}
