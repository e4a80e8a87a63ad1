package io.p2pkit.node.cli.command.cid;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase.Encoding;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.options.JsonOption;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What {@code cid format} and {@code cid base32} share: each CID (from the arguments, or stdin
 * one a line) is converted and printed; one that fails is reported ({@code <cid>: why} on stderr,
 * or a JSON object with {@code ErrorMsg}) and the others still are, with exit status 1 at the end,
 * as Kubo does.
 */
final class CidConversion {
    private final String command;
    private final String format;
    private final Encoding base;
    private final UnaryOperator<Cid> convert;

    /**
     * @param command the command's name, for the last error line
     * @param format  the {@code -f} string
     * @param base    the output base, or null for the input's own (base58btc for a CIDv0)
     * @param convert version and codec changes
     */
    CidConversion(String command, String format, Encoding base, UnaryOperator<Cid> convert) {
        this.command = command;
        this.format = format;
        this.base = base;
        this.convert = convert;
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
        String formatted = null;
        String error = null;
        try {
            Cid cid = convert.apply(Cid.parse(text));
            Encoding b = base != null ? base : cid.version() == 0 ? Encoding.BASE58_BTC : CidFormatter.baseOf(text);
            formatted = CidFormatter.format(format, b, cid);
        } catch (CidFormatter.FormatStringException e) {
            throw e; // the same for every CID: stop
        } catch (IllegalArgumentException | IllegalStateException e) {
            error = e.getMessage();
        }
        if (output.json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("CidStr", text);
            o.put("Formatted", formatted == null ? "" : formatted);
            o.put("ErrorMsg", error == null ? "" : error);
            console.json(o);
        } else if (error == null) {
            console.println(formatted);
        } else {
            console.info(text + ": " + error);
        }
        return error == null;
    }
}
