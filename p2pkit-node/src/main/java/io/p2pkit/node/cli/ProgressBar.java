package io.p2pkit.node.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, redrawn in place ({@code \r}) at most every 100 ms:
 * <pre>
 * importing  [=========&gt;           ]  45%  12.3 MiB / 27.0 MiB  5.1 MiB/s
 * exporting  12.3 MiB  5.1 MiB/s  3s                      (total unknown)
 * verifying  [===&gt;                 ]  17%  1,234 / 7,000 blocks
 * </pre>
 * Commands get one from {@link io.p2pkit.node.cli.options.ProgressOption#bar}, which hands out
 * {@link #NONE} (draws nothing) when progress is off, so the command's code is the same either
 * way. Used from one thread at a time; {@link #close()} draws the final state and ends the line.
 */
public final class ProgressBar implements AutoCloseable {
    /** A bar that draws nothing. */
    public static final ProgressBar NONE = new ProgressBar(null, "", -1, Unit.COUNT, "");

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 24;

    /** What the numbers count. */
    public enum Unit {
        /** Bytes, shown as KiB, MiB, GiB, with a rate. */
        BYTES,
        /** Things (blocks, keys), with their name after the numbers. */
        COUNT
    }

    private final PrintStream err;
    private final String label;
    private final Unit unit;
    private final String noun;
    private final long startNanos;
    private long total;
    private long done;
    private long lastDrawNanos;
    private int lastWidth;
    private boolean closed;

    private ProgressBar(PrintStream err, String label, long total, Unit unit, String noun) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.noun = noun;
        this.startNanos = System.nanoTime();
    }

    /**
     * Starts a bar and draws it.
     *
     * @param err   where to draw (stderr)
     * @param label what is being done, e.g. {@code "importing"}
     * @param total the amount when finished, or -1 when unknown (no bar, no percentage)
     * @param unit  what the amounts are
     * @param noun  for {@link Unit#COUNT}: what is counted, e.g. {@code "blocks"}
     * @return the bar
     */
    public static ProgressBar start(PrintStream err, String label, long total, Unit unit, String noun) {
        ProgressBar bar = new ProgressBar(err, label, total, unit, noun);
        bar.draw(true);
        return bar;
    }

    /** @return whether this bar draws anything */
    public boolean visible() {
        return err != null;
    }

    /** Sets the amount done so far. */
    public void set(long amount) {
        done = amount;
        draw(false);
    }

    /** Adds to the amount done. */
    public void add(long amount) {
        set(done + amount);
    }

    /** Changes the total (-1: unknown), for work whose size becomes known on the way. */
    public void total(long amount) {
        total = amount;
        draw(false);
    }

    /** @return the amount done so far */
    public long done() {
        return done;
    }

    /** Draws the final state and ends the line; later calls do nothing. */
    @Override
    public void close() {
        if (err == null || closed) {
            return;
        }
        draw(true);
        closed = true;
        err.print('\n');
        err.flush();
    }

    private void draw(boolean now) {
        if (err == null || closed) {
            return;
        }
        long t = System.nanoTime();
        if (!now && t - lastDrawNanos < REDRAW_NANOS) {
            return;
        }
        lastDrawNanos = t;
        String line = line((t - startNanos) / 1e9);
        // pad over what the last, longer line left behind
        String padded = line.length() < lastWidth ? line + " ".repeat(lastWidth - line.length()) : line;
        lastWidth = line.length();
        err.print('\r');
        err.print(padded);
        err.flush();
    }

    /** The text of the bar after {@code seconds}. */
    String line(double seconds) {
        StringBuilder sb = new StringBuilder(label);
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            int filled = (int) (fraction * WIDTH);
            sb.append("  [").append("=".repeat(filled));
            if (filled < WIDTH) {
                sb.append('>').append(" ".repeat(WIDTH - filled - 1));
            }
            sb.append("] ").append(String.format(Locale.ROOT, "%3d%%", (int) (fraction * 100)));
            sb.append("  ").append(amount(done)).append(" / ").append(amount(total));
        } else {
            sb.append("  ").append(amount(done));
        }
        if (unit == Unit.COUNT) {
            sb.append(' ').append(noun);
        } else if (seconds > 0.5) {
            sb.append("  ").append(binary((long) (done / seconds))).append("/s");
        }
        if (total <= 0) {
            sb.append("  ").append((long) seconds).append('s');
        }
        return sb.toString();
    }

    private String amount(long n) {
        return unit == Unit.BYTES ? binary(n) : String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code n} bytes in binary units: {@code 512 B}, {@code 12.3 MiB}. */
    static String binary(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
