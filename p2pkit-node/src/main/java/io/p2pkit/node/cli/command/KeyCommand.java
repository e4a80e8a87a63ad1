package io.p2pkit.node.cli.command;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.config.Keystore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit key}: the named keys IPNS names are made from, Kubo's {@code ipfs key}. */
@Command(name = "key", description = {
        "Make, list and remove the keys IPNS names are published with.",
        "",
        "Keys live in the repository's keystore/ directory ($P2PKIT_HOME or --repo-dir), one file per key as Kubo "
                + "keeps them. 'self' is the node's identity key. A key's ID (its IPNS name) is printed as a base36 "
                + "CIDv1 (k51…), as Kubo prints it.",
        ""},
        subcommands = {KeyCommand.Gen.class, KeyCommand.ListKeys.class, KeyCommand.Rm.class})
public final class KeyCommand extends CliCommand {
    @Override
    public int run() {
        throw new UsageException("missing subcommand: gen, list or rm");
    }

    static Keystore keystore(RepoOption repo) {
        return new Keystore(repo.root(), repo.root().resolve("identity.key"));
    }

    static String id(Keystore.Entry e) {
        return e.id().toString(Multibase.Encoding.BASE36);
    }

    @Command(name = "gen", description = {"Make a new key.", "", "Prints its ID.", ""},
            footer = {"", "With --json: {\"Name\":…,\"Id\":…}"})
    static final class Gen extends CliCommand {
        @Parameters(paramLabel = "NAME", description = "the key's name")
        String name;

        @Option(names = {"-t", "--type"}, paramLabel = "TYPE", description = "ed25519 (default), secp256k1, ecdsa or rsa")
        String type = "ed25519";

        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output;

        @Override
        protected int run() throws Exception {
            KeyType t = InitCommand.keyType(type);
            Keystore.Entry e;
            try {
                e = keystore(repo).generate(name, t);
            } catch (IllegalArgumentException ex) {
                throw new UsageException(ex.getMessage());
            } catch (FileAlreadyExistsException ex) {
                throw new CommandFailedException("key with name '" + name + "' already exists");
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Name", e.name());
            o.put("Id", id(e));
            output.print(console(), o, id(e));
            return 0;
        }
    }

    @Command(name = "list", description = {"List the keys.", ""},
            footer = {"", "With --json: {\"Keys\":[{\"Name\":…,\"Id\":…}…]}"})
    static final class ListKeys extends CliCommand {
        @Option(names = "-l", description = "show each key's ID before its name")
        boolean ids;

        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output;

        @Override
        protected int run() throws Exception {
            List<Map<String, Object>> keys = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (Keystore.Entry e : keystore(repo).list()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("Name", e.name());
                o.put("Id", id(e));
                keys.add(o);
                text.append(ids ? id(e) + " " + e.name() : e.name()).append('\n');
            }
            output.print(console(), Map.of("Keys", keys), text.toString().stripTrailing());
            return 0;
        }
    }

    @Command(name = "rm", description = {"Remove keys.", "", "Prints the names removed.", ""},
            footer = {"", "With --json: {\"Keys\":[{\"Name\":…,\"Id\":…}…]}"})
    static final class Rm extends CliCommand {
        @Parameters(paramLabel = "NAME", arity = "1..*", description = "the keys to remove")
        List<String> names;

        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output;

        @Override
        protected int run() throws Exception {
            Keystore ks = keystore(repo);
            List<Map<String, Object>> keys = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (String n : names) {
                Keystore.Entry e;
                try {
                    e = ks.remove(n).orElseThrow(() -> new CommandFailedException("no key named '" + n + "'"));
                } catch (IllegalArgumentException ex) {
                    throw new UsageException(ex.getMessage());
                }
                keys.add(Map.of("Name", e.name(), "Id", id(e)));
                text.append(e.name()).append('\n');
            }
            output.print(console(), Map.of("Keys", keys), text.toString().stripTrailing());
            return 0;
        }
    }
}
