package io.p2pkit.ipfs.path;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpfsPathTest {
    private static final String CID = "bafyreibs4utpgbn7uqegmd2goqz4bkyflre2ek2iwv743fhvylwi4zeeim";

    @Test
    void parsesTheThreeForms() {
        IpfsPath p = IpfsPath.parse("/ipfs/" + CID + "/foo/ą ę/0");
        assertEquals(IpfsPath.Namespace.IPFS, p.namespace());
        assertEquals(Cid.parse(CID), p.root());
        assertEquals(List.of("foo", "ą ę", "0"), p.segments());
        assertEquals("/ipfs/" + CID + "/foo/ą ę/0", p.toString());
        assertEquals(p, IpfsPath.parse(CID + "/foo/ą ę/0"));
        assertEquals(IpfsPath.Namespace.IPLD, IpfsPath.parse("/ipld/" + CID + "/a").namespace());
        assertEquals(IpfsPath.of(Cid.parse(CID)), IpfsPath.parse("/ipfs/" + CID + "/"));
        assertEquals(IpfsPath.of(Cid.parse(CID), "a", "b"), IpfsPath.parse("/ipfs/" + CID + "//a//b/"));
        assertEquals(IpfsPath.of(Cid.parse(CID), "a", "b"), IpfsPath.of(Cid.parse(CID), "a").resolve("b"));
        Cid v0 = Cid.parse("QmNX6Tffavsya4xgBi2VJQnSuqy9GsxongxZZ9uZBqp16d");
        assertEquals("/ipfs/QmNX6Tffavsya4xgBi2VJQnSuqy9GsxongxZZ9uZBqp16d/x", IpfsPath.parse(v0 + "/x").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "//", "/ipfs", "/ipfs/", "/ipns/example.com", "/foo/" + CID, "/ipfs/notacid",
            "/ipfs/" + CID + "/a/../b", "/ipfs/" + CID + "/.", "ipfs/" + CID, " /ipfs/" + CID})
    void refusesWhatIsNotAContentPath(String text) {
        DecodeException e = assertThrows(DecodeException.class, () -> IpfsPath.parse(text));
        assertEquals("path", e.field());
    }

    @Test
    void refusesOverlongText() {
        String longPath = "/ipfs/" + CID + "/" + "a/".repeat(IpfsPath.MAX_LENGTH / 2);
        DecodeException e = assertThrows(DecodeException.class, () -> IpfsPath.parse(longPath));
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IpfsPath.of(Cid.parse(CID), "a/b"));
        assertThrows(IllegalArgumentException.class, () -> IpfsPath.of(Cid.parse(CID), ""));
    }
}
