package io.p2pkit.node.cli.command.cid;

import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.multiformats.CidConverter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What {@code cid format} and {@code cid base32} share: each CID (from the arguments, or stdin
 * one a line) is converted and printed; one that fails is reported ({@code <cid>: why} on stderr,
 * or a JSON object with {@code ErrorMsg}) and the others still are, with exit status 1 at the end,
 * as Kubo does.
 */
final class CidConversion {
    private final String command;
    private final CidConverter converter;

    /**
     * @param command   the command's name, for the last error line
     * @param converter what each CID becomes
     */
    CidConversion(String command, CidConverter converter) {
        this.command = command;
        this.converter = converter;
    }

    /** Converts every CID; returns the exit status. */
    int run(List<String> args, Console console, JsonOption output) throws IOException {
        boolean failed = false;
        if (!args.isEmpty()) {
            for (String arg : args) {
                failed |= !one(arg, console, output);
            }
        } else {
            BufferedReader in = new BufferedReader(new InputStreamReader(console.in(), StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    failed |= !one(line.strip(), console, output);
                }
            }
        }
        if (failed) {
            console.info("p2pkit " + command + ": error: some CIDs could not be converted");
        }
        return failed ? 1 : 0;
    }

    private boolean one(String text, Console console, JsonOption output) {
        CidConverter.Conversion c = converter.convert(text);
        if (output.json()) {
            console.json(c.json());
        } else if (c.ok()) {
            console.println(c.formatted());
        } else {
            console.info(text + ": " + c.errorMsg());
        }
        return c.ok();
    }
}
