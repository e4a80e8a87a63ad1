package io.p2pkit.ipfs.path;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.car.CarFile;
import io.p2pkit.ipfs.ipld.BytesNode;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.path.PathResolutionException.Reason;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Paths through the gateway-conformance DAG fixtures, read straight from their CARs. */
class PathResolverTest {
    private static final String DAG = "ipfs-gateway-conformance/fixtures/path_gateway_dag/";
    private static final String CBOR_ROOT = "bafyreibs4utpgbn7uqegmd2goqz4bkyflre2ek2iwv743fhvylwi4zeeim";
    private static final String CBOR_MIDDLE = "bafyreig5alecq2l2akgajxywgnv22kuxh6xcagsnelepylqovt4t5jxt6u";
    private static final String CBOR_LEAF = "bafyreiaefvpp22slf5bzd4lqgzwbztqahwlldtqkpgmlhv7mh23pudle7y";
    private static final String JSON_ROOT = "baguqeeram5ujjqrwheyaty3w5gdsmoz6vittchvhk723jjqxk7hakxkd47xq";
    private static final String JSON_LEAF = "baguqeerabz2ohuxlrfgan3sxrgsfeyi5woxikwoiun5i5cesn2zgp3evmy4q";
    private static final String PB_ROOT = "bafybeiegxwlgmoh2cny7qlolykdf7aq7g6dlommarldrbm7c4hbckhfcke";
    private static final String PB_FOO = "bafybeidryarwh34ygbtyypbu7qjkl4euiwxby6cql6uvosonohkq2kwnkm";
    private static final String PB_BAR_TXT = "bafkreigzafgemjeejks3vqyuo46ww2e22rt7utq5djikdofjtvnjl5zp6u";

    private static CarFile cbor;
    private static CarFile json;
    private static CarFile pb;
    private static CarFile unixfs;

    @BeforeAll
    static void open() throws IOException {
        cbor = CarFile.open(Vectors.path(DAG + "dag-cbor-traversal.car"));
        json = CarFile.open(Vectors.path(DAG + "dag-json-traversal.car"));
        pb = CarFile.open(Vectors.path(DAG + "dag-pb.car"));
        unixfs = CarFile.open(Vectors.path(DAG + "gateway-json-cbor.car"));
    }

    @AfterAll
    static void close() throws IOException {
        for (CarFile f : List.of(cbor, json, pb, unixfs)) {
            f.close();
        }
    }

    private static ResolvedPath resolve(BlockSource source, String path) throws IOException {
        return new PathResolver(source).resolve(IpfsPath.parse(path));
    }

    private static PathResolutionException fails(BlockSource source, String path) {
        return assertThrows(PathResolutionException.class, () -> resolve(source, path));
    }

    @Test
    void walksDagCborMapsAndCrossesLinks() throws IOException {
        ResolvedPath r = resolve(cbor, "/ipfs/" + CBOR_ROOT + "/foo/object/banana");
        assertEquals(IntNode.of(10), r.node());
        assertEquals(Cid.parse(CBOR_ROOT), r.cid());
        assertEquals(List.of("foo", "object", "banana"), r.remainder());

        r = resolve(cbor, "/ipfs/" + CBOR_ROOT + "/foo/link");
        assertEquals(new Link(Cid.parse(CBOR_MIDDLE)), r.node());
        assertEquals(Cid.parse(CBOR_MIDDLE), r.cid());
        assertEquals(List.of(), r.remainder());

        r = resolve(cbor, "/ipfs/" + CBOR_ROOT + "/foo/link/bar/hello");
        assertEquals(Node.of("this is not a link"), r.node());
        assertEquals(Cid.parse(CBOR_LEAF), r.cid());
        assertEquals(List.of("hello"), r.remainder());

        r = resolve(cbor, "/ipfs/" + CBOR_ROOT);
        assertEquals(Cid.parse(CBOR_ROOT), r.cid());
        assertTrue(r.node() instanceof io.p2pkit.ipfs.ipld.MapNode);
    }

    @Test
    void walksDagJsonTheSameWay() throws IOException {
        ResolvedPath r = resolve(json, "/ipld/" + JSON_ROOT + "/foo/link/bar/hello");
        assertEquals(Node.of("this is not a link"), r.node());
        assertEquals(Cid.parse(JSON_LEAF), r.cid());
        assertEquals(Node.of(false), resolve(json, JSON_ROOT + "/foo/object/monkey").node());
    }

    @Test
    void namesTheSegmentThatFailsAndWhy() {
        PathResolutionException e = fails(cbor, "/ipfs/" + CBOR_ROOT + "/foo/missing/x");
        assertEquals(Reason.NO_SUCH_KEY, e.reason());
        assertEquals(1, e.segmentIndex());
        assertEquals("missing", e.segment());
        assertTrue(e.getMessage().contains("segment 1 \"missing\": no key \"missing\""), e.getMessage());

        e = fails(cbor, "/ipfs/" + CBOR_ROOT + "/foo/object/banana/peel");
        assertEquals(Reason.NOT_A_CONTAINER, e.reason());
        assertEquals(3, e.segmentIndex());
        assertTrue(e.getMessage().contains("integer"), e.getMessage());

        e = fails(pb, "/ipld/" + PB_ROOT + "/Links/7");
        assertEquals(Reason.NO_SUCH_INDEX, e.reason());
        e = fails(pb, "/ipld/" + PB_ROOT + "/Links/01");
        assertEquals(Reason.NO_SUCH_INDEX, e.reason());
        e = fails(pb, "/ipld/" + PB_ROOT + "/Links/first");
        assertEquals(Reason.NO_SUCH_INDEX, e.reason());
    }

