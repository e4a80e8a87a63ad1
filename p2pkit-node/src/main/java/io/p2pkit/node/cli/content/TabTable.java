package io.p2pkit.node.cli.content;

import java.util.ArrayList;
import java.util.List;

/**
 * Lines of tab-terminated cells aligned as Go's text/tabwriter aligns them (left-aligned, padded
 * with spaces), which is how Kubo prints tables such as {@code ls}'s: a column's width is its
 * widest cell plus the padding, at least the minimum width, over a run of consecutive lines that
 * have a cell in that column; a line without tabs ends every run. The text after a line's last
 * tab is not a column and is printed as it is. {@link #withTabs} pads with tabs instead, as a
 * tabwriter whose pad character is {@code '\t'} does ({@code swarm resources}' table).
 */
public final class TabTable {
    private final int minWidth;
    private final int padding;
    /** The width of a tab when padding with tabs; 0 to pad with spaces. */
    private final int tabWidth;
    private final List<String[]> lines = new ArrayList<>();

    /**
     * @param minWidth a column's least width, padding included
     * @param padding  spaces added to a column's widest cell
     */
    public TabTable(int minWidth, int padding) {
        this(minWidth, padding, 0);
    }

    private TabTable(int minWidth, int padding, int tabWidth) {
        this.minWidth = minWidth;
        this.padding = padding;
        this.tabWidth = tabWidth;
    }

    /**
     * A table padded with tabs: a column's width is rounded up to a multiple of {@code tabWidth}
     * and each cell is followed by as many tabs as reach it (none when the cell fills it exactly).
     *
     * @param minWidth a column's least width, padding included
     * @param tabWidth how wide a tab is taken to be
     * @param padding  added to a column's widest cell before rounding
     */
    public static TabTable withTabs(int minWidth, int tabWidth, int padding) {
        if (tabWidth <= 0) {
            throw new IllegalArgumentException("tab width must be positive: " + tabWidth);
        }
        return new TabTable(minWidth, padding, tabWidth);
    }

    /** Adds a line (without its newline): cells separated by tabs. */
    public void line(String line) {
        lines.add(line.split("\t", -1));
    }

    /** @return the lines so far, aligned, each ending in a newline; the table is then empty */
    public String flush() {
        StringBuilder out = new StringBuilder();
        format(out, new ArrayList<>(), 0, lines.size());
        lines.clear();
        return out.toString();
    }

    /** Go's tabwriter.format: finds the runs of lines holding a cell in the next column, recursively. */
    private void format(StringBuilder out, List<Integer> widths, int line0, int line1) {
        int column = widths.size();
        for (int at = line0; at < line1; at++) {
            if (column >= lines.get(at).length - 1) {
                continue;
            }
            write(out, widths, line0, at);
            line0 = at;
            int width = minWidth;
            for (; at < line1 && column < lines.get(at).length - 1; at++) {
                width = Math.max(width, cells(lines.get(at)[column]) + padding);
            }
            widths.add(width);
            format(out, widths, line0, at);
            widths.remove(widths.size() - 1);
            line0 = at;
            at--;
        }
        write(out, widths, line0, line1);
    }

    private void write(StringBuilder out, List<Integer> widths, int line0, int line1) {
        for (int i = line0; i < line1; i++) {
            String[] cells = lines.get(i);
            for (int j = 0; j < cells.length; j++) {
                out.append(cells[j]);
                if (j < cells.length - 1 && j < widths.size()) {
                    pad(out, cells(cells[j]), widths.get(j));
                }
            }
            out.append('\n');
        }
    }

    /** Go's tabwriter.writePadding. */
    private void pad(StringBuilder out, int text, int width) {
        if (tabWidth == 0) {
            out.append(" ".repeat(Math.max(0, width - text)));
            return;
        }
        int rounded = (width + tabWidth - 1) / tabWidth * tabWidth;
        out.append("\t".repeat((rounded - text + tabWidth - 1) / tabWidth));
    }

    /** Go counts a cell's width in code points. */
    private static int cells(String s) {
        return s.codePointCount(0, s.length());
    }
}
