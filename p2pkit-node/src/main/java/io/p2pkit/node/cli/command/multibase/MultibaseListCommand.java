package io.p2pkit.node.cli.command.multibase;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.BaseListOptions;
import io.p2pkit.node.cli.options.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code p2pkit multibase list}: Kubo's {@code ipfs multibase list}, the same as {@code cid bases}. */
@Command(name = "list", description = {
        "List the multibases, as Kubo 0.39 does ('p2pkit cid bases' too).",
        "",
        "p2pkit reads and writes each of them; it also takes base8, base10 and base32z, which Kubo lacks.",
        ""},
        footer = {"", "With --json: one {\"Code\":…,\"Name\":…} per base (Kubo's shape)"})
final class MultibaseListCommand extends CliCommand {
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
