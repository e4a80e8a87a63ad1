package io.p2pkit.node.cli.command.dag;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.EncodeException;
import io.p2pkit.ipfs.codec.Limits;
import io.p2pkit.ipfs.codec.dagcbor.DagCbor;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.pin.GcLock;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.CodecNames;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.InputData;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.cli.content.MultipartUpload;
import io.p2pkit.node.cli.options.CidBaseOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.multiformats.CidEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit dag put}: reads nodes in one codec and stores them in another. */
@Command(name = "put", description = {
        "Store IPLD nodes and print their CIDs.",
        "",
        "Each FILE (or stdin) holds one node in --input-codec (default dag-json); it is stored encoded with "
                + "--store-codec (default dag-cbor) under a CIDv1 with a --hash multihash (default: Import.HashFunction, else sha2-256). DAG-CBOR "
                + "input is read as Kubo reads it (keys in any order, longer integer forms, indefinite lengths, "
                + "16- and 32-bit floats) and stored canonical; duplicate keys are refused. Blocks over 2 MiB are refused unless "
                + "--allow-big-block.",
        ""},
        footer = {"", "With --json: one {\"Cid\":{\"/\":<cid>}} per node (Kubo's shape)"})
final class DagPutCommand extends CliCommand {
    /** The most bytes of input text read for one node (the block it makes is checked separately). */
    private static final int MAX_INPUT = 8 << 20;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "files holding one node each (default: stdin)")
    private List<Path> files = new ArrayList<>();

    @Option(names = "--store-codec", paramLabel = "CODEC", defaultValue = "dag-cbor",
            description = "the codec to store the node in (default dag-cbor): dag-cbor, dag-json, dag-pb, raw")
    private String storeCodec;

    @Option(names = "--input-codec", paramLabel = "CODEC", defaultValue = "dag-json",
            description = "the codec the input is in (default dag-json): dag-json, dag-cbor, dag-pb, raw")
    private String inputCodec;

    @Option(names = "--hash", paramLabel = "HASH",
            description = "the multihash function (default: the config's Import.HashFunction, else sha2-256)")
    private String hash;

    @Option(names = "--pin", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "pin the nodes recursively (default false)")
    private boolean pin;

    @Option(names = "--allow-big-block", description = "accept blocks over 2 MiB (they cannot be exchanged over Bitswap)")
    private boolean allowBigBlock;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Mixin
    private CidBaseOption cids;

    @Override
    protected int run() throws Exception {
        Codecs known = RepoOption.codecs(true);
        long in = CodecNames.supportedCodec("--input-codec", inputCodec, known);
        long store = CodecNames.supportedCodec("--store-codec", storeCodec, known);
        long hashFunction = CodecNames.hashFunction("--hash", repo.hashFunction(hash));
        // Kubo's text encoder writes the CID with the low-level encoder; its JSON keeps the CID as it is
        CidEncoder enc = output.json() ? CidEncoder.DEFAULT : cids.lowLevel();
        boolean daemon = DaemonApi.use(repo.root(), api -> {
            Map<String, String> o = new LinkedHashMap<>();
            o.put("store-codec", Multicodec.nameOf(store));
            o.put("input-codec", Multicodec.nameOf(in));
            o.put("hash", Multicodec.nameOf(hashFunction));
            o.put("pin", Boolean.toString(pin));
            o.put("allow-big-block", Boolean.toString(allowBigBlock));
            MultipartUpload upload = files.isEmpty() ? MultipartUpload.stdin(console().in())
                    : MultipartUpload.of(files, true, false, false);
            try (InputStream answer = new BufferedInputStream(api.upload("dag/put", List.of(), o, upload.contentType(),
                    upload.body()))) {
                for (MapNode m; (m = DaemonApi.nextObject(answer)) != null; ) {
                    Cid cid = DaemonApi.cid(m, "Cid");
                    output.print(console(), Map.of("Cid", KuboJson.link(cid)), enc.encode(cid));
                }
            }
        });
        if (daemon) {
            return 0;
        }
        try (Repository r = repo.openForAdding(allowBigBlock)) {
            int limit = InputData.blockLimit(RepoOption.bigBlocksAllowed(r));
            int inputLimit = Math.max(limit, MAX_INPUT);
            Codecs reader = Codecs.standard(Limits.DEFAULT.withMaxBlockSize(inputLimit));
            GcLock.Held held = r.gcLock().pinLock(); // a collection must not take a block before it is pinned
            try {
                List<InputData> inputs = files.isEmpty() ? List.of(InputData.stdin(console()))
                        : files.stream().map(InputData::file).toList();
                for (InputData data : inputs) {
                    Block block = encode(data, reader, in, store, hashFunction, inputLimit);
                    if (block.size() > limit) {
                        throw new InputData.BlockTooBigException(data.name(), limit);
                    }
                    r.blocks().put(block);
                    if (pin) {
                        r.pinner().pin(block.cid(), PinType.RECURSIVE, "");
                    }
                    output.print(console(), Map.of("Cid", KuboJson.link(block.cid())), enc.encode(block.cid()));
                }
            } finally {
                held.close();
            }
        }
        return 0;
    }

    private static Block encode(InputData data, Codecs reader, long in, long store, long hashFunction, int inputLimit)
            throws IOException {
        byte[] bytes = data.readBlock(inputLimit);
        Node node;
        try {
            // as Kubo: user input is decoded leniently and re-encoded, so it is stored canonical
            node = (in == Multicodec.DAG_CBOR ? DagCbor.lenient(Limits.DEFAULT.withMaxBlockSize(inputLimit)) : reader.get(in)).decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new IOException(data.name() + ": not valid " + Multicodec.nameOf(in) + ": " + e.getMessage(), e);
        }
        try {
            return reader.encode(store, hashFunction, node);
        } catch (EncodeException e) {
            throw new IOException(data.name() + ": cannot be stored as " + Multicodec.nameOf(store) + ": " + e.getMessage(), e);
        }
    }
}
