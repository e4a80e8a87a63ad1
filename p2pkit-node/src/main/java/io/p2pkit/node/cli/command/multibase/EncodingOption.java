package io.p2pkit.node.cli.command.multibase;

import io.p2pkit.core.multiformats.Multibase.Encoding;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.multiformats.Multibases;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code -b} of {@code multibase encode} and {@code transcode}, and the text they print. */
final class EncodingOption {
    @Option(names = "-b", paramLabel = "BASE", defaultValue = "base64url",
            description = "the multibase to write, by name or prefix (default base64url; 'p2pkit multibase list' names them)")
    private String base;

    /** Prints {@code data} in {@code encoding}: the text's bytes, or {@code {"Encoded":…}} with {@code --json}. */
    static void print(Encoding encoding, byte[] data, Console console, JsonOption output) throws IOException {
        byte[] text;
        try {
            text = Multibases.encode(encoding, data);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage());
        }
        if (output.json()) {
            console.json(Map.of("Encoded", new String(text, StandardCharsets.UTF_8)));
        } else {
            MultibaseInput.write(text, console);
        }
    }

    /** The base; a usage error for one go-multibase (or p2pkit) does not have. */
    Encoding encoding() {
        try {
            return Multibases.encoding(base);
        } catch (IllegalArgumentException e) {
            throw new UsageException("-b: " + e.getMessage());
        }
    }
}
