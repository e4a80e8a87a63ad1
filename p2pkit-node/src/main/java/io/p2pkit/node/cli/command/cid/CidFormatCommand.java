package io.p2pkit.node.cli.command.cid;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.multiformats.CidConverter;
import io.p2pkit.node.multiformats.CidFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code p2pkit cid format}: Kubo's {@code ipfs cid format}. */
@Command(name = "format", description = {
        "Format and convert CIDs.",
        "",
        "-f takes Kubo's printf-style format (default %%s):",
        "  %%s  the CID in the base of -b (else its own; base58btc for CIDv0)",
        "  %%S  the same without the multibase prefix",
        "  %%b  the base's name        %%B  its prefix",
        "  %%v  the version (cidv1)    %%V  its number",
        "  %%c  the codec's name       %%C  its code",
        "  %%h  the hash function      %%H  its code       %%L  the digest length",
        "  %%m  the multihash in the base (%%M without prefix)",
        "  %%d  the digest in the base (%%D without prefix)",
        "  %%P  the prefix: %%v-%%c-%%h-%%L                   %%%%  a percent sign",
        "-v converts to CID version 0 or 1 (only dag-pb sha2-256 CIDs have a version 0); -b alone implies -v 1. "
                + "--mc changes the codec (making a CIDv1).",
        ""},
        footer = {"", "With --json: one {\"CidStr\":…,\"Formatted\":…,\"ErrorMsg\":…} per CID (Kubo's shape)"})
final class CidFormatCommand extends CliCommand {
    @Parameters(paramLabel = "CID", arity = "0..*", description = "the CIDs (default: read from stdin, one a line)")
    private List<String> cids = new ArrayList<>();

    @Option(names = "-f", paramLabel = "FORMAT", defaultValue = "%s", description = "the format (default %%s)")
    private String format;

    @Option(names = "-v", paramLabel = "VERSION", description = "the CID version to convert to: 0 or 1")
    private String version;

    @Option(names = "--mc", paramLabel = "CODEC", description = "the codec to convert to, e.g. raw, dag-pb, dag-cbor")
    private String codec;

    @Option(names = "-b", paramLabel = "BASE", description = "the multibase to write in, e.g. base32, base36, base58btc")
    private String base;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        CidConverter converter;
        try {
            converter = CidConverter.format(format, version, codec, base);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try {
            return new CidConversion("cid format", converter).run(cids, console(), output);
        } catch (CidFormatter.FormatStringException e) {
            throw new UsageException("-f: " + e.getMessage());
        }
    }
}
