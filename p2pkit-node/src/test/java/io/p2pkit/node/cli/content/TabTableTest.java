package io.p2pkit.node.cli.content;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Go's text/tabwriter layouts as Kubo's {@code ls} prints them (outputs taken from Kubo 0.39). */
@Timeout(10)
class TabTableTest {
    @Test
    void aColumnIsItsWidestCellPlusPaddingOverARunOfLines() {
        TabTable t = new TabTable(1, 1);
        t.line("Hash\tSize\tName");
        t.line("Qm1\t6\ta.txt");
        t.line("Qm2\t300000\tbig.bin");
        assertEquals("Hash Size   Name\nQm1  6      a.txt\nQm2  300000 big.bin\n", t.flush());
    }

    @Test
    void aLineWithoutTabsEndsTheRun() {
        TabTable t = new TabTable(1, 1);
        t.line("x:");
        t.line("Qm1\t6\ta");
        t.line("");
        t.line("y:");
        t.line("Qm2\t300000\tb");
        assertEquals("x:\nQm1 6 a\n\ny:\nQm2 300000 b\n", t.flush());
    }

    @Test
    void theMinimumWidthPadsShortColumns() {
        TabTable t = new TabTable(10, 1);
        t.line("Qm1\t6\ta");
        assertEquals("Qm1       6         a\n", t.flush());
        assertEquals("", t.flush());
    }

    @Test
    void namesAreEscapedAsGoQuotesThem() {
        assertEquals("plain name.txt", GoQuote.escNonPrint("plain name.txt"));
        assertEquals("ünïcode", GoQuote.escNonPrint("ünïcode"));
        assertEquals("tab\\there", GoQuote.escNonPrint("tab\there"));
        assertEquals("back\\\\slash", GoQuote.escNonPrint("back\\slash"));
        assertEquals("zero\\u200dwidth \\\"q\\\"", GoQuote.escNonPrint("zero\u200dwidth \"q\""));
        assertEquals("nbsp\\u00a0", GoQuote.escNonPrint("nbsp\u00a0"));
        assertEquals("bell\\a start\\x01", GoQuote.escNonPrint("bell\u0007 start\u0001"));
    }
}
