package io.p2pkit.node.cli.command;

import io.p2pkit.ipfs.ipld.FloatNode;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.StringNode;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.DaemonApi.Answer;
import io.p2pkit.node.cli.content.HumanBytes;
import io.p2pkit.node.cli.options.CidBaseOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.multiformats.CidEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code p2pkit bitswap}: what the running daemon's Bitswap does, Kubo's {@code ipfs bitswap},
 * asked through the daemon's RPC API (the repository's {@code api} file) and printed as Kubo prints it.
 */
@Command(name = "bitswap", description = {
        "Show what the running daemon's Bitswap does: its counters, its wantlist, its ledger with a peer.",
        "('bitswap reprovide' is Kubo's old name of 'routing reprovide'.)",
        "",
        "These ask the daemon that holds the repository ($P2PKIT_HOME or --repo-dir), as Kubo's do; without "
                + "one running there is nothing to show.",
        ""},
        subcommands = {BitswapCommand.Stat.class, BitswapCommand.Wantlist.class, BitswapCommand.Ledger.class,
                BitswapCommand.Reprovide.class})
public final class BitswapCommand extends CliCommand {
    @Override
    public int run() {
        throw new UsageException("missing subcommand: stat, wantlist, ledger or reprovide");
    }

    static Answer ask(RepoOption repo, String command, List<String> args, Map<String, String> options) throws IOException {
        return DaemonApi.ask(repo.root(), command, args, options);
    }

    static long number(MapNode m, String field) {
        return m.get(field).filter(IntNode.class::isInstance).map(n -> ((IntNode) n).longValue()).orElse(0L);
    }

    static List<Node> list(MapNode m, String field) {
        return m.get(field).filter(ListNode.class::isInstance).map(n -> ((ListNode) n).values()).orElse(List.of());
    }

    /** A CID as the daemon sent it ({"/": cid}), or a string. */
    static String text(Node n) {
        return text(n, CidEncoder.DEFAULT);
    }

    /** The same, a CID written by {@code enc}. */
    static String text(Node n, CidEncoder enc) {
        return switch (n) {
            case Link l -> enc.encode(l.cid());
            case StringNode s -> s.value();
            default -> n.toString();
        };
    }

    /** Prints the daemon's JSON line with --json, else Kubo's text. */
    static void print(Console console, JsonOption output, Answer answer, String text) {
        if (output.json()) {
            console.println(answer.json());
        } else {
            console.out().print(text);
            console.out().flush();
        }
    }

    @Command(name = "stat", description = {"Show the daemon's Bitswap counters, wantlist and partners.", ""},
            footer = {"", "With --json: the daemon's object (BlocksReceived, DataReceived, Wantlist, Peers …)"})
    static final class Stat extends CliCommand {
        @Option(names = {"-v", "--verbose"}, description = "list each partner")
        boolean verbose;

        @Option(names = "--human", description = "sizes in KB, MB … as Kubo's --human")
        boolean human;

        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output;

        @Mixin
        CidBaseOption cids;

        @Override
        protected int run() throws Exception {
            CidEncoder enc = output.json() ? CidEncoder.DEFAULT : cids.lowLevel(); // Kubo's text encoder's
            Answer a = ask(repo, "bitswap/stat", List.of(), Map.of("verbose", Boolean.toString(verbose)));
            MapNode s = a.map();
            StringBuilder t = new StringBuilder("bitswap status\n");
            t.append("\tblocks received: ").append(number(s, "BlocksReceived")).append('\n');
            t.append("\tblocks sent: ").append(number(s, "BlocksSent")).append('\n');
            t.append("\tdata received: ").append(size(number(s, "DataReceived"))).append('\n');
            t.append("\tdata sent: ").append(size(number(s, "DataSent"))).append('\n');
            t.append("\tdup blocks received: ").append(number(s, "DupBlksReceived")).append('\n');
            t.append("\tdup data received: ").append(size(number(s, "DupDataReceived"))).append('\n');
            List<Node> wants = list(s, "Wantlist");
            t.append("\twantlist [").append(wants.size()).append(" keys]\n");
            wants.forEach(w -> t.append("\t\t").append(text(w, enc)).append('\n'));
            List<Node> peers = list(s, "Peers");
            t.append("\tpartners [").append(peers.size()).append("]\n");
            if (verbose) {
                peers.forEach(p -> t.append("\t\t").append(text(p)).append('\n'));
            }
            print(console(), output, a, t.toString());
            return 0;
        }

        private String size(long bytes) {
            return human ? HumanBytes.si(bytes) : Long.toString(bytes);
        }
    }

    @Command(name = "reprovide", description = {"Have the daemon announce its content to the DHT now.", "",
            "Kubo's deprecated name of 'routing reprovide'; prints nothing, as Kubo's.", ""},
            footer = {"", "With --json: nothing either"})
    static final class Reprovide extends CliCommand {
        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output;

        @Override
        protected int run() throws Exception {
            DaemonApi.askAll(repo.root(), "bitswap/reprovide", List.of(), Map.of());
            return 0;
        }
    }

    @Command(name = "wantlist", description = {"List the blocks the daemon wants, or a peer wants of it.", ""},
            footer = {"", "With --json: {\"Keys\":[{\"/\":…}…]}"})
    static final class Wantlist extends CliCommand {
        @Mixin
        RepoOption repo;

        @picocli.CommandLine.Option(names = {"-p", "--peer"}, paramLabel = "PEER",
                description = "the blocks this peer asked the daemon for and has not had yet (default: the daemon's own)")
        String peer;

        @Mixin
        JsonOption output;

        @Mixin
        CidBaseOption cids;

        @Override
        protected int run() throws Exception {
            CidEncoder enc = output.json() ? CidEncoder.DEFAULT : cids.lowLevel(); // Kubo's text encoder's
            Answer a = ask(repo, "bitswap/wantlist", List.of(), peer == null ? Map.of() : Map.of("peer", peer));
            MapNode w = a.map();
            StringBuilder t = new StringBuilder();
            // Kubo's text lists the keys in their binary order (go-cidutil's Sort)
            list(w, "Keys").stream().filter(Link.class::isInstance).map(k -> ((Link) k).cid())
                    .sorted((x, y) -> Arrays.compareUnsigned(x.bytes(), y.bytes()))
                    .forEach(c -> t.append(enc.encode(c)).append('\n'));
            print(console(), output, a, t.toString());
            return 0;
        }
    }

    @Command(name = "ledger", description = {"Show the daemon's ledger with a peer: bytes and blocks exchanged.", ""},
            footer = {"", "With --json: {\"Peer\",\"Value\",\"Sent\",\"Recv\",\"Exchanged\"}"})
    static final class Ledger extends CliCommand {
        @Parameters(paramLabel = "PEER", description = "the peer ID")
        String peer;

        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output;

        @Override
        protected int run() throws Exception {
            Answer a = ask(repo, "bitswap/ledger", List.of(peer), Map.of());
            MapNode l = a.map();
            double value = l.get("Value").map(n -> n instanceof FloatNode f ? f.value()
                    : n instanceof IntNode i ? (double) i.longValue() : 0.0).orElse(0.0);
            String t = "Ledger for " + l.get("Peer").map(BitswapCommand::text).orElse(peer) + "\n"
                    + "Debt ratio:\t" + String.format(Locale.ROOT, "%f", value) + "\n"
                    + "Exchanges:\t" + number(l, "Exchanged") + "\n"
                    + "Bytes sent:\t" + number(l, "Sent") + "\n"
                    + "Bytes received:\t" + number(l, "Recv") + "\n\n";
            print(console(), output, a, t);
            return 0;
        }
    }
}
