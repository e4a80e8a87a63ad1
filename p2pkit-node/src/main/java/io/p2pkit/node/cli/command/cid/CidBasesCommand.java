package io.p2pkit.node.cli.command.cid;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.multiformats.CodeLists;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code p2pkit cid bases}: Kubo's {@code ipfs cid bases}; {@code p2pkit multibase list} is the same command. */
@Command(name = "bases", description = {
        "List the multibases, as Kubo 0.39 does.",
        "",
        "p2pkit reads and writes each of them; it also takes base8, base10 and base32z, which Kubo lacks.",
        ""},
        footer = {"", "With --json: one {\"Code\":…,\"Name\":…} per base (Kubo's shape)"})
public class CidBasesCommand extends CliCommand {
    @Option(names = "--prefix", description = "also print each base's prefix")
    private boolean prefix;

    @Option(names = "--numeric", description = "also print each base's code (its prefix's code point)")
    private boolean numeric;

    @Mixin
    private JsonOption output;

    @Override
    protected final int run() {
        if (output.json()) {
            CodeLists.bases().forEach(c -> console().json(c.json()));
        } else {
            console().out().print(CodeLists.basesText(CodeLists.bases(), prefix, numeric));
            console().out().flush();
        }
        return 0;
    }
}
