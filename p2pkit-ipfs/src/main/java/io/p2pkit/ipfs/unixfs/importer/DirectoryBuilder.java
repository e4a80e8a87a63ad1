package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Varint;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.pb.Mtime;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects a directory's entries and writes it as one basic directory node, or as a HAMT when the
 * options' size estimate passes the threshold (or the link count passes
 * {@link ImportOptions#maxDirectoryLinks()}). Entries only ever join, so deciding at the end gives
 * what Kubo's directory, which switches while entries are added, ends with.
 */
final class DirectoryBuilder {
    /** The most entries one directory may have; past it the import fails rather than exhaust memory. */
    static final int MAX_ENTRIES = 1 << 24;

    private final ImportOptions options;
    private final BlockWriter writer;
    private final Integer mode;
    private final Mtime mtime;
    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private long linksEstimate;
    private long blockEstimate;

    /** An entry: its name (and UTF-8 bytes) and what it links to. */
    record Entry(String name, byte[] nameBytes, Cid cid, long tsize) {
    }

    DirectoryBuilder(ImportOptions options, BlockWriter writer, Integer mode, Mtime mtime) {
        this.options = options;
        this.writer = writer;
        this.mode = mode;
        this.mtime = mtime;
    }

    /** Adds an entry; a name may appear once. */
    void add(String name, Child child) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("directory entry \"" + name + "\" appears twice");
        }
        if (entries.size() >= MAX_ENTRIES) {
            throw new IllegalStateException("a directory may hold at most " + MAX_ENTRIES + " entries");
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        Entry e = new Entry(name, nameBytes, child.cid(), child.tsize());
        entries.add(e);
        int cidLength = child.cid().bytes().length;
        linksEstimate += nameBytes.length + cidLength;
        int inner = 1 + Varint.size(cidLength) + cidLength + 1 + Varint.size(nameBytes.length) + nameBytes.length
                + 1 + Varint.size(child.tsize());
        blockEstimate += 1 + Varint.size(inner) + inner;
    }

    /** @return how many entries there are */
    int size() {
        return entries.size();
    }

    private boolean overThreshold(long estimate) {
        return options.hamtThreshold() > 0 && options.hamtSwitch().shards(estimate, options.hamtThreshold());
    }

    /** @return the finished directory (a basic node or the root shard) */
    Child finish() throws IOException {
        byte[] data = UnixfsData.directory().withMode(mode).withMtime(mtime).encode();
        boolean bySize = switch (options.hamtSizeEstimation()) {
            case LINKS -> overThreshold(linksEstimate);
            case BLOCK -> overThreshold(blockEstimate + 1 + Varint.size(data.length) + data.length);
            case DISABLED -> false;
        };
        boolean byCount = options.maxDirectoryLinks() > 0 && entries.size() > options.maxDirectoryLinks();
        if (bySize || byCount) {
            return HamtBuilder.build(entries, options.hamtFanout(), writer);
        }
        entries.sort((a, b) -> Arrays.compareUnsigned(a.nameBytes(), b.nameBytes()));
        List<PBLink> links = new ArrayList<>(entries.size());
        long tsize = 0;
        for (Entry e : entries) {
            links.add(PBLink.of(e.cid(), e.name(), e.tsize()));
            tsize += e.tsize();
        }
        byte[] block = PBNode.of(data, links).encode();
        return new Child(writer.dagPb(block), block.length + tsize, 0);
    }
}
