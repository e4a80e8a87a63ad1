package io.p2pkit.node.cli.command.multibase;

import io.p2pkit.core.multiformats.Multibase.Encoding;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code p2pkit multibase encode}: Kubo's {@code ipfs multibase encode}. */
@Command(name = "encode", description = {
        "Encode data as multibase text (base64url unless -b says otherwise).",
        "",
        "echo -n hello | p2pkit multibase encode -b base16   prints f68656c6c6f",
        ""},
        footer = {"", "With --json: {\"Encoded\":…}"})
class MultibaseEncodeCommand extends CliCommand {
    @Mixin
    private MultibaseInput input;

    @Mixin
    private EncodingOption base;

    @Mixin
    private JsonOption output;

    /** The bytes to encode: the input itself. */
    byte[] data(byte[] input) {
        return input;
    }

    @Override
    protected final int run() throws Exception {
        Encoding encoding = base.encoding(); // a wrong base before any input is read, as Kubo
        EncodingOption.print(encoding, data(input.read(console())), console(), output);
        return 0;
    }
}
