package io.p2pkit.node.exchange;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.mfs.Mfs;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The keys each of Kubo's {@code Provide.Strategy} values announces: pins, the MFS tree, or both. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ReprovideStrategyTest {
    @TempDir
    Path dir;

    private static Set<Multihash> keys(Repository repo, ReprovideStrategy strategy) throws Exception {
        try (Stream<Multihash> s = new Reprovider((io.p2pkit.kad.KadDht) null, repo, Codecs.standard(), strategy).keys()) {
            return s.collect(Collectors.toSet());
        }
    }

    private static Set<Multihash> hashes(Cid... cids) {
        Set<Multihash> out = new HashSet<>();
        for (Cid c : cids) {
            out.add(c.multihash());
        }
        return out;
    }

    @Test
    void mfsAnnouncesTheTreeAndPinnedPlusMfsBoth() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        try (Repository repo = Repository.open(dir, OpenOptions.of(Codecs.standard()))) {
            Cid pinned = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(repo.blocks()))
                    .importStream(new ByteArrayInputStream("pinned\n".getBytes()), "").root();
            repo.pinner().pin(pinned, PinType.RECURSIVE, "");
            Cid loose = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(repo.blocks()))
                    .importStream(new ByteArrayInputStream("neither\n".getBytes()), "").root();
            Mfs mfs = repo.mfs();
            mfs.mkdir("/d", false, null);
            mfs.write("/d/f", new ByteArrayInputStream("in the mfs\n".getBytes()), new Mfs.WriteOptions(0, -1, true, false, false, null, null));
            Cid file = mfs.lookup("/d/f");
            Set<Multihash> tree = new HashSet<>(hashes(mfs.root(), mfs.lookup("/d"), file));
            for (var link : PBNode.decode(repo.blocks().get(file).orElseThrow().data()).links()) {
                tree.add(link.hash().multihash()); // the file's leaf
            }
            assertEquals(4, tree.size());

            assertEquals(tree, keys(repo, ReprovideStrategy.MFS));
            Set<Multihash> both = new HashSet<>(tree);
            both.add(pinned.multihash());
            assertEquals(both, keys(repo, ReprovideStrategy.PINNED_MFS));
            assertEquals(hashes(pinned), keys(repo, ReprovideStrategy.PINNED));
            assertTrue(keys(repo, ReprovideStrategy.ALL).containsAll(both));
            assertTrue(keys(repo, ReprovideStrategy.ALL).contains(loose.multihash()));
        }
    }

    @Test
    void kubosNames() {
        for (String name : List.of("all", "pinned", "roots", "mfs", "pinned+mfs", "none")) {
            assertEquals(name, ReprovideStrategy.parse(name).kuboName());
        }
        assertEquals("the reprovider strategy is all, pinned, roots, mfs, pinned+mfs or none, not 'flat+'",
                assertThrows(IllegalArgumentException.class, () -> ReprovideStrategy.parse("flat+")).getMessage());
    }
}