    @Test
    void ipfsPathsFollowDagPbNamesAndIpldPathsTheDataModel() throws IOException {
        ResolvedPath r = resolve(pb, "/ipfs/" + PB_ROOT + "/foo/bar.txt");
        assertEquals(Cid.parse(PB_BAR_TXT), r.cid());
        assertEquals(new Link(Cid.parse(PB_BAR_TXT)), r.node());

        r = resolve(pb, "/ipld/" + PB_ROOT + "/Links/0/Hash");
        assertEquals(Cid.parse(PB_FOO), r.cid());
        r = resolve(pb, "/ipld/" + PB_ROOT + "/Links/0/Name");
        assertEquals(Node.of("foo"), r.node());
        assertEquals(List.of("Links", "0", "Name"), r.remainder());
        r = resolve(pb, "/ipld/" + PB_ROOT + "/Links/0/Hash/Links/0/Hash/");
        assertEquals(Cid.parse(PB_BAR_TXT), r.cid());

        PathResolutionException e = fails(pb, "/ipfs/" + PB_ROOT + "/Links");
        assertEquals(Reason.NO_SUCH_LINK, e.reason());
        assertEquals(0, e.segmentIndex());
        e = fails(pb, "/ipfs/" + PB_ROOT + "/foo/bar.txt/more");
        assertEquals(Reason.NOT_A_CONTAINER, e.reason());
        assertEquals(2, e.segmentIndex());
        assertTrue(e.getMessage().contains("bytes"), e.getMessage());

        BytesNode file = (BytesNode) resolve(pb, "/ipfs/" + PB_BAR_TXT).node();
        assertArrayEquals("Hello, world!\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), file.toByteArray());
    }

    /** The UnixFS names of the gateway-json-cbor fixture, with the CIDs its README gives. */
    @Test
    void resolvesUnicodeNamesThroughAKuboDirectory() throws IOException {
        String dir = "bafybeiafyvqlazbbbtjnn6how5d6h6l6rxbqc4qgpbmteaiskjrffmyy4a";
        assertEquals(Cid.parse("bafkreibrppizs3g7axs2jdlnjua6vgpmltv7k72l7v7sa6mmht6mne3qqe"),
                resolve(unixfs, "/ipfs/" + dir + "/ą/ę/t.json").cid());
        assertEquals(Cid.parse("bafkreialihlqnf5uwo4byh4n3cmwlntwqzxxs2fg5vanqdi3d7tb2l5xkm"),
                resolve(unixfs, "/ipfs/" + dir + "/ą/ę/file-źł.txt").cid());
    }

    @Test
    void aMissingBlockIsNamedWithTheSegmentThatNeededIt() {
        Cid foo = Cid.parse(PB_FOO);
        BlockSource withoutFoo = cid -> cid.multihash().equals(foo.multihash()) ? Optional.empty() : pb.get(cid);
        PathResolutionException e = fails(withoutFoo, "/ipfs/" + PB_ROOT + "/foo/bar.txt");
        assertEquals(Reason.BLOCK_NOT_FOUND, e.reason());
        assertEquals(1, e.segmentIndex());
        assertTrue(e.getMessage().contains(PB_FOO + " not found"), e.getMessage());
        // Ending on the link needs no fetch of its target.
        assertDoesNotThrow(() -> resolve(withoutFoo, "/ipfs/" + PB_ROOT + "/foo"));

        e = fails(cid -> Optional.empty(), "/ipfs/" + PB_ROOT + "/foo");
        assertEquals(-1, e.segmentIndex());
        assertTrue(e.getMessage().contains("root " + PB_ROOT), e.getMessage());
    }

    @Test
    void identityCidsNeedNoSource() throws IOException {
        ResolvedPath r = resolve(cid -> Optional.empty(), "/ipfs/bafkqabiaaebagba");
        assertEquals(BytesNode.of(new byte[] {0, 1, 2, 3, 4}), r.node());
    }

    @Test
    void unsupportedCodecsAndMalformedBlocksAreNamed() throws IOException {
        try (CarFile plain = CarFile.open(Vectors.path(DAG + "plain-cbor.car"))) {
            Cid root = plain.roots().get(0);
            PathResolutionException e = fails(plain, "/ipfs/" + root + "/a");
            assertEquals(Reason.UNSUPPORTED_CODEC, e.reason());
        }
        Cid bad = Block.create(io.p2pkit.core.multiformats.Multicodec.DAG_CBOR, io.p2pkit.core.multiformats.Multicodec.SHA2_256,
                new byte[] {(byte) 0xa1}).cid();
        BlockSource source = cid -> Optional.of(Block.of(bad, new byte[] {(byte) 0xa1}));
        PathResolutionException e = fails(source, "/ipfs/" + bad + "/a");
        assertEquals(Reason.MALFORMED_BLOCK, e.reason());
        assertTrue(e.getCause() instanceof io.p2pkit.core.DecodeException);
    }

    private static void assertDoesNotThrow(org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(e);
    }
}
