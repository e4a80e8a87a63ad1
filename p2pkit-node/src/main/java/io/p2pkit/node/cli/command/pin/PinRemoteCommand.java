package io.p2pkit.node.cli.command.pin;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code p2pkit pin remote add|ls|rm|service}: Kubo's {@code ipfs pin remote}, through the running
 * daemon, which talks to the pinning services and keeps them in the repository's config. The
 * daemon writes Kubo's text (or, with {@code --json}, its JSON), printed as it comes.
 */
@Command(name = "remote", description = {"Pin (and unpin) content on remote pinning services.", "",
        "Kubo's 'ipfs pin remote': the IPFS Pinning Services API, asked by the daemon that holds the repository "
                + "($P2PKIT_HOME or --repo-dir).", ""},
        subcommands = {PinRemoteCommand.Add.class, PinRemoteCommand.Ls.class, PinRemoteCommand.Rm.class,
                PinRemoteCommand.Service.class})
public final class PinRemoteCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: add, ls, rm or service");
    }

    /** Runs a command on the daemon and prints its answer: Kubo's text, or its JSON with {@code json}. */
    static int ask(io.p2pkit.node.cli.Console console, RepoOption repo, JsonOption json, String path, List<String> args,
                   List<Map.Entry<String, String>> options) throws IOException {
        List<Map.Entry<String, String>> all = new ArrayList<>(options);
        all.add(Map.entry("encoding", json.json() ? "json" : "text"));
        console.out().print(new String(DaemonApi.answerBytes(repo.root(), path, args, all), StandardCharsets.UTF_8));
        console.out().flush();
        return 0;
    }

    /** The filters that pick pins, for {@code ls} and {@code rm}. */
    static final class Filters {
        @Option(names = "--service", paramLabel = "NAME", description = "the remote pinning service to use (mandatory)")
        private String service;

        @Option(names = "--name", paramLabel = "NAME", description = "pins with exactly this name")
        private String name;

        @Option(names = "--cid", split = ",", paramLabel = "CID", description = "pins of these CIDs")
        private List<String> cids = new ArrayList<>();

        @Option(names = "--status", split = ",", paramLabel = "STATUS",
                description = "pins in these statuses: queued, pinning, pinned, failed (default pinned)")
        private List<String> statuses = new ArrayList<>();

        /** The options; a value with commas is several, as Kubo's CLI splits them. */
        List<Map.Entry<String, String>> options() {
            return filters(service, name, cids, statuses);
        }
    }

    /** The options of the service, name, CIDs and statuses given. */
    static List<Map.Entry<String, String>> filters(String service, String name, List<String> cids, List<String> statuses) {
        List<Map.Entry<String, String>> o = new ArrayList<>();
        if (service != null) {
            o.add(Map.entry("service", service));
        }
        if (name != null) {
            o.add(Map.entry("name", name));
        }
        cids.forEach(c -> o.add(Map.entry("cid", c)));
        statuses.forEach(s -> o.add(Map.entry("status", s)));
        return o;
    }

    @Command(name = "add", description = {"Ask a remote pinning service to pin content.", "",
            "Waits until the service says pinned (or failed) unless --background. The service is given this "
                    + "node's addresses to fetch the content from, and its delegates are connected to.", ""},
            footer = {"", "Prints Kubo's 'CID:', 'Name:' and 'Status:' lines; with --json {\"Status\",\"Cid\",\"Name\"}."})
    static final class Add extends CliCommand {
        @Parameters(index = "0", paramLabel = "IPFS-PATH", description = "CID or /ipfs/ path to pin")
        private String path;

        @Option(names = "--service", paramLabel = "NAME", description = "the remote pinning service to use (mandatory)")
        private String service;

        @Option(names = "--name", paramLabel = "NAME", description = "a name for the pin")
        private String name;

        @Option(names = "--background", description = "return once the service queued the pin")
        private boolean background;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption json;

        @Override
        protected int run() throws Exception {
            List<Map.Entry<String, String>> o = filters(service, name, List.of(), List.of());
            o.add(Map.entry("background", Boolean.toString(background)));
            return ask(console(), repo, json, "pin/remote/add", List.of(path), o);
        }
    }

    @Command(name = "ls", description = {"List the pins of a remote pinning service.", "",
            "Only pinned ones unless --status says otherwise.", ""},
            footer = {"", "Prints '<cid>\\t<status>\\t<name>' a pin; with --json {\"Status\",\"Cid\",\"Name\"} a line."})
    static final class Ls extends CliCommand {
        @Mixin
        private Filters filters;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption json;

        @Override
        protected int run() throws Exception {
            return ask(console(), repo, json, "pin/remote/ls", List.of(), filters.options());
        }
    }

    @Command(name = "rm", description = {"Remove pins from a remote pinning service.", "",
            "Removes what 'ls' with the same filters lists; more than one needs --force.", ""},
            footer = {"", "Prints nothing, as Kubo."})
    static final class Rm extends CliCommand {
        @Mixin
        private Filters filters;

        @Option(names = "--force", description = "remove every pin that matches, however many")
        private boolean force;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption json;

        @Override
        protected int run() throws Exception {
            List<Map.Entry<String, String>> o = filters.options();
            o.add(Map.entry("force", Boolean.toString(force)));
            return ask(console(), repo, json, "pin/remote/rm", List.of(), o);
        }
    }

    /** {@code p2pkit pin remote service add|ls|rm}. */
    @Command(name = "service", description = {"Configure remote pinning services.", "",
            "They are kept in the repository's config (Kubo's Pinning.RemoteServices); their keys are never shown.", ""},
            subcommands = {Service.ServiceAdd.class, Service.ServiceLs.class, Service.ServiceRm.class})
    static final class Service extends CliCommand {
        @Override
        protected int run() {
            throw new UsageException("missing subcommand: add, ls or rm");
        }

        @Command(name = "add", description = {"Add a remote pinning service.", ""}, footer = {"", "Prints nothing, as Kubo."})
        static final class ServiceAdd extends CliCommand {
            @Parameters(index = "0", paramLabel = "NAME", description = "the service's name")
            private String name;

            @Parameters(index = "1", paramLabel = "ENDPOINT", description = "its API endpoint, an http(s) URL without /pins")
            private String endpoint;

            @Parameters(index = "2", paramLabel = "KEY", description = "its access token")
            private String key;

            @Mixin
            private RepoOption repo;

            @Mixin
            private JsonOption json;

            @Override
            protected int run() throws Exception {
                return ask(console(), repo, json, "pin/remote/service/add", List.of(name, endpoint, key), List.of());
            }
        }

        @Command(name = "ls", description = {"List the remote pinning services.", ""},
                footer = {"", "Prints 'name endpoint' a line ('name endpoint queued/pinning/pinned/failed' or "
                        + "'invalid' with --stat); with --json {\"RemoteServices\":[…]}."})
        static final class ServiceLs extends CliCommand {
            @Option(names = "--stat", description = "ask each service for its pin counts")
            private boolean stat;

            @Mixin
            private RepoOption repo;

            @Mixin
            private JsonOption json;

            @Override
            protected int run() throws Exception {
                return ask(console(), repo, json, "pin/remote/service/ls", List.of(),
                        List.of(Map.entry("stat", Boolean.toString(stat))));
            }
        }

        @Command(name = "rm", description = {"Remove a remote pinning service.", ""}, footer = {"", "Prints nothing, as Kubo."})
        static final class ServiceRm extends CliCommand {
            @Parameters(index = "0", paramLabel = "NAME", description = "the service's name")
            private String name;

            @Mixin
            private RepoOption repo;

            @Mixin
            private JsonOption json;

            @Override
            protected int run() throws Exception {
                return ask(console(), repo, json, "pin/remote/service/rm", List.of(name), List.of());
            }
        }
    }
}
