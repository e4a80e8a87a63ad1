/**
 * The IPFS content layer: blocks and where they come from ({@code io.p2pkit.ipfs.block}), the IPLD
 * data model, codecs and paths ({@code ipld}, {@code codec…}, {@code path}), CAR files
 * ({@code car}), blockstores and their tiers ({@code blockstore}), pins and garbage collection
 * ({@code pin}), the block exchange ({@code bitswap}), the repository on disk ({@code repo}), and UnixFS files and directories: import,
 * export, chunkers, HAMT shards and the Data message ({@code unixfs…}).
 */
module io.p2pkit.ipfs {
    requires transitive io.p2pkit.core;
    requires com.h2database.mvstore;    // the repository's metadata (pins, heat)
    requires jdk.unsupported;           // O_DIRECT (com.sun.nio.file.ExtendedOpenOption) for synced block files
    requires java.net.http;             // Bitswap's HTTP retrieval from Trustless Gateways

    exports io.p2pkit.ipfs.bitswap;
    exports io.p2pkit.ipfs.block;
    exports io.p2pkit.ipfs.blockstore;
    exports io.p2pkit.ipfs.car;
    exports io.p2pkit.ipfs.codec;
    exports io.p2pkit.ipfs.codec.dagcbor;
    exports io.p2pkit.ipfs.codec.dagjson;
    exports io.p2pkit.ipfs.codec.dagpb;
    exports io.p2pkit.ipfs.codec.identity;
    exports io.p2pkit.ipfs.codec.raw;
    exports io.p2pkit.ipfs.filestore;
    exports io.p2pkit.ipfs.graphsync;
    exports io.p2pkit.ipfs.ipld;
    exports io.p2pkit.ipfs.mfs;
    exports io.p2pkit.ipfs.path;
    exports io.p2pkit.ipfs.pin;
    exports io.p2pkit.ipfs.repo;
    exports io.p2pkit.ipfs.selector;
    exports io.p2pkit.ipfs.unixfs;
    exports io.p2pkit.ipfs.unixfs.chunker;
    exports io.p2pkit.ipfs.unixfs.exporter;
    exports io.p2pkit.ipfs.unixfs.hamt;
    exports io.p2pkit.ipfs.unixfs.importer;
    exports io.p2pkit.ipfs.unixfs.pb;
}
