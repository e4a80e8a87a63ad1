package io.p2pkit.node.cli.command.multibase;

import picocli.CommandLine.Command;

/** {@code p2pkit multibase transcode}: Kubo's {@code ipfs multibase transcode}, {@code encode} of decoded input. */
@Command(name = "transcode", description = {
        "Decode multibase text and encode it again in another base (base64url unless -b says otherwise).",
        ""},
        footer = {"", "With --json: {\"Encoded\":…}"})
final class MultibaseTranscodeCommand extends MultibaseEncodeCommand {
    @Override
    byte[] data(byte[] input) {
        return MultibaseInput.decode(input);
    }
}
