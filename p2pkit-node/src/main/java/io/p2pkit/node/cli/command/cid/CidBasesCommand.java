package io.p2pkit.node.cli.command.cid;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.BaseListOptions;
import io.p2pkit.node.cli.options.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code p2pkit cid bases}: Kubo's {@code ipfs cid bases}. */
@Command(name = "bases", description = {
        "List the multibases, as Kubo 0.39 does.",
        "",
        "p2pkit reads and writes each of them; it also takes base8, base10 and base32z, which Kubo lacks.",
        ""},
        footer = {"", "With --json: one {\"Code\":…,\"Name\":…} per base (Kubo's shape)"})
final class CidBasesCommand extends CliCommand {
    @Mixin
    private BaseListOptions list;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() {
        list.print(console(), output);
        return 0;
    }
}
