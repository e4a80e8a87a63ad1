package io.p2pkit.node.cli.command.multibase;

import io.p2pkit.core.multiformats.Multibase.Encoding;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code p2pkit multibase transcode}: Kubo's {@code ipfs multibase transcode}. */
@Command(name = "transcode", description = {
        "Decode multibase text and encode it again in another base (base64url unless -b says otherwise).",
        ""},
        footer = {"", "With --json: {\"Encoded\":…}"})
final class MultibaseTranscodeCommand extends CliCommand {
    @Mixin
    private MultibaseInput input;

    @Mixin
    private EncodingOption base;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        Encoding encoding = base.encoding();
        EncodingOption.print(encoding, MultibaseInput.decode(input.read(console())), console(), output);
        return 0;
    }
}
