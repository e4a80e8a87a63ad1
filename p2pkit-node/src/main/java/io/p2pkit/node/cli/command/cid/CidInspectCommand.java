package io.p2pkit.node.cli.command.cid;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.multiformats.CidInspection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code p2pkit cid inspect}: a CID taken apart, as Kubo 0.41's {@code ipfs cid inspect}. */
@Command(name = "inspect", description = {
        "Show what a CID is made of.",
        "",
        "Prints the CID's version, multibase (implicit base58btc for version 0), codec, hash function, digest "
                + "length and digest, and its version 0 form (or why it has none) and version 1 form (base36 for a "
                + "libp2p-key, base32 otherwise), as Kubo's 'ipfs cid inspect' does. A peer ID given instead gets "
                + "its CID form in the error. Needs no repository.",
        ""},
        footer = {"", "With --json: Kubo's {\"cid\",\"version\",\"multibase\":{\"prefix\",\"name\"},\"multicodec\":{\"code\","
                + "\"name\"},\"multihash\":{\"code\",\"name\",\"length\",\"digest\"},\"cidV0\",\"cidV1\"} (an \"errorMsg\" "
                + "instead for text that is not a CID, exit status 0 as Kubo's)"})
final class CidInspectCommand extends CliCommand {
    @Parameters(paramLabel = "CID", arity = "0..1", description = "the CID (default: the first line of stdin)")
    private String cid;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        String text = cid;
        if (text == null) {
            BufferedReader in = new BufferedReader(new InputStreamReader(console().in(), StandardCharsets.UTF_8));
            text = in.readLine();
            if (text == null || text.isBlank()) {
                throw new UsageException("missing CID: give it as an argument or on stdin");
            }
            text = text.strip();
        }
        Map<String, Object> o = CidInspection.inspect(text);
        if (output.json()) {
            console().json(o);
            return 0;
        }
        try {
            console().out().print(CidInspection.text(o));
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage());
        }
        return 0;
    }
}
