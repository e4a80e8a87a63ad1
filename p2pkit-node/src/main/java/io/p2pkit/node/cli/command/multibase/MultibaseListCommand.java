package io.p2pkit.node.cli.command.multibase;

import io.p2pkit.node.cli.command.cid.CidBasesCommand;
import picocli.CommandLine.Command;

/** {@code p2pkit multibase list}: Kubo's {@code ipfs multibase list}, which is {@code cid bases}. */
@Command(name = "list", description = {
        "List the multibases, as Kubo 0.39 does ('p2pkit cid bases' too).",
        "",
        "p2pkit reads and writes each of them; it also takes base8, base10 and base32z, which Kubo lacks.",
        ""},
        footer = {"", "With --json: one {\"Code\":…,\"Name\":…} per base (Kubo's shape)"})
final class MultibaseListCommand extends CidBasesCommand {
}
