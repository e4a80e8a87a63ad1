package io.p2pkit.node.cli.command.cid;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.multiformats.CidConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code p2pkit cid base32}: CIDs as CIDv1 in base32, their canonical case-insensitive form. */
@Command(name = "base32", description = {
        "Convert CIDs to version 1 in base32.",
        "",
        "The canonical, case-insensitive form (bafy…, bafk…): what Kubo's 'ipfs cid base32' prints.",
        ""},
        footer = {"", "With --json: one {\"CidStr\":…,\"Formatted\":…,\"ErrorMsg\":…} per CID (Kubo's shape)"})
final class CidBase32Command extends CliCommand {
    @Parameters(paramLabel = "CID", arity = "0..*", description = "the CIDs (default: read from stdin, one a line)")
    private List<String> cids = new ArrayList<>();

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        return new CidConversion("cid base32", CidConverter.base32()).run(cids, console(), output);
    }
}
