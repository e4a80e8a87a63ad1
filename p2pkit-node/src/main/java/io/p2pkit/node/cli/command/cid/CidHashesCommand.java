package io.p2pkit.node.cli.command.cid;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.multiformats.CodeLists;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code p2pkit cid hashes}: Kubo's {@code ipfs cid hashes}. */
@Command(name = "hashes", description = {
        "List the hash functions a CID may use, as Kubo 0.39 does (boxo's allowlist).",
        "",
        "p2pkit computes every one of them, so --supported lists them all too.",
        ""},
        footer = {"", "With --json: one {\"Code\":…,\"Name\":…} per hash function (Kubo's shape)"})
final class CidHashesCommand extends CliCommand {
    @Mixin
    private CodeListOptions list;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() {
        list.print(CodeLists::hashes, console(), output);
        return 0;
    }
}
