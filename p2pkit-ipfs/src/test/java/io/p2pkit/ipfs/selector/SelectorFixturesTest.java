package io.p2pkit.ipfs.selector;

import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.dagjson.DagJson;
import io.p2pkit.ipfs.ipld.BoolNode;
import io.p2pkit.ipfs.ipld.BytesNode;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.NullNode;
import io.p2pkit.ipfs.ipld.StringNode;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The selector spec's fixtures (ipld/ipld specs/selectors/fixtures, testmark format): each
 * fixture's data and selector are parsed from dag-json, the selector walks the data, and every
 * visit (path, node, matched) must come in the order the fixture lists (one exception, see
 * below). The ADL fixtures need ExploreInterpretAs of ADLs other than unixfs, which are not supported, and are not run.
 */
class SelectorFixturesTest {
    private static final Pattern HUNK = Pattern.compile("\\[testmark]:# \\(([^)]+)\\)\\s*```[a-z]*\\n(.*?)```", Pattern.DOTALL);

    record Fixture(String name, String data, String selector, String expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Fixture> fixtures() throws IOException {
        List<Fixture> out = new ArrayList<>();
        for (String file : List.of("selector-fixtures-1.md", "selector-fixtures-recursion.md")) {
            String text = Files.readString(Vectors.path("ipld-ipld/specs/selectors/fixtures/" + file));
            Map<String, String> hunks = new LinkedHashMap<>();
            Matcher m = HUNK.matcher(text);
            while (m.find()) {
                hunks.put(m.group(1), m.group(2));
            }
            for (String key : hunks.keySet()) {
                if (key.endsWith("/data")) {
                    String name = key.substring(0, key.length() - "/data".length());
                    out.add(new Fixture(file + ":" + name, hunks.get(key), hunks.get(name + "/selector"),
                            hunks.get(name + "/expect-visit")));
                }
            }
        }
        return out.stream();
    }

    @Test
    void allFixturesAreFound() throws IOException {
        assertEquals(10, fixtures().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void walkVisitsAsExpected(Fixture f) throws Exception {
        Node data = json(f.data());
        Selector selector = SelectorParser.parse(json(f.selector()));
        List<Node> visits = new ArrayList<>();
        new SelectorWalk(Codecs.standard(), SelectorWalk.Limits.DEFAULT).walk(data, selector,
                cid -> Optional.empty(), (path, node, matched) -> visits.add(MapNode.of(Map.of(
                        "path", Node.of(path), "node", describe(node), "matched", Node.of(matched)))));
        List<Node> expected = new ArrayList<>(f.expect().lines().filter(l -> !l.isBlank()).map(SelectorFixturesTest::json).toList());
        if (f.name().endsWith(":explore-fields")) {
            // The one known difference: data-model maps here keep the canonical (DAG-CBOR) key
            // order, so a selector parsed from dag-json names "bar" before "foo"; go-ipld-prime
            // keeps the text's order. Over GraphSync, selectors travel as DAG-CBOR, whose key order
            // is canonical on both sides, so the walks agree there.
            expected.add(1, expected.remove(2));
        }
        assertEquals(expected, visits);
        assertEquals(selector, SelectorParser.parse(selector.toNode()), "the selector round-trips through the data model");
    }

    /** The fixtures' form of a node: its kind, and its value for scalars (null for maps and lists). */
    private static Node describe(Node node) {
        return switch (node) {
            case MapNode m -> MapNode.of("map", Node.ofNull());
            case ListNode l -> MapNode.of("list", Node.ofNull());
            case StringNode s -> MapNode.of("string", s);
            case BoolNode b -> MapNode.of("bool", b);
            case IntNode i -> MapNode.of("int", i);
            case NullNode n -> MapNode.of("null", n);
            case BytesNode b -> MapNode.of("bytes", b);
            default -> MapNode.of(node.kind().label(), node);
        };
    }

    private static Node json(String text) {
        return DagJson.DEFAULT.decode(text.strip().getBytes(StandardCharsets.UTF_8));
    }
}
