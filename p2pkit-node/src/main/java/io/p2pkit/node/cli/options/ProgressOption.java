package io.p2pkit.node.cli.options;

import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.Terminal;
import picocli.CommandLine.Option;

/**
 * {@code --progress[=true|false]}: a progress bar on stderr for long work. Without the option the
 * bar is drawn when stderr is a terminal, as Kubo does; {@code --progress} forces it (into a
 * file or pipe too) and {@code --progress=false} hides it. Never on stdout, so results and
 * {@code --json} lines stay clean.
 */
public final class ProgressOption {
    @Option(names = "--progress", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "show a progress bar on stderr (default: when stderr is a terminal); --progress=false hides it")
    private Boolean progress;

    /** @return whether a bar is drawn: as asked, else whether stderr is a terminal */
    public boolean enabled() {
        return progress != null ? progress : Terminal.stderrIsTerminal();
    }

    /**
     * A bar on the console's stderr, or {@link ProgressBar#NONE} when progress is off.
     *
     * @param console the command's console
     * @param label   what is being done, e.g. {@code "importing"}
     * @param total   the amount when finished, or -1 when unknown
     * @param unit    what is counted
     * @param noun    for counts: what is counted, e.g. {@code "blocks"}
     * @return the bar (close it when the work ends)
     */
    public ProgressBar bar(Console console, String label, long total, ProgressBar.Unit unit, String noun) {
        return enabled() ? ProgressBar.start(console.err(), label, total, unit, noun) : ProgressBar.NONE;
    }
}
