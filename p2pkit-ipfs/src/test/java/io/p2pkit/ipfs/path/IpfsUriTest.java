package io.p2pkit.ipfs.path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Native IPFS URIs read as content paths; the cases are boxo's ({@code path/uri_test.go}). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class IpfsUriTest {
    private static final String V1 = "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
    private static final String V0 = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n";

    @Test
    void uriFormsBecomeTheirContentPaths() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("ipfs://" + V1, "/ipfs/" + V1),
                Map.entry("ipfs://" + V1 + "/a/b", "/ipfs/" + V1 + "/a/b"),
                Map.entry("ipfs://" + V0, "/ipfs/" + V0), // base58 is case-sensitive: kept as it is
                Map.entry("ipns://" + V1, "/ipns/" + V1),
                Map.entry("ipns://docs.ipfs.tech/concepts", "/ipns/docs.ipfs.tech/concepts"),
                Map.entry("ipld://" + V1 + "/a", "/ipld/" + V1 + "/a"),
                Map.entry("ipfs:bafkqaaa", "/ipfs/bafkqaaa"),
                Map.entry("ipns:docs.ipfs.tech", "/ipns/docs.ipfs.tech"),
                Map.entry("ipld:bafkqaaa", "/ipld/bafkqaaa"),
                Map.entry("IPFS://bafkqaaa", "/ipfs/bafkqaaa"),
                Map.entry("IpNs://docs.ipfs.tech", "/ipns/docs.ipfs.tech"),
                Map.entry("ipfs://bafkqaaa/", "/ipfs/bafkqaaa/"),
                Map.entry("/ipfs/bafkqaaa", "/ipfs/bafkqaaa"),
                Map.entry("/ipns/docs.ipfs.tech", "/ipns/docs.ipfs.tech"));
        cases.forEach((uri, path) -> assertEquals(path, IpfsUri.toPath(uri), uri));
        assertTrue(IpfsUri.isUri("ipfs:bafkqaaa"));
        assertEquals(IpfsPath.parse("/ipfs/" + V1 + "/a/b"), IpfsPath.parse(IpfsUri.toPath("ipfs://" + V1 + "/a/b")));
    }

    @Test
    void textThatOnlyLooksLikeAUriStaysAsItIs() {
        for (String text : List.of("ipfsfile", "ipns-notes.txt", "ipfsbar:baz", "ipns", "/ipfs/bafkqaaa", V1,
                "ıpfs://bafkqaaa")) { // a dotless ı folds to I in Java's case-insensitive match, not in ASCII
            assertEquals(text, IpfsUri.toPath(text), text);
            assertFalse(IpfsUri.isUri(text), text);
        }
    }

    @Test
    void aUriWithNothingAfterItsSchemeIsNoPath() {
        for (String uri : List.of("ipfs:", "ipfs://", "IPFS://", "ipld:")) {
            assertThrows(io.p2pkit.core.DecodeException.class, () -> IpfsPath.parse(IpfsUri.toPath(uri)), uri);
        }
        assertThrows(io.p2pkit.core.DecodeException.class, () -> IpfsPath.parse(IpfsUri.toPath("ipfs://notacid")));
    }
}
