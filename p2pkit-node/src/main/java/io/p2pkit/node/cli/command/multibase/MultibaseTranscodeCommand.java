package io.p2pkit.node.cli.command.multibase;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code p2pkit multibase transcode}: Kubo's {@code ipfs multibase transcode}. */
@Command(name = "transcode", description = {
        "Decode multibase text and encode it again in another base (base64url unless -b says otherwise).",
        ""},
        footer = {"", "With --json: {\"Encoded\":…}"})
final class MultibaseTranscodeCommand extends CliCommand {
    @Mixin
    private MultibaseInput input;

    @Option(names = "-b", paramLabel = "BASE", defaultValue = "base64url",
            description = "the multibase to write, by name or prefix (default base64url)")
    private String base;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        var encoding = MultibaseInput.base(base);
        MultibaseInput.printEncoded(encoding, MultibaseInput.decode(input.read(console())), console(), output);
        return 0;
    }
}
