package io.p2pkit.node.cli.command.pin;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.pin.Pin;
import io.p2pkit.ipfs.pin.PinStatus;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.DaemonApi;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code p2pkit pin ls}: lists pins as Kubo does ({@code <cid> recursive}). */
@Command(name = "ls", description = {
        "List pins.",
        "",
        "Prints '<cid> <type>' per pin: recursive, then direct, then indirect (blocks below a recursive pin), as "
                + "Kubo's 'ipfs pin ls'. With CIDs or paths, says how each is pinned, and fails for one that is not "
                + "(or not of --type).",
        ""},
        footer = {"", "With --json: {\"Keys\":{\"<cid>\":{\"Type\":…,\"Name\":…},…}} in one object; with --stream one "
                + "{\"Cid\":…,\"Type\":…[,\"Name\":…]} per pin (Kubo's two shapes)."})
final class PinLsCommand extends CliCommand {
    /** How Kubo (and the daemon) types an indirect pin asked about by its CID. */
    private static final String INDIRECT_THROUGH = "indirect through ";

    @Parameters(paramLabel = "CID|PATH", arity = "0..*", description = "pins to look up (default: all)")
    private List<String> args = new ArrayList<>();

    @Option(names = {"-t", "--type"}, paramLabel = "TYPE", defaultValue = "all",
            description = "which pins: all (default), recursive, direct, indirect")
    private String type;

    @Option(names = {"-q", "--quiet"}, description = "print only the CIDs")
    private boolean quiet;

    @Option(names = {"-s", "--stream"}, description = "with --json: one object per pin instead of one map of all")
    private boolean stream;

    @Option(names = "--names", description = "print pin names too")
    private boolean names;

    @Option(names = {"-n", "--name"}, paramLabel = "TEXT", description = "only pins whose name contains TEXT (implies --names)")
    private String nameFilter;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Mixin
    private CidBaseOption cids;

    @Override
    protected int run() throws Exception {
        Set<PinType> types;
        try {
            types = PinType.select(type);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--type: " + e.getMessage());
        }
        boolean showNames = names || nameFilter != null;
        CidEncoder enc = cids.encoder(); // the daemon's answer is read back and written so too
        List<PinStatus> pins = new ArrayList<>();
        if (DaemonApi.use(repo.root(), api -> pins.addAll(throughDaemon(api, showNames)))) {
            print(pins, showNames, enc);
            return 0;
        }
        try (Repository r = repo.open()) {
            if (args.isEmpty()) {
                for (Pin p : r.pinner().ls(types)) {
                    if (nameFilter == null || p.name().contains(nameFilter)) {
                        pins.add(new PinStatus(p, Optional.empty()));
                    }
                }
            } else {
                for (String arg : args) {
                    pins.add(lookUp(r, arg, types));
                }
            }
        }
        print(pins, showNames, enc);
        return 0;
    }

    /** The daemon's pins ({@code pin/ls?stream=true}: one {@code {"Cid","Type"[,"Name"]}} each). */
    private List<PinStatus> throughDaemon(DaemonApi api, boolean showNames) throws IOException {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("type", type);
        o.put("stream", "true");
        o.put("names", Boolean.toString(showNames));
        if (nameFilter != null) {
            o.put("name", nameFilter);
        }
        List<PinStatus> pins = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(api.post("pin/ls", args, o))) {
            for (MapNode e; (e = DaemonApi.nextObject(in)) != null; ) {
                String kind = DaemonApi.text(e, "Type");
                Optional<Cid> via = Optional.empty();
                if (kind.startsWith(INDIRECT_THROUGH)) { // a pin asked about: "indirect through <root>"
                    via = Optional.of(parseCid(kind.substring(INDIRECT_THROUGH.length())));
                    kind = PinType.INDIRECT.kuboName();
                }
                String named = kind;
                PinType t = java.util.Arrays.stream(PinType.values()).filter(x -> x.kuboName().equals(named)).findFirst()
                        .orElseThrow(() -> new CommandFailedException("the daemon names a pin type p2pkit does not know: " + named));
                pins.add(new PinStatus(new Pin(DaemonApi.cid(e, "Cid"), t, DaemonApi.text(e, "Name")), via));
            }
        }
        return pins;
    }

    private static Cid parseCid(String text) {
        try {
            return Cid.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException("the daemon names a pin's root that is not a CID: " + text);
        }
    }

    private void print(List<PinStatus> pins, boolean showNames, CidEncoder enc) {
        if (output.json() && !stream) {
            Map<String, Object> keys = new LinkedHashMap<>();
            for (PinStatus s : pins) {
                Pin p = s.pin();
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("Type", s.kuboType(enc::encode));
                v.put("Name", showNames ? p.name() : "");
                keys.putIfAbsent(enc.encode(p.cid()), v);
            }
            console().json(Map.of("Keys", keys));
            return;
        }
        for (PinStatus s : pins) {
            Pin p = s.pin();
            if (output.json()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("Cid", enc.encode(p.cid()));
                if (showNames && !p.name().isEmpty()) {
                    o.put("Name", p.name());
                }
                o.put("Type", s.kuboType(enc::encode));
                console().json(o);
            } else if (quiet) {
                console().println(enc.encode(p.cid()));
            } else {
                console().println(enc.encode(p.cid()) + " " + s.kuboType(enc::encode)
                        + (showNames && !p.name().isEmpty() ? " " + p.name() : ""));
            }
        }
    }

    private static PinStatus lookUp(Repository r, String arg, Set<PinType> types) throws IOException {
        Cid cid = ContentPath.resolveCid(r, arg);
        Optional<PinStatus> status = r.pinner().status(cid);
        Optional<Pin> pin = status.map(PinStatus::pin);
        if (pin.isEmpty() || !types.contains(pin.get().type())) {
            throw new CommandFailedException("path '" + arg + "' is not pinned"
                    + (pin.isPresent() ? " " + String.join(" or ", types.stream().map(PinType::kuboName).sorted().toList())
                    + " (it is pinned " + pin.get().type().kuboName() + "ly)" : ""));
        }
        return status.get();
    }
}
