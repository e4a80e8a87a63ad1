package io.p2pkit.node.cli.command.block;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.pin.GcLock;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.CodecNames;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.InputData;
import io.p2pkit.node.cli.content.MultipartUpload;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit block put}: stores data as one block per file (or stdin), Kubo's {@code ipfs block put}. */
@Command(name = "put", description = {
        "Store data as a block and print its CID.",
        "",
        "Each FILE becomes one block; without FILE, stdin does. The CID is a CIDv1 with --cid-codec (default raw) "
                + "over a --mhtype multihash (default: Import.HashFunction, else sha2-256). As in Kubo, the codec is not checked against the data. "
                + "Blocks over 2 MiB are refused unless --allow-big-block (they cannot be exchanged with other peers), "
                + "before anything is stored.",
        ""},
        footer = {"", "With --json: one {\"Key\":…,\"Size\":…} per block (Kubo's shape)"})
final class BlockPutCommand extends CliCommand {
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "files to store, one block each (default: stdin)")
    private List<Path> files = new ArrayList<>();

    @Option(names = "--cid-codec", paramLabel = "CODEC", defaultValue = "raw",
            description = "the multicodec of the returned CID (default raw): dag-pb, dag-cbor, dag-json, …")
    private String cidCodec;

    @Option(names = "--mhtype", paramLabel = "HASH",
            description = "the multihash function (default: the config's Import.HashFunction, else sha2-256)")
    private String mhtype;

    @Option(names = "--mhlen", paramLabel = "N", defaultValue = "-1",
            description = "the digest length, to truncate it (default -1: the function's full length)")
    private int mhlen;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
            description = "legacy: v0 for a CIDv0 (dag-pb, sha2-256), or a codec name (protobuf and cbor are read as "
                    + "dag-pb and dag-cbor); use --cid-codec instead")
    private String format;

    @Option(names = "--pin", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "pin the blocks recursively (default false)")
    private boolean pin;

    @Option(names = "--allow-big-block", description = "accept blocks over 2 MiB (they cannot be exchanged over Bitswap)")
    private boolean allowBigBlock;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        String mhtype = repo.hashFunction(this.mhtype);
        long hash = CodecNames.hashFunction("--mhtype", mhtype);
        boolean v0 = false;
        long codec;
        if (format != null) {
            if (!cidCodec.equals("raw")) {
                throw new UsageException("--format (legacy) and --cid-codec cannot be used together");
            }
            v0 = format.equals("v0");
            String name = switch (format) {
                case "v0", "protobuf" -> "dag-pb";
                case "cbor" -> "dag-cbor";
                default -> format;
            };
            codec = CodecNames.cidCodec("--format", name);
        } else {
            codec = CodecNames.cidCodec("--cid-codec", cidCodec);
        }
        if (mhlen < -1 || mhlen == 0) {
            throw new UsageException("--mhlen must be -1 (full length) or a positive number of bytes");
        }
        if (v0 && (hash != Multicodec.SHA2_256 || (mhlen != -1 && mhlen != 32))) {
            throw new UsageException("--format v0 needs a full-length sha2-256 multihash");
        }
        long codecOption = codec;
        boolean cidV0 = v0;
        boolean daemon = DaemonApi.use(repo.root(), api -> {
            Map<String, String> o = new LinkedHashMap<>();
            // the options as checked here, so the daemon makes the CIDs this command would
            if (cidV0) {
                o.put("format", "v0");
            } else {
                o.put("cid-codec", Multicodec.nameOf(codecOption));
            }
            o.put("mhtype", mhtype);
            o.put("mhlen", Integer.toString(mhlen));
            o.put("pin", Boolean.toString(pin));
            o.put("allow-big-block", Boolean.toString(allowBigBlock));
            MultipartUpload upload = files.isEmpty() ? MultipartUpload.stdin(console().in())
                    : MultipartUpload.of(files, true, false, false);
            try (InputStream in = new BufferedInputStream(api.upload("block/put", List.of(), o, upload.contentType(),
                    upload.body()))) {
                for (MapNode m; (m = DaemonApi.nextObject(in)) != null; ) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("Key", DaemonApi.text(m, "Key"));
                    out.put("Size", DaemonApi.number(m, "Size"));
                    output.print(console(), out, DaemonApi.text(m, "Key"));
                }
            }
        });
        if (daemon) {
            return 0;
        }
        try (Repository r = repo.openForAdding(allowBigBlock)) {
            int limit = InputData.blockLimit(RepoOption.bigBlocksAllowed(r));
            GcLock.Held held = r.gcLock().pinLock(); // a collection must not take a block before it is pinned
            try {
                List<InputData> inputs = files.isEmpty() ? List.of(InputData.stdin(console()))
                        : files.stream().map(InputData::file).toList();
                for (InputData in : inputs) {
                    byte[] data = in.readBlock(limit);
                    Block block = Block.of(cid(v0, codec, hash, data, in), data);
                    r.blocks().put(block);
                    if (pin) {
                        r.pinner().pin(block.cid(), PinType.RECURSIVE, "");
                    }
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("Key", block.cid().toString());
                    o.put("Size", block.size());
                    output.print(console(), o, block.cid().toString());
                }
            } finally {
                held.close();
            }
        }
        return 0;
    }

    private Cid cid(boolean v0, long codec, long hash, byte[] data, InputData in) {
        Multihash mh;
        try {
            mh = mhlen == -1 ? Multihash.digest(hash, data) : Multihash.digest(hash, data, mhlen);
        } catch (IllegalArgumentException e) {
            throw new UsageException((mhlen == -1 ? "--mhtype " : "--mhlen " + mhlen + " with ") + Multicodec.nameOf(hash)
                    + " for " + in.name() + ": " + e.getMessage());
        }
        return v0 ? Cid.v0(mh) : Cid.v1(codec, mh);
    }
}
