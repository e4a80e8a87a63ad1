package io.p2pkit.core.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PrometheusTextTest {
    @Test
    void writesCountersGaugesAndHistogramsInTextFormat004() {
        MetricRegistry r = new MetricRegistry();
        Counter c = r.counter("a_total", "Things\\done\nso far", "dir");
        c.inc("in");
        c.add(2.5, "out\"x\"\n\\");
        Gauge g = r.gauge("b", "A gauge");
        g.set(3);
        g.add(-1);
        r.gaugeCallback("c", "Computed", List.of("k"), () -> Map.of(List.of("v"), 0.25));
        Histogram h = r.histogram("d_seconds", "Latency", new double[]{0.1, 1}, "op");
        h.observe(0.05, "get");
        h.observe(0.5, "get");
        h.observe(7, "get");
        String expected = """
                # HELP a_total Things\\\\done\\nso far
                # TYPE a_total counter
                a_total{dir="in"} 1
                a_total{dir="out\\"x\\"\\n\\\\"} 2.5
                # HELP b A gauge
                # TYPE b gauge
                b 2
                # HELP c Computed
                # TYPE c gauge
                c{k="v"} 0.25
                # HELP d_seconds Latency
                # TYPE d_seconds histogram
                d_seconds_bucket{op="get",le="0.1"} 1
                d_seconds_bucket{op="get",le="1"} 2
                d_seconds_bucket{op="get",le="+Inf"} 3
                d_seconds_sum{op="get"} 7.55
                d_seconds_count{op="get"} 3
                """;
        assertEquals(expected, PrometheusText.write(r));
        assertEquals(3, h.count("get"));
        assertEquals(1, c.value("in"));
        assertEquals(0.25, r.family("c").map(f -> ((Gauge) f).value("v")).orElseThrow());
    }

    @Test
    void rejectsMisuse() {
        MetricRegistry r = new MetricRegistry();
        Counter c = r.counter("x_total", "x", "a");
        assertSame(c, r.counter("x_total", "x", "a"));
        assertThrows(IllegalArgumentException.class, () -> r.gauge("x_total", "x", "a"));
        assertThrows(IllegalArgumentException.class, () -> r.counter("x_total", "x", "b"));
        assertThrows(IllegalArgumentException.class, () -> r.counter("bad-name", "x"));
        assertThrows(IllegalArgumentException.class, () -> r.counter("y", "x", "__reserved"));
        assertThrows(IllegalArgumentException.class, () -> c.inc());
        assertThrows(IllegalArgumentException.class, () -> c.add(-1, "v"));
        assertThrows(IllegalArgumentException.class, () -> r.histogram("h", "h", new double[]{2, 1}));
        Gauge computed = r.gaugeCallback("g", "g", List.of(), Map::of);
        assertThrows(IllegalStateException.class, () -> computed.set(1));
        assertEquals("+Inf", PrometheusText.formatValue(Double.POSITIVE_INFINITY));
        assertEquals("NaN", PrometheusText.formatValue(Double.NaN));
        assertEquals("-3", PrometheusText.formatValue(-3));
    }
}
