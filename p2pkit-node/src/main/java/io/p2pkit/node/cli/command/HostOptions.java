package io.p2pkit.node.cli.command;

import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.node.cli.Args;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.quic.QuicTransport;

import java.util.Arrays;
import java.util.List;

/** The options that choose security protocols and muxers, shared by the commands that make a host. */
final class HostOptions {
    static final List<String> VALUED = List.of("security", "muxer");

    private HostOptions() {
    }

    /** Applies {@code --security a,b} and {@code --muxer a,b} (comma-separated, in preference order). */
    static HostBuilder apply(Args args, HostBuilder builder) {
        try {
            args.value("security").ifPresent(v -> builder.security(split(v)));
            args.value("muxer").ifPresent(v -> builder.muxers(split(v)));
            if (QuicTransport.isAvailable()) {
                builder.transport(QuicTransport::new); // /quic-v1 beside TCP; the host's network closes it
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return builder;
    }

    private static String[] split(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    static final String HELP = """
              --security LIST   security protocols in preference order, comma-separated:
                                noise, tls, plaintext (default noise,tls; plaintext is
                                unencrypted and for tests only)
              --muxer LIST      stream muxers in preference order: yamux, mplex
                                (default yamux,mplex)""";
}
