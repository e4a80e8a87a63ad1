package io.p2pkit.node.cli.command;

import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.TabTable;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit p2p …}: the running daemon's libp2p stream mounting, Kubo's {@code ipfs p2p}. */
@Command(name = "p2p", description = {
        "Tunnel TCP connections through libp2p streams, as Kubo's 'ipfs p2p' (experimental there too).",
        "",
        "These ask the daemon that holds the repository ($P2PKIT_HOME or --repo-dir); it must allow stream "
                + "mounting ('p2pkit daemon --enable-p2p-stream-mounting', or Experimental.Libp2pStreamMounting "
                + "in its config). Protocol names start with /x/ unless --allow-custom-protocol.",
        ""},
        subcommands = {P2pCommand.Listen.class, P2pCommand.Forward.class, P2pCommand.Ls.class, P2pCommand.Close.class,
                P2pCommand.StreamCommand.class})
public final class P2pCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: listen, forward, ls, close or stream");
    }

    /** The daemon's whole answer as text. */
    private static String answer(Path root, String command, List<String> args, Map<String, String> options)
            throws IOException {
        return new String(DaemonApi.answerBytes(root, command, args, options), StandardCharsets.UTF_8);
    }

    @Command(name = "listen", description = {"Serve a libp2p protocol by forwarding its streams to a TCP address.", "",
            "Each stream of PROTOCOL another peer opens is joined to a new TCP connection to TARGET "
                    + "(/ip4/127.0.0.1/tcp/1234). Prints nothing, as Kubo.", ""})
    static final class Listen extends CliCommand {
        @Parameters(index = "0", paramLabel = "PROTOCOL", description = "the protocol name (/x/…)")
        private String protocol;

        @Parameters(index = "1", paramLabel = "TARGET", description = "the TCP address streams are forwarded to")
        private String target;

        @Option(names = "--allow-custom-protocol", description = "do not require the /x/ prefix")
        private boolean allowCustom;

        @Option(names = {"-r", "--report-peer-id"}, description = "send the remote's peer ID and a newline to the "
                + "target first, on each new connection")
        private boolean reportPeerId;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            Map<String, String> options = new LinkedHashMap<>();
            options.put("allow-custom-protocol", Boolean.toString(allowCustom));
            options.put("report-peer-id", Boolean.toString(reportPeerId));
            DaemonApi.answerBytes(repo.root(), "p2p/listen", List.of(protocol, target), options);
            return 0;
        }
    }

    @Command(name = "forward", description = {"Forward local TCP connections to a peer's libp2p protocol.", "",
            "Listens on LISTEN (/ip4/127.0.0.1/tcp/4567; port 0 picks one, 'p2p ls' shows it); each connection "
                    + "is joined to a new stream of PROTOCOL to the peer TARGET names (/p2p/<ID>, or an address "
                    + "ending in it). Prints nothing, as Kubo.", ""})
    static final class Forward extends CliCommand {
        @Parameters(index = "0", paramLabel = "PROTOCOL", description = "the protocol name (/x/…)")
        private String protocol;

        @Parameters(index = "1", paramLabel = "LISTEN", description = "the local TCP address to listen on")
        private String listen;

        @Parameters(index = "2", paramLabel = "TARGET", description = "the peer: a multiaddr ending in /p2p/<ID>")
        private String target;

        @Option(names = "--allow-custom-protocol", description = "do not require the /x/ prefix")
        private boolean allowCustom;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            DaemonApi.answerBytes(repo.root(), "p2p/forward", List.of(protocol, listen, target),
                    Map.of("allow-custom-protocol", Boolean.toString(allowCustom)));
            return 0;
        }
    }

    @Command(name = "ls", description = {"List the listeners and forwarders.", "",
            "Kubo's table: protocol, listen address, target address (forwarders first).", ""},
            footer = {"", "With --json: {\"Listeners\":[{\"Protocol\",\"ListenAddress\",\"TargetAddress\"}…]} "
                    + "(null when there are none), as Kubo's."})
    static final class Ls extends CliCommand {
        @Option(names = {"-v", "--headers"}, description = "print the table's header (before each row, as Kubo)")
        private boolean headers;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            table(console(), DaemonApi.ask(repo.root(), "p2p/ls", List.of(), Map.of()), output, "Listeners",
                    headers ? "Protocol\tListen Address\tTarget Address" : null,
                    List.of("Protocol", "ListenAddress", "TargetAddress"));
            return 0;
        }
    }

    /**
     * Prints the answer's rows as Kubo's table (cells padded by Go's tabwriter; the header, when
     * not null, before each row, as Kubo prints it), or the answer as it came with --json.
     */
    private static void table(io.p2pkit.node.cli.Console console, DaemonApi.Answer answer, JsonOption output,
                              String field, String header, List<String> columns) {
        if (output.json()) {
            console.println(answer.json());
            return;
        }
        TabTable t = new TabTable(1, 1);
        if (answer.map().get(field).orElse(null) instanceof ListNode rows) {
            for (Node row : rows.values()) {
                if (header != null) {
                    t.line(header);
                }
                List<String> cells = new ArrayList<>();
                for (String c : columns) {
                    cells.add(row instanceof MapNode m ? DaemonApi.text(m, c) : "");
                }
                t.line(String.join("\t", cells));
            }
        }
        console.out().print(t.flush());
        console.out().flush();
    }

    @Command(name = "close", description = {"Stop listeners and forwarders.", "",
            "Closes those that match every option given, or all with --all; streams already open go on, as in "
                    + "Kubo. Prints 'Closed N stream(s)'.", ""},
            footer = {"", "With --json: the number closed."})
    static final class Close extends CliCommand {
        @Option(names = {"-a", "--all"}, description = "close all listeners and forwarders")
        private boolean all;

        @Option(names = {"-p", "--protocol"}, paramLabel = "PROTOCOL", description = "match the protocol name")
        private String protocol;

        @Option(names = {"-l", "--listen-address"}, paramLabel = "MADDR", description = "match the listen address")
        private String listen;

        @Option(names = {"-t", "--target-address"}, paramLabel = "MADDR", description = "match the target address")
        private String target;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            Map<String, String> options = new LinkedHashMap<>();
            options.put("all", Boolean.toString(all));
            if (protocol != null) {
                options.put("protocol", protocol);
            }
            if (listen != null) {
                options.put("listen-address", listen);
            }
            if (target != null) {
                options.put("target-address", target);
            }
            String closed = answer(repo.root(), "p2p/close", List.of(), options).strip();
            console().println(output.json() ? closed : "Closed " + closed + " stream(s)");
            return 0;
        }
    }

    @Command(name = "stream", description = {"List and close the streams mounted.", ""},
            subcommands = {StreamCommand.Ls.class, StreamCommand.Close.class})
    static final class StreamCommand extends CliCommand {
        @Override
        protected int run() {
            throw new UsageException("missing subcommand: ls or close");
        }

        @Command(name = "ls", description = {"List the streams mounted.", "",
                "Kubo's table: handler ID, protocol, origin address, target address.", ""},
                footer = {"", "With --json: {\"Streams\":[{\"HandlerID\",\"Protocol\",\"OriginAddress\","
                        + "\"TargetAddress\"}…]} (null when there are none), as Kubo's."})
        static final class Ls extends CliCommand {
            @Option(names = {"-v", "--headers"}, description = "print the table's header (before each row, as Kubo)")
            private boolean headers;

            @Mixin
            private RepoOption repo;

            @Mixin
            private JsonOption output;

            @Override
            protected int run() throws Exception {
                table(console(), DaemonApi.ask(repo.root(), "p2p/stream/ls", List.of(), Map.of()), output, "Streams",
                        headers ? "ID\tProtocol\tOrigin\tTarget" : null,
                        List.of("HandlerID", "Protocol", "OriginAddress", "TargetAddress"));
                return 0;
            }
        }

        @Command(name = "close", description = {"Close a mounted stream by its handler ID.", "",
                "Resets the libp2p stream and closes its TCP connection. Prints nothing, as Kubo.", ""})
        static final class Close extends CliCommand {
            @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "the handler ID ('p2p stream ls')")
            private String id;

            @Option(names = {"-a", "--all"}, description = "close every stream")
            private boolean all;

            @Mixin
            private RepoOption repo;

            @Mixin
            private JsonOption output;

            @Override
            protected int run() throws Exception {
                DaemonApi.answerBytes(repo.root(), "p2p/stream/close", id == null ? List.of() : List.of(id),
                        Map.of("all", Boolean.toString(all)));
                return 0;
            }
        }
    }
}
