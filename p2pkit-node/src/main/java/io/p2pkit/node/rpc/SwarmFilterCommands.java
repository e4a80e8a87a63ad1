package io.p2pkit.node.rpc;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.node.AddressFilters;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.config.KuboConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code swarm/filters} and {@code swarm/filters/add|rm}: the networks the node neither dials nor
 * accepts ({@link AddressFilters}), changed at once in the running node and, as Kubo does, in the
 * repository's config ({@code Swarm.AddrFilters}), so that the next start has them too. The
 * answers are Kubo's: the list is the running node's filters in go-multiaddr's form, {@code add}
 * answers the masks given and {@code rm} those the config held, as written there.
 */
final class SwarmFilterCommands {
    /** Where the config file keeps Kubo's {@code Swarm.AddrFilters}. */
    static final String FILE_KEY = "swarm.addrFilters";

    private SwarmFilterCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("swarm/filters").text(TextEncoders::lines).run(SwarmFilterCommands::list),
                RpcCommand.at("swarm/filters/add").args(RpcArgument.string("address", true, true).withStdin())
                        .text(TextEncoders::lines).run(SwarmFilterCommands::add),
                RpcCommand.at("swarm/filters/rm").args(RpcArgument.string("address", true, true).withStdin())
                        .text(TextEncoders::lines).run(SwarmFilterCommands::rm));
    }

    private static void list(RpcRequest req, RpcResponse res) throws Exception {
        res.single(KuboJson.strings(req.node().addressFilters().list(), true));
    }

    private static void add(RpcRequest req, RpcResponse res) throws Exception {
        canonical(req.arguments());
        AddressFilters live = req.node().addressFilters();
        req.arguments().forEach(live::add);
        List<String> added = new ArrayList<>(new LinkedHashSet<>(req.arguments()));
        // as Kubo: the new masks first, then those the config held besides, each once
        editConfig(req, old -> {
            LinkedHashSet<String> next = new LinkedHashSet<>(added);
            next.addAll(old);
            return List.copyOf(next);
        });
        res.single(KuboJson.strings(added, false));
    }

    private static void rm(RpcRequest req, RpcResponse res) throws Exception {
        AddressFilters live = req.node().addressFilters();
        String first = req.argument(0);
        if (first.equals("all") || first.equals("*")) {
            live.clear();
            AtomicReference<List<String>> removed = new AtomicReference<>(List.of());
            editConfig(req, old -> {
                removed.set(old);
                return List.of();
            });
            res.single(KuboJson.strings(removed.get(), true));
            return;
        }
        canonical(req.arguments());
        req.arguments().forEach(live::remove);
        List<String> removed = new ArrayList<>();
        editConfig(req, old -> {
            List<String> keep = new ArrayList<>();
            for (String f : old) {
                if (req.arguments().contains(f)) {
                    removed.add(f); // as written in the config, the way Kubo answers
                } else {
                    keep.add(f);
                }
            }
            return keep;
        });
        res.single(KuboJson.strings(removed, false));
    }

    /** Checks every mask before anything changes. */
    private static void canonical(List<String> masks) {
        for (String m : masks) {
            try {
                AddressFilters.canonical(m);
            } catch (IllegalArgumentException e) {
                throw RpcError.failed(e.getMessage());
            }
        }
    }

    /**
     * Changes {@code Swarm.AddrFilters} in the repository's config; a node without a repository
     * has only its running filters, which then stand for the config's list.
     */
    private static void editConfig(RpcRequest req, java.util.function.UnaryOperator<List<String>> change)
            throws IOException {
        Optional<Path> root = req.node().config().content().map(NodeConfig.Content::repo);
        if (root.isEmpty()) {
            change.apply(req.node().addressFilters().list());
            return;
        }
        try {
            KuboConfig.edit(root.get(), c -> {
                List<String> next = change.apply(read(c));
                return c.with(FILE_KEY, next.isEmpty() ? null : String.join(", ", next));
            }, false);
        } catch (IllegalArgumentException e) {
            throw RpcError.failed("failed to set config value: " + e.getMessage());
        }
    }

    /** The filters a config file holds, as written. */
    static List<String> read(RepoConfig config) {
        return config.get(FILE_KEY).map(t -> Arrays.stream(t.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList()).orElse(List.of());
    }
}
