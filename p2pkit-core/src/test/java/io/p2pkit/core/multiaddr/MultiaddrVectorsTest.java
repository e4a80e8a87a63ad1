package io.p2pkit.core.multiaddr;

import io.p2pkit.testing.TinyJson;
import io.p2pkit.core.DecodeException;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The multiaddr vectors: the registry's Gherkin feature and go-multiaddr's test lists. */
class MultiaddrVectorsTest {
    private static final String GO = "multiformats-go-multiaddr/extracted/multiaddr_test_cases.json";
    private static final String FEATURE = "multiformats-multiaddr/test/multiaddr.feature";
    private static final HexFormat HEX = HexFormat.of();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> goCases() {
        String json = new String(Vectors.bytes(GO), StandardCharsets.UTF_8);
        return (Map<String, Object>) TinyJson.parse(json);
    }

    @SuppressWarnings("unchecked")
    static List<String> goValid() {
        return (List<String>) (List<?>) goCases().get("valid");
    }

    @SuppressWarnings("unchecked")
    static List<String> goInvalid() {
        return (List<String>) (List<?>) goCases().get("invalid");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> goStringToBytes() {
        return (List<Map<String, Object>>) (List<?>) goCases().get("string_to_bytes_hex");
    }

    @Test
    void goListsAreComplete() {
        assertEquals(93, goValid().size());
        assertEquals(66, goInvalid().size());
        assertEquals(7, goStringToBytes().size());
    }

    @ParameterizedTest
    @MethodSource("goValid")
    void goValidParsesAndRoundTrips(String text) {
        Multiaddr m = Multiaddr.parse(text);
        Multiaddr fromBytes = Multiaddr.decode(m.bytes());
        assertEquals(m, fromBytes);
        String canonical = m.toString();
        assertEquals(m, Multiaddr.parse(canonical));
        assertEquals(canonical, fromBytes.toString());
        // Printing is canonical: parsing the printed form prints the same again.
        assertEquals(canonical, Multiaddr.parse(canonical).toString());
    }

    @ParameterizedTest
    @MethodSource("goInvalid")
    void goInvalidIsRejected(String text) {
        DecodeException e = assertThrows(DecodeException.class, () -> Multiaddr.parse(text));
        assertFalse(e.getMessage().isEmpty());
    }

    @ParameterizedTest
    @MethodSource("goStringToBytes")
    void goStringToBytes(Map<String, Object> c) {
        String text = (String) c.get("string");
        byte[] bytes = HEX.parseHex((String) c.get("hex"));
        Multiaddr m = Multiaddr.parse(text);
        assertArrayEquals(bytes, m.bytes());
        assertEquals(text, Multiaddr.decode(bytes).toString());
    }

    /** One scenario of the feature file: the given form, expected forms and component rows. */
    private record Scenario(String name, String given, List<String> steps, List<Map<String, String>> rows) {
    }

    static List<Scenario> scenarios() {
        List<Scenario> out = new ArrayList<>();
        String name = null;
        String given = null;
        List<String> steps = new ArrayList<>();
        List<Map<String, String>> rows = new ArrayList<>();
        List<String> header = null;
        for (String raw : Vectors.lines(FEATURE)) {
            String line = raw.trim();
            if (line.startsWith("Scenario:")) {
                if (name != null) {
                    out.add(new Scenario(name, given, steps, rows));
                }
                name = line.substring("Scenario:".length()).trim();
                steps = new ArrayList<>();
                rows = new ArrayList<>();
                header = null;
            } else if (line.startsWith("Given the multiaddr ")) {
                given = line.substring("Given the multiaddr ".length()).trim();
            } else if (line.startsWith("|")) {
                List<String> cells = new ArrayList<>();
                for (String cell : line.substring(1, line.length() - 1).split("\\|", -1)) {
                    cells.add(cell.trim());
                }
                if (header == null) {
                    header = cells;
                } else {
                    Map<String, String> row = new java.util.LinkedHashMap<>();
                    for (int k = 0; k < header.size(); k++) {
                        row.put(header.get(k), cells.get(k));
                    }
                    rows.add(row);
                }
            } else if (line.startsWith("Then ") || line.startsWith("And ")) {
                steps.add(line.substring(line.indexOf(' ') + 1));
            }
        }
        if (name != null) {
            out.add(new Scenario(name, given, steps, rows));
        }
        return out;
    }

    @Test
    void featureHasScenarios() {
        assertEquals(2, scenarios().size());
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void feature(Scenario s) {
        Multiaddr m = s.given().startsWith("0x")
                ? Multiaddr.decode(HEX.parseHex(s.given().substring(2)))
                : Multiaddr.parse(s.given());
        int checked = 0;
        for (String step : s.steps()) {
            if (step.startsWith("the packed form is ")) {
                assertEquals(step.substring("the packed form is 0x".length()), HEX.formatHex(m.bytes()));
                checked++;
            } else if (step.startsWith("the string form is ")) {
                assertEquals(step.substring("the string form is ".length()), m.toString());
                checked++;
            } else if (step.startsWith("the packed size is ")) {
                assertEquals(sizeOf(step), m.bytes().length);
                checked++;
            } else if (step.startsWith("the string size is ")) {
                assertEquals(sizeOf(step), m.toString().getBytes(StandardCharsets.UTF_8).length);
                checked++;
            } else if (step.startsWith("the components are")) {
                checkComponents(m, s.rows());
                checked++;
            }
        }
        assertEquals(s.steps().size(), checked, "every step of the scenario is understood");
    }

    private static int sizeOf(String step) {
        String[] words = step.split(" ");
        return Integer.parseInt(words[words.length - 2]);
    }

    private static void checkComponents(Multiaddr m, List<Map<String, String>> rows) {
        List<Component> cs = m.components();
        assertEquals(rows.size(), cs.size());
        for (int k = 0; k < rows.size(); k++) {
            Map<String, String> row = rows.get(k);
            Component c = cs.get(k);
            String text = c.toString();
            assertEquals(row.get("string"), text);
            assertEquals(Integer.parseInt(row.get("stringSize")), text.length());
            byte[] packed = Multiaddr.parse(text).bytes();
            assertEquals(row.get("packed").substring(2), HEX.formatHex(packed));
            assertEquals(Integer.parseInt(row.get("packedSize")), packed.length);
            assertEquals(row.get("value"), c.valueString());
            assertEquals(Integer.parseInt(row.get("valueSize")), c.value().length);
            assertEquals(row.get("protocol"), c.protocol().name());
            assertEquals(Integer.parseInt(row.get("codec")), c.protocol().code());
            assertEquals(row.get("uvarint").substring(2), HEX.formatHex(io.p2pkit.core.multiformats.Varint.encode(c.protocol().code())));
            assertEquals(row.get("lengthPrefix").isEmpty(), !c.protocol().isVariableSize());
            assertEquals(row.get("rawValue").substring(2), HEX.formatHex(c.value()));
        }
        assertTrue(m.size() > 0);
    }
}
