package io.p2pkit.node.cli.command.multibase;

import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.content.InputData;
import io.p2pkit.node.cli.content.StdoutStream;
import io.p2pkit.node.multiformats.Multibases;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/** The FILE argument of the {@code multibase} commands (stdin without it), and what they share in and out. */
final class MultibaseInput {
    @Parameters(paramLabel = "FILE", arity = "0..1", description = "the data (default: stdin)")
    private Path file;

    /** The data, at most {@link Multibases#MAX_INPUT} bytes. */
    byte[] read(Console console) throws IOException {
        InputData data = file == null ? InputData.stdin(console) : InputData.file(file);
        try (InputStream in = data.open()) {
            byte[] bytes = in.readNBytes(Multibases.MAX_INPUT + 1);
            if (bytes.length > Multibases.MAX_INPUT) {
                throw new CommandFailedException(data.name() + " is over the " + Multibases.MAX_INPUT + " bytes read");
            }
            return bytes;
        }
    }

    /** {@code data} decoded, or Kubo's {@code failed to decode multibase: …}. */
    static byte[] decode(byte[] data) {
        try {
            return Multibases.decode(data);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException("failed to decode multibase: " + e.getMessage());
        }
    }

    /** Writes bytes to stdout as they are. */
    static void write(byte[] bytes, Console console) throws IOException {
        try (StdoutStream out = new StdoutStream(console.out())) {
            out.write(bytes);
        }
    }

    /** {@code {"Data":<base64>}}, the decoded bytes with {@code --json}. */
    static Map<String, Object> json(byte[] bytes) {
        return Map.of("Data", Base64.getEncoder().encodeToString(bytes));
    }
}
