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
    void tabPaddingRoundsColumnsToTabStopsAsKubosSwarmResourcesTable() {
        TabTable t = TabTable.withTabs(20, 8, 0);
        t.line("Scope\tLimit Name\tLimit Value\tLimit Usage Amount\tLimit Usage Percent\t");
        t.line("system\tMemory\t12638251008\t0\t0%\t");
        t.line("system\tFD\t10000\t1\t0.0%\t");
        t.line("proto:/libp2p/circuit/relay/0.2.0/stop\tStreams\t8172\t0\t0%\t");
        // Kubo 0.39's bytes for these rows
        assertEquals("Scope\t\t\t\t\tLimit Name\t\tLimit Value\t\tLimit Usage Amount\tLimit Usage Percent\t\n"
                + "system\t\t\t\t\tMemory\t\t\t12638251008\t\t0\t\t\t0%\t\t\t\n"
                + "system\t\t\t\t\tFD\t\t\t10000\t\t\t1\t\t\t0.0%\t\t\t\n"
                + "proto:/libp2p/circuit/relay/0.2.0/stop\tStreams\t\t\t8172\t\t\t0\t\t\t0%\t\t\t\n", t.flush());
    }

    @Test
    void aCellThatFillsItsTabStopExactlyGetsNoTab() {
        TabTable t = TabTable.withTabs(8, 8, 0);
        t.line("12345678\tx\t");
        t.line("1\ty\t");
        assertEquals("12345678x\t\n1\ty\t\n", t.flush());
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
