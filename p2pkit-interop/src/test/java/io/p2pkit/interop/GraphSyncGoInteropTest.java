package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.graphsync.GraphSync;
import io.p2pkit.ipfs.graphsync.GraphSyncConfig;
import io.p2pkit.ipfs.graphsync.RequestControl;
import io.p2pkit.ipfs.graphsync.ResponderHook;
import io.p2pkit.ipfs.blockstore.Blockstore;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.testing.Await;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.OptionalInt;
import io.p2pkit.ipfs.graphsync.ResponseStatus;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.selector.Selector;
import io.p2pkit.ipfs.selector.SelectorWalk;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * p2pkit's GraphSync 2.0 against go-graphsync v0.18.1 (peers/go-graphsync, its own Go module) on
 * loopback, both ways: a 3 MiB UnixFS file and a dag-cbor DAG (one leaf linked twice) with the
 * explore-all selector, the dag-cbor DAG with a depth-limited one, and the DAG with a leaf the
 * serving side lacks (status 21, the link named missing). The blocks each side ends up with must be exactly
 * those the selector reaches, byte for byte, and the file must read back whole. Then the
 * {@code graphsync/do-not-send-cids} extension both ways: a requester that has the root and every
 * other leaf of the file names them, and the responder sends only the rest. Last, p2pkit pauses a
 * request to go-graphsync after two blocks and resumes it: go honours do-not-send-first-blocks.
 * A UnixFS path selector ({@code ~} as {@code unixfs}, the go peer registering go-unixfsnode's
 * reifiers) through a basic directory and a HAMT, both ways: only the path's blocks and the named
 * file's come, the same on both sides.
 * The responder's pause both ways (p2pkit's hook pauses go's request, which waits for the unpause;
 * go's outgoing-block hook pauses p2pkit's, whose update unpauses it) and
 * {@code graphsync/dedup-by-key} both ways (go sends it through a persistence option).
 */
@InteropArea("GraphSync with go-graphsync")
class GraphSyncGoInteropTest {
    private static final Duration STEP = Duration.ofSeconds(60);

    private static Path goGraphsync() {
        return Toolchains.requireBuilt(Implementation.GO, "go-graphsync").resolve("peer");
    }

    /** The content of a case: its blocks, root and selector. */
    private record Content(List<Block> blocks, Cid root, Selector selector, byte[] file, List<Cid> missing) {
    }

