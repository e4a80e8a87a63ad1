package io.p2pkit.node.cli.command.cid;

import io.p2pkit.node.multiformats.CodeLists;
import picocli.CommandLine.Command;

import java.util.List;

/** {@code p2pkit cid hashes}: Kubo's {@code ipfs cid hashes}. */
@Command(name = "hashes", description = {
        "List the hash functions a CID may use, as Kubo 0.39 does (boxo's allowlist).",
        "",
        "p2pkit computes every one of them, so --supported lists them all too.",
        ""},
        footer = {"", "With --json: one {\"Code\":…,\"Name\":…} per hash function (Kubo's shape)"})
final class CidHashesCommand extends CodeListCommand {
    @Override
    List<CodeLists.Code> list(boolean onlySupported) {
        return CodeLists.hashes(onlySupported);
    }
}
