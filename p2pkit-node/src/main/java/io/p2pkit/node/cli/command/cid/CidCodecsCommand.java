package io.p2pkit.node.cli.command.cid;

import io.p2pkit.node.multiformats.CodeLists;
import picocli.CommandLine.Command;

import java.util.List;

/** {@code p2pkit cid codecs}: Kubo's {@code ipfs cid codecs}. */
@Command(name = "codecs", description = {
        "List the CID codecs (the multicodec table's ipld codes), as Kubo 0.39 does.",
        "",
        "With --supported: those p2pkit reads and writes blocks in (raw, dag-pb, dag-cbor, dag-json) and libp2p-key "
                + "(IPNS names); Kubo's list adds cbor, git-raw, dag-jose and json.",
        ""},
        footer = {"", "With --json: one {\"Code\":…,\"Name\":…} per codec (Kubo's shape)"})
final class CidCodecsCommand extends CodeListCommand {
    @Override
    List<CodeLists.Code> list(boolean onlySupported) {
        return CodeLists.codecs(onlySupported);
    }
}