    private static Content content(String dag) throws IOException {
        switch (dag) {
            case "unixfs" -> {
                byte[] data = new byte[3 * 1024 * 1024 + 5];
                new Random(23).nextBytes(data);
                List<Block> blocks = new ArrayList<>();
                Cid root = new Importer(ImportOptions.UNIXFS_V0_2015, blocks::add)
                        .importStream(new ByteArrayInputStream(data), "").root();
                return new Content(List.copyOf(new LinkedHashSet<>(blocks)), root, Selector.exploreAll(), data, List.of());
            }
            case "cbor", "cbor-depth", "cbor-missing" -> {
                // three levels of maps, each linking two children, leaves raw; the last leaf is the
                // first again, so the walk reaches one block twice (sent once, then named present)
                Codecs codecs = Codecs.standard();
                List<Block> level = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    level.add(Block.create(Multicodec.RAW, Multicodec.SHA2_256, ("leaf " + i % 3).getBytes(StandardCharsets.UTF_8)));
                }
                List<Block> all = new ArrayList<>(new LinkedHashSet<>(level));
                while (level.size() > 1) {
                    List<Block> up = new ArrayList<>();
                    for (int i = 0; i < level.size(); i += 2) {
                        up.add(codecs.encode(Multicodec.DAG_CBOR, MapNode.of("left", Node.of(level.get(i).cid()),
                                "right", Node.of(level.get(i + 1).cid()))));
                    }
                    all.addAll(up);
                    level = up;
                }
                // root (1) -> left/right links (2) -> their maps; depth 2 reaches the root and its two children
                Selector selector = dag.equals("cbor-depth") ? Selector.depthLimited(2) : Selector.exploreAll();
                if (dag.equals("cbor-missing")) {
                    // the serving side lacks "leaf 1": the answer is 21 with the link named missing
                    Block gone = all.get(1);
                    return new Content(all.stream().filter(b -> !b.equals(gone)).toList(), level.getFirst().cid(), selector,
                            null, List.of(gone.cid()));
                }
                return new Content(all, level.getFirst().cid(), selector, null, List.of());
            }
            case "path", "hamt-path" -> {
                // docs/{a,b,c}.bin (three blocks each) and big/, a HAMT of 300 files (fanout 16); the
                // unixfs path selector names one file: only the path's blocks and that file's come
                Path dir = Files.createTempDirectory("p2pkit-graphsync-path");
                try {
                    Path top = dir.resolve("top");
                    Files.createDirectories(top.resolve("docs"));
                    Files.createDirectories(top.resolve("big"));
                    Random random = new Random(59);
                    for (String name : List.of("a.bin", "b.bin", "c.bin")) {
                        byte[] data = new byte[300_000];
                        random.nextBytes(data);
                        Files.write(top.resolve("docs").resolve(name), data);
                    }
                    for (int i = 0; i < 300; i++) {
                        Files.writeString(top.resolve("big").resolve("f" + i), "file " + i);
                    }
                    List<Block> blocks = new ArrayList<>();
                    Cid root = new Importer(ImportOptions.builder().hamtThreshold(1000).hamtFanout(16).build(), blocks::add)
                            .importPath(top).root();
                    List<String> path = dag.equals("path") ? List.of("docs", "a.bin") : List.of("big", "f123");
                    return new Content(List.copyOf(new LinkedHashSet<>(blocks)), root,
                            Selector.unixfsPath(path, Selector.exploreAll()), null, List.of());
                } finally {
                    try (Stream<Path> walk = Files.walk(dir)) {
                        for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.delete(f);
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException(dag);
        }
    }

    /** The blocks the selector reaches from the root, as this node walks it, by CID. */
    private static Map<Cid, byte[]> expected(Content c) throws Exception {
        MemoryBlockstore store = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        store.putMany(c.blocks());
        Map<Cid, byte[]> out = new HashMap<>();
        SelectorWalk.Result r = new SelectorWalk(Codecs.standard(), SelectorWalk.Limits.DEFAULT)
                .walk(c.root(), c.selector(), store::get, SelectorWalk.Visitor.NONE);
        for (Cid cid : new LinkedHashSet<>(r.blocks())) {
            out.put(cid, store.get(cid).orElseThrow().data());
        }
        assertEquals(c.missing(), r.missing());
        return out;
    }

    private static String selectorJson(Selector s) {
        return new String(io.p2pkit.ipfs.codec.dagjson.DagJson.DEFAULT.encode(s.toNode()), StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "go-graphsync requests a {0} DAG from p2pkit")
    @CsvSource({"unixfs", "cbor", "cbor-depth", "cbor-missing", "path", "hamt-path"})
    void goRequestsFromP2pkit(String dag, @TempDir Path out) throws Exception {
        Content c = content(dag);
        Map<Cid, byte[]> expected = expected(c);
        Path program = goGraphsync();
        try (Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").agentVersion("p2pkit/interop").build()) {
            MemoryBlockstore store = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
            store.putMany(c.blocks());
            GraphSync gs = GraphSync.attach(host, store, GraphSyncConfig.defaults());
            String addr = host.addresses().getFirst().encapsulate("/p2p/" + host.peerId()).toString();
            try (PeerProcess go = PeerProcess.startProgram(Implementation.GO, List.of(program.toString(),
                    "--request", addr, "--root", c.root().toString(), "--selector", selectorJson(c.selector()),
                    "--out", out.toString()))) {
                PeerEvent done = go.awaitEvent("done", STEP);
                if (c.missing().isEmpty()) {
                    assertEquals(List.of(), done.strings("errors"), "go-graphsync reported errors; stderr: " + go.stderrTail());
                } else {
                    // go reports each missing link as an error of the request, which still completes (21)
                    List<String> errors = done.strings("errors");
                    assertEquals(1, errors.size(), errors.toString());
                    assertTrue(errors.getFirst().contains("missing block (" + c.missing().getFirst() + ")"), errors.toString());
                }
                assertEquals(expected.size(), done.number("blocks").intValue());
                go.closeStdin();
            }
            Map<Cid, byte[]> got = new HashMap<>();
            try (Stream<Path> files = Files.list(out)) {
                for (Path f : files.toList()) {
                    got.put(Cid.parse(f.getFileName().toString()), Files.readAllBytes(f));
                }
            }
            assertEquals(expected.keySet(), got.keySet(), "go stored exactly the blocks the selector reaches");
            for (Map.Entry<Cid, byte[]> e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), got.get(e.getKey()), "bytes of " + e.getKey());
            }
            assertEquals(1, gs.stats().requestsServed());
        }
    }

    @ParameterizedTest(name = "p2pkit requests a {0} DAG from go-graphsync")
    @CsvSource({"unixfs", "cbor", "cbor-depth", "cbor-missing", "path", "hamt-path"})
    void p2pkitRequestsFromGo(String dag, @TempDir Path blocks) throws Exception {
        Content c = content(dag);
        Map<Cid, byte[]> expected = expected(c);
        for (Block b : c.blocks()) {
            Files.write(blocks.resolve(b.cid().toString()), b.data());
        }
        Path program = goGraphsync();
        try (Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").agentVersion("p2pkit/interop").build();
             PeerProcess go = PeerProcess.startProgram(Implementation.GO, List.of(program.toString(),
                     "--blocks", blocks.toString()))) {
            PeerEvent ready = go.awaitEvent("ready", STEP);
            PeerId goId = PeerId.parse(ready.string("peerId"));
            host.connect(new PeerInfo(goId, ready.strings("addrs").stream().map(Multiaddr::parse).toList()));
            MemoryBlockstore store = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
            GraphSync gs = GraphSync.attach(host, store, GraphSyncConfig.defaults());

            GraphSync.Result r = gs.request(goId, c.root(), c.selector(), STEP);

            assertEquals(c.missing().isEmpty() ? ResponseStatus.REQUEST_COMPLETED_FULL : ResponseStatus.REQUEST_COMPLETED_PARTIAL,
                    r.status(), "stderr: " + go.stderrTail());
            assertEquals(c.missing(), r.missing());
            assertEquals(expected.size(), r.blocks());
            assertEquals(expected.size(), store.count());
            for (Map.Entry<Cid, byte[]> e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), store.get(e.getKey()).orElseThrow().data(), "bytes of " + e.getKey());
            }
            if (c.file() != null) {
                try (InputStream in = new Exporter(store).read(c.root())) {
                    assertArrayEquals(c.file(), in.readAllBytes());
                }
            }
            if (dag.equals("cbor-depth") || dag.endsWith("path")) {
                assertFalse(expected.size() == c.blocks().size(), "the depth limit or the path left blocks out");
            }
            assertEquals(0, gs.stats().outsideSelection());
            go.closeStdin();
        }
    }

    /** The UnixFS case's root and every other block after it: what a requester "already has". */
    private static List<Block> half(Content c) {
        List<Block> have = new ArrayList<>();
        for (Block b : c.blocks()) {
            if (b.cid().equals(c.root()) || c.blocks().indexOf(b) % 2 == 1) {
                have.add(b);
            }
        }
        return have;
    }

    @Test
    void goAsksP2pkitNotToSendWhatItHas(@TempDir Path have, @TempDir Path out) throws Exception {
        Content c = content("unixfs");
        Map<Cid, byte[]> expected = expected(c);
        List<Block> half = half(c);
        for (Block b : half) {
            Files.write(have.resolve(b.cid().toString()), b.data());
        }
        try (Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").agentVersion("p2pkit/interop").build()) {
            MemoryBlockstore store = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
            store.putMany(c.blocks());
            GraphSync gs = GraphSync.attach(host, store, GraphSyncConfig.defaults());
            String addr = host.addresses().getFirst().encapsulate("/p2p/" + host.peerId()).toString();
            try (PeerProcess go = PeerProcess.startProgram(Implementation.GO, List.of(goGraphsync().toString(),
                    "--request", addr, "--root", c.root().toString(), "--selector", selectorJson(c.selector()),
                    "--blocks", have.toString(), "--out", out.toString(),
                    "--do-not-send", half.stream().map(b -> b.cid().toString()).collect(Collectors.joining(","))))) {
                PeerEvent done = go.awaitEvent("done", STEP);
                assertEquals(List.of(), done.strings("errors"), "go-graphsync reported errors; stderr: " + go.stderrTail());
                assertEquals(expected.size() - half.size(), done.number("blocks").intValue(), "go stored only what it lacked");
                go.closeStdin();
            }
            assertEquals(half.size(), gs.stats().blocksNotSent());
            assertEquals(expected.size() - half.size(), gs.stats().blocksSent());
            Set<Cid> got = new java.util.HashSet<>();
            try (Stream<Path> files = Files.list(out)) {
                for (Path f : files.toList()) {
                    Cid cid = Cid.parse(f.getFileName().toString());
                    assertArrayEquals(expected.get(cid), Files.readAllBytes(f), "bytes of " + cid);
                    got.add(cid);
                }
            }
            half.forEach(b -> got.add(b.cid()));
            assertEquals(expected.keySet(), got, "what go had and what it was sent make the whole file");
        }
    }

    @Test
    void p2pkitAsksGoNotToSendWhatItHas(@TempDir Path blocks) throws Exception {
        Content c = content("unixfs");
        Map<Cid, byte[]> expected = expected(c);
        for (Block b : c.blocks()) {
            Files.write(blocks.resolve(b.cid().toString()), b.data());
        }
        List<Block> half = half(c);
        try (Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").agentVersion("p2pkit/interop").build();
             PeerProcess go = PeerProcess.startProgram(Implementation.GO, List.of(goGraphsync().toString(),
                     "--blocks", blocks.toString()))) {
            PeerEvent ready = go.awaitEvent("ready", STEP);
            PeerId goId = PeerId.parse(ready.string("peerId"));
            host.connect(new PeerInfo(goId, ready.strings("addrs").stream().map(Multiaddr::parse).toList()));
            MemoryBlockstore store = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
            store.putMany(half);
            GraphSync gs = GraphSync.attach(host, store, GraphSyncConfig.defaults());

            // the plain request names the blocks of the selection the store has already
            GraphSync.Result r = gs.request(goId, c.root(), c.selector(), STEP);

            assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, r.status(), "stderr: " + go.stderrTail());
            assertEquals(expected.size() - half.size(), r.blocks(), "go sent only what p2pkit lacked");
            assertEquals(expected.size(), store.count());
            try (InputStream in = new Exporter(store).read(c.root())) {
                assertArrayEquals(c.file(), in.readAllBytes());
            }
            assertEquals(0, gs.stats().outsideSelection());
            go.closeStdin();
        }
    }

    /** A store that pauses a request once it holds {@code after} blocks. */
    private record PausingStore(MemoryBlockstore inner, RequestControl control, int after) implements Blockstore {
        @Override
        public Optional<Block> get(Cid cid) throws IOException {
            return inner.get(cid);
        }

        @Override
        public void put(Block block) throws IOException {
            inner.put(block);
            if (inner.count() == after) {
                control.pause();
            }
        }

        @Override
        public boolean has(Multihash key) throws IOException {
            return inner.has(key);
        }

        @Override
        public boolean delete(Multihash key) throws IOException {
            return inner.delete(key);
        }

        @Override
        public OptionalInt sizeOf(Multihash key) throws IOException {
            return inner.sizeOf(key);
        }

        @Override
        public Stream<Multihash> keys() throws IOException {
            return inner.keys();
        }

        @Override
        public long count() {
            return inner.count();
        }

        @Override
        public long totalSize() {
            return inner.totalSize();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void p2pkitPausesAndResumesARequestToGo(@TempDir Path blocks) throws Exception {
        Content c = content("unixfs");
        Map<Cid, byte[]> expected = expected(c);
        for (Block b : c.blocks()) {
            Files.write(blocks.resolve(b.cid().toString()), b.data());
        }
        try (Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").agentVersion("p2pkit/interop").build();
             PeerProcess go = PeerProcess.startProgram(Implementation.GO, List.of(goGraphsync().toString(),
                     "--blocks", blocks.toString()))) {
            PeerEvent ready = go.awaitEvent("ready", STEP);
            PeerId goId = PeerId.parse(ready.string("peerId"));
            host.connect(new PeerInfo(goId, ready.strings("addrs").stream().map(Multiaddr::parse).toList()));
            MemoryBlockstore store = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
            RequestControl control = new RequestControl();
            GraphSync gs = GraphSync.attach(host, new PausingStore(store, control, 2), GraphSyncConfig.defaults());

            CompletableFuture<GraphSync.Result> result = CompletableFuture.supplyAsync(() -> {
                try {
                    return gs.request(goId, c.root(), c.selector(), STEP, Set.of(), control);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until("the request stopped at the pause", control::isHeld);
            control.resume();
            GraphSync.Result r = result.get(60, TimeUnit.SECONDS);

            assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, r.status(), "stderr: " + go.stderrTail());
            assertEquals(1, control.pauses());
            assertEquals(expected.size(), r.blocks(), "each block stored once, none twice");
            try (InputStream in = new Exporter(store).read(c.root())) {
                assertArrayEquals(c.file(), in.readAllBytes());
            }
            assertEquals(0, gs.stats().outsideSelection());
            go.closeStdin();
        }
    }

    /** Blocks files of a case in a directory, one file per block named by its CID. */
    private static void writeBlocks(Content c, Path dir) throws IOException {
        for (Block b : c.blocks()) {
            Files.write(dir.resolve(b.cid().toString()), b.data());
        }
    }

    @Test
    void goRequestsWithADedupKeyFromP2pkit(@TempDir Path out) throws Exception {
        Content c = content("unixfs");
        Map<Cid, byte[]> expected = expected(c);
        try (Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").agentVersion("p2pkit/interop").build()) {
            MemoryBlockstore store = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
            store.putMany(c.blocks());
            GraphSync gs = GraphSync.attach(host, store, GraphSyncConfig.defaults());
            java.util.concurrent.atomic.AtomicReference<Node> key = new java.util.concurrent.atomic.AtomicReference<>();
            gs.responderHook(new ResponderHook() {
                @Override
                public boolean pauseBefore(Served request, Cid block, long blocks, long bytes) {
                    key.compareAndSet(null, request.extensions().get("graphsync/dedup-by-key"));
                    return false;
                }
            });
            String addr = host.addresses().getFirst().encapsulate("/p2p/" + host.peerId()).toString();
            try (PeerProcess go = PeerProcess.startProgram(Implementation.GO, List.of(goGraphsync().toString(),
                    "--request", addr, "--root", c.root().toString(), "--selector", selectorJson(c.selector()),
                    "--out", out.toString(), "--dedup-key", "p2pkit-interop"))) {
                PeerEvent done = go.awaitEvent("done", STEP);
                assertEquals(List.of(), done.strings("errors"), "go-graphsync reported errors; stderr: " + go.stderrTail());
                assertEquals(expected.size(), done.number("blocks").intValue());
                go.closeStdin();
            }
            assertEquals(Node.of("p2pkit-interop"), key.get(), "go's request carried graphsync/dedup-by-key as a string");
            try (Stream<Path> files = Files.list(out)) {
                for (Path f : files.toList()) {
                    Cid cid = Cid.parse(f.getFileName().toString());
                    assertArrayEquals(expected.get(cid), Files.readAllBytes(f), "bytes of " + cid);
                }
            }
        }
    }

    @Test
    void p2pkitRequestsWithADedupKeyFromGo(@TempDir Path blocks) throws Exception {
        Content c = content("unixfs");
        Map<Cid, byte[]> expected = expected(c);
        writeBlocks(c, blocks);
        try (Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").agentVersion("p2pkit/interop").build();
             PeerProcess go = PeerProcess.startProgram(Implementation.GO, List.of(goGraphsync().toString(),
                     "--blocks", blocks.toString()))) {
            PeerEvent ready = go.awaitEvent("ready", STEP);
            PeerId goId = PeerId.parse(ready.string("peerId"));
            host.connect(new PeerInfo(goId, ready.strings("addrs").stream().map(Multiaddr::parse).toList()));
            MemoryBlockstore store = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
            GraphSync gs = GraphSync.attach(host, store, GraphSyncConfig.defaults());

            GraphSync.Result r = gs.request(goId, c.root(), c.selector(), STEP, Set.of(), new RequestControl(), "p2pkit-interop");

            assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, r.status(), "stderr: " + go.stderrTail());
            assertEquals(expected.size(), r.blocks());
            try (InputStream in = new Exporter(store).read(c.root())) {
                assertArrayEquals(c.file(), in.readAllBytes());
            }
            go.closeStdin();
        }
    }

    /** p2pkit's responder pauses go's request after two blocks (status 15); go waits, and finishes once p2pkit unpauses. */
    @Test
    void goWaitsThroughAP2pkitResponderPause(@TempDir Path out) throws Exception {
        Content c = content("unixfs");
        Map<Cid, byte[]> expected = expected(c);
        try (Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").agentVersion("p2pkit/interop").build()) {
            MemoryBlockstore store = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
            store.putMany(c.blocks());
            GraphSync gs = GraphSync.attach(host, store, GraphSyncConfig.defaults());
            gs.responderHook(new ResponderHook() {
                @Override
                public boolean pauseBefore(Served request, Cid block, long blocks, long bytes) {
                    return blocks == 2;
                }
            });
            String addr = host.addresses().getFirst().encapsulate("/p2p/" + host.peerId()).toString();
            try (PeerProcess go = PeerProcess.startProgram(Implementation.GO, List.of(goGraphsync().toString(),
                    "--request", addr, "--root", c.root().toString(), "--selector", selectorJson(c.selector()),
                    "--out", out.toString()))) {
                Await.until("p2pkit paused go's request", () -> gs.pausedResponses().size() == 1, STEP);
                ResponderHook.Served paused = gs.pausedResponses().getFirst();
                assertTrue(gs.unpause(paused.peer(), paused.id()));
                PeerEvent done = go.awaitEvent("done", STEP);
                assertEquals(List.of(), done.strings("errors"), "go-graphsync reported errors; stderr: " + go.stderrTail());
                assertEquals(expected.size(), done.number("blocks").intValue(), "go stored every block once");
                go.closeStdin();
            }
            Await.until("every block sent once", () -> gs.stats().blocksSent() == expected.size(), STEP);
            try (Stream<Path> files = Files.list(out)) {
                for (Path f : files.toList()) {
                    Cid cid = Cid.parse(f.getFileName().toString());
                    assertArrayEquals(expected.get(cid), Files.readAllBytes(f), "bytes of " + cid);
                }
            }
        }
    }

    /** go-graphsync's responder pauses after two blocks (its outgoing-block hook); p2pkit's update unpauses it (its request-updated hook). */
    @Test
    void p2pkitUnpausesAGoResponderPauseWithAnUpdate(@TempDir Path blocks) throws Exception {
        Content c = content("unixfs");
        writeBlocks(c, blocks);
        try (Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").agentVersion("p2pkit/interop").build();
             PeerProcess go = PeerProcess.startProgram(Implementation.GO, List.of(goGraphsync().toString(),
                     "--blocks", blocks.toString(), "--pause-after", "2"))) {
            PeerEvent ready = go.awaitEvent("ready", STEP);
            PeerId goId = PeerId.parse(ready.string("peerId"));
            host.connect(new PeerInfo(goId, ready.strings("addrs").stream().map(Multiaddr::parse).toList()));
            MemoryBlockstore store = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
            GraphSync gs = GraphSync.attach(host, store, GraphSyncConfig.defaults());
            RequestControl control = new RequestControl();
            CompletableFuture<GraphSync.Result> result = CompletableFuture.supplyAsync(() -> {
                try {
                    return gs.request(goId, c.root(), c.selector(), STEP, Set.of(), control);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            go.awaitEvent("paused", STEP);
            Await.until("the blocks before go's pause arrived", () -> store.count() >= 2, STEP);
            // go takes an update as an unpause only once the response is paused: ask until it goes on
            java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
            Await.until("go unpaused the response", () -> {
                if (polls.getAndIncrement() % 200 != 0) { // an update about every 200 ms
                    return result.isDone();
                }
                try {
                    control.update(Map.of("p2pkit/unpause", Node.of(true)));
                } catch (IllegalStateException | IOException over) {
                    return true; // the request is over
                }
                return result.isDone();
            }, STEP);
            GraphSync.Result r = result.get(60, TimeUnit.SECONDS);

            assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, r.status(), "stderr: " + go.stderrTail());
            assertEquals(c.blocks().size(), r.blocks(), "each block stored once");
            try (InputStream in = new Exporter(store).read(c.root())) {
                assertArrayEquals(c.file(), in.readAllBytes());
            }
            go.closeStdin();
        }
    }
}
