package io.p2pkit.node.cli.command.multibase;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code p2pkit multibase decode}: Kubo's {@code ipfs multibase decode}. */
@Command(name = "decode", description = {
        "Decode multibase text; its first character names the base.",
        "",
        "As Kubo, the base32 and base64 families pass over line breaks (a file's last newline is fine); the others do not.",
        ""},
        footer = {"", "With --json: {\"Data\":<base64>}"})
final class MultibaseDecodeCommand extends CliCommand {
    @Mixin
    private MultibaseInput input;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        byte[] data = MultibaseInput.decode(input.read(console()));
        if (output.json()) {
            console().json(MultibaseInput.json(data));
        } else {
            MultibaseInput.write(data, console());
        }
        return 0;
    }
}
