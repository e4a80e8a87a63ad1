package io.p2pkit.core.version;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.host.StreamHandler;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multistream.Multistream;
import io.p2pkit.core.multistream.NegotiationException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A protocol spoken in versions: a family name such as {@code /myapp/sync} and the versions of it
 * this node speaks, one line per major version ("1.4.2, down to 1.1"). On the wire each version is
 * the protocol ID {@code <name>/<major>.<minor>.<patch>[-<pre-release>]}, e.g.
 * {@code /myapp/sync/1.4.2}.
 *
 * <p>A line at version {@code M.m.p} with lowest minor {@code l} accepts a proposal {@code R}
 * when:
 * <ul>
 *   <li>{@code M ≥ 1}: {@code R} is a release with major {@code M} and {@code l ≤ R.minor ≤ m};
 *       the patch is ignored (patches do not change the wire);</li>
 *   <li>{@code M = 0}: {@code R} is a release {@code 0.m.*} (semver: before 1.0.0 anything may
 *       change, so each 0.y is a line of its own and {@code l} must be {@code m});</li>
 *   <li>{@code M.m.p} is a pre-release: {@code R} is exactly {@code M.m.p-pre} (and {@code l = m}).
 *       Release lines never accept pre-releases.</li>
 * </ul>
 *
 * <p>Dialing ({@link #newStream}) picks the highest common version. When identify told the peer
 * store which versions the peer advertises, the best one is proposed alone, pipelined with the
 * first write (no round trip of its own): for each advertised release of one of our majors, our
 * own version if the peer's minor is at least ours, else the peer's exact version if its minor is
 * at least our lowest. When nothing is known, the proposals are each line's own version, then
 * {@code M.(m-1).0} down to {@code M.l.0}, highest line first (at most {@link #MAX_PROPOSALS}):
 * the header and first proposal go out in one write, and each refusal costs one more round trip.
 *
 * <pre>{@code
 * ProtocolFamily sync = ProtocolFamily.of("/myapp/sync", "1.4.2", 1);     // 1.1 to 1.4
 * sync.serve(host, s -> { SemanticVersion v = sync.version(s); ... });
 * try (Stream s = sync.newStream(host, peer)) { if (sync.version(s).minor() >= 3) ... }
 * }</pre>
 *
 * Immutable; {@link #and} gives a family that also speaks another major.
 */
public final class ProtocolFamily {
    /** The dialer's fallback list stops after this many proposals (a listener reads at most {@link Multistream#MAX_ROUNDS}). */
    public static final int MAX_PROPOSALS = 16;
    /** Family names are at most this many bytes, so that every ID fits a multistream message. */
    public static final int MAX_NAME_BYTES = 512;

    private final String name;
    /** Highest version first. */
    private final List<Line> lines;

    /** One major version (or one 0.y, or one pre-release) spoken from {@code lowestMinor} to {@code version.minor()}. */
    private record Line(SemanticVersion version, int lowestMinor) {
        boolean accepts(SemanticVersion r) {
            if (version.isPreRelease()) {
                return r.equals(version);
            }
            if (r.isPreRelease() || r.major() != version.major()) {
                return false;
            }
            return r.minor() >= lowestMinor && r.minor() <= version.minor();
        }

        /** The version to propose to a peer advertising {@code p}, if it and this line have one in common. */
        Optional<SemanticVersion> common(SemanticVersion p) {
            if (version.isPreRelease() || p.isPreRelease() || p.major() != version.major()) {
                return version.equals(p) ? Optional.of(version) : Optional.empty();
            }
            if (version.major() == 0) {
                return p.minor() == version.minor() ? Optional.of(version) : Optional.empty();
            }
            if (p.minor() >= version.minor()) {
                return Optional.of(version); // the peer's line accepts lower minors (down to its own lowest)
            }
            return p.minor() >= lowestMinor ? Optional.of(p) : Optional.empty();
        }

        boolean overlaps(Line o) {
            if (version.isPreRelease() || o.version.isPreRelease()) {
                return version.equals(o.version);
            }
            return version.major() == o.version.major() && (version.major() != 0 || version.minor() == o.version.minor());
        }

        @Override
        public String toString() {
            return lowestMinor == version.minor() ? version.toString()
                    : version + " (down to " + version.major() + "." + lowestMinor + ")";
        }
    }

    private ProtocolFamily(String name, List<Line> lines) {
        this.name = name;
        this.lines = lines;
    }

    /** The family {@code name} spoken at {@code version} only (its minor and no lower). */
    public static ProtocolFamily of(String name, String version) {
        SemanticVersion v = SemanticVersion.parse(version);
        return of(name, version, v.minor());
    }

    /**
     * The family {@code name} spoken at {@code version} and every lower minor of its major down to
     * {@code lowestMinor}.
     *
     * @throws IllegalArgumentException for a malformed name or version, a lowest minor above the
     *                                  version's, or below it for a 0.y or pre-release version
     */
    public static ProtocolFamily of(String name, String version, int lowestMinor) {
        checkName(name);
        return new ProtocolFamily(name, List.of(line(SemanticVersion.parse(version), lowestMinor)));
    }

    /** This family, also speaking {@code version} (of another major) down to {@code lowestMinor}. */
    public ProtocolFamily and(String version, int lowestMinor) {
        Line added = line(SemanticVersion.parse(version), lowestMinor);
        for (Line l : lines) {
            if (l.overlaps(added)) {
                throw new IllegalArgumentException(name + " " + added + " overlaps " + l
                        + ": one line per major version (per minor for 0.y)");
            }
        }
        List<Line> all = new ArrayList<>(lines);
        all.add(added);
        all.sort(Comparator.comparing(Line::version).reversed());
        return new ProtocolFamily(name, List.copyOf(all));
    }

    /** This family, also speaking {@code version} (of another major) at its minor only. */
    public ProtocolFamily and(String version) {
        return and(version, SemanticVersion.parse(version).minor());
    }

    /** The family name, {@code /myapp/sync}. */
    public String name() {
        return name;
    }

    /** The protocol ID of {@code version} in this family: {@code /myapp/sync/1.4.2}. */
    public String id(SemanticVersion version) {
        return name + "/" + version;
    }

    /** The exact versions this node speaks and advertises (one per line), highest first. */
    public List<SemanticVersion> versions() {
        return lines.stream().map(Line::version).toList();
    }

    /** Whether a listener of this family accepts the proposal {@code protocolId}. */
    public boolean accepts(String protocolId) {
        Optional<SemanticVersion> v = versionOf(name, protocolId);
        return v.isPresent() && lines.stream().anyMatch(l -> l.accepts(v.get()));
    }

    /**
     * The version {@code protocolId} names in the family {@code family}: {@code 1.4.2} for
     * {@code /myapp/sync/1.4.2} in {@code /myapp/sync}; empty if it is not of the family or its
     * version does not parse strictly.
     */
    public static Optional<SemanticVersion> versionOf(String family, String protocolId) {
        if (!protocolId.startsWith(family) || protocolId.length() <= family.length() + 1
                || protocolId.charAt(family.length()) != '/') {
            return Optional.empty();
        }
        try {
            return Optional.of(SemanticVersion.parse(protocolId.substring(family.length() + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The version a stream of this family speaks: the one negotiated ({@link Stream#protocol()}).
     *
     * @throws IllegalArgumentException if the stream speaks another protocol
     */
    public SemanticVersion version(Stream stream) {
        return versionOf(name, stream.protocol()).orElseThrow(() -> new IllegalArgumentException(
                stream + " does not speak a version of " + name));
    }

    /** What a dialer proposes to a peer whose versions are unknown, in order (see the class comment). */
    public List<String> proposals() {
        List<String> out = new ArrayList<>();
        for (Line l : lines) {
            out.add(id(l.version()));
            if (!l.version().isPreRelease()) {
                for (int minor = l.version().minor() - 1; minor >= l.lowestMinor(); minor--) {
                    out.add(id(SemanticVersion.of(l.version().major(), minor, 0)));
                }
            }
        }
        return List.copyOf(out.subList(0, Math.min(out.size(), MAX_PROPOSALS)));
    }

    /** The highest version in common with a peer that advertises {@code peerVersions}, if any. */
    public Optional<SemanticVersion> best(Collection<SemanticVersion> peerVersions) {
        Optional<SemanticVersion> best = Optional.empty();
        for (Line l : lines) {
            for (SemanticVersion p : peerVersions) {
                Optional<SemanticVersion> c = l.common(p);
                if (c.isPresent() && (best.isEmpty() || c.get().compareTo(best.get()) > 0)) {
                    best = c;
                }
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ on a host

    /** Serves every version this family accepts with {@code handler}, on direct connections only. */
    public void serve(Host host, StreamHandler handler) {
        serve(host, handler, LimitedConnections.REFUSE);
    }

    /**
     * Serves every version this family accepts with {@code handler} (which reads the negotiated
     * one with {@link #version(Stream)}), replacing earlier handlers of the same IDs; each line's
     * own version is advertised in identify.
     */
    public void serve(Host host, StreamHandler handler, LimitedConnections limited) {
        Objects.requireNonNull(handler, "handler");
        for (Line l : lines) {
            host.setStreamHandlerMatch(id(l.version()), p -> versionOf(name, p).filter(l::accepts).isPresent(),
                    handler, limited);
        }
    }

    /** Stops serving this family's versions (those {@link #serve} registered). */
    public void stopServing(Host host) {
        for (Line l : lines) {
            host.removeStreamHandler(id(l.version()));
        }
    }

    /** Opens a stream to {@code peer} in the highest version in common, on a direct connection. */
    public Stream newStream(Host host, PeerId peer) throws IOException {
        return newStream(host, new PeerInfo(peer, List.of()), LimitedConnections.REFUSE);
    }

    /** Opens a stream to {@code peer} in the highest version in common, on a direct connection. */
    public Stream newStream(Host host, PeerInfo peer) throws IOException {
        return newStream(host, peer, LimitedConnections.REFUSE);
    }

    /**
     * Opens a stream to {@code peer} in the highest version in common (see the class comment);
     * {@link #version(Stream)} tells which. With the peer's versions known, the one proposal is
     * pipelined with the first write, and a refusal (the peer's lowest minor is above ours)
     * shows up as a {@link NegotiationException} on the first read, as for
     * {@link Host#newStream(PeerInfo, String...)}; so does one when this family has a single
     * version to propose. With two or more, this call waits for the peer's answers.
     *
     * @throws NoCommonVersionException when the peer advertises only versions this node cannot
     *                                  speak, or refuses every proposal
     */
    public Stream newStream(Host host, PeerInfo peer, LimitedConnections limited) throws IOException {
        List<SemanticVersion> known = host.peerStore().versions(peer.peerId(), name);
        List<String> proposals;
        if (known.isEmpty()) {
            proposals = proposals();
        } else {
            SemanticVersion best = best(known).orElseThrow(() -> new NoCommonVersionException(
                    peer.peerId() + " speaks " + name + " " + known + ", this node " + lines,
                    List.of(), List.of()));
            proposals = List.of(id(best));
        }
        try {
            return host.newStream(peer, limited, proposals.toArray(String[]::new));
        } catch (NegotiationException e) {
            if (e.answers().size() == proposals.size()
                    && e.answers().stream().allMatch(Multistream.NOT_AVAILABLE::equals)) {
                throw new NoCommonVersionException(peer.peerId() + " speaks none of " + name + " " + lines,
                        e.proposed(), e.answers());
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return name + " " + lines;
    }

    private static Line line(SemanticVersion v, int lowestMinor) {
        if (lowestMinor < 0 || lowestMinor > v.minor()) {
            throw new IllegalArgumentException("lowest minor " + lowestMinor + " is not between 0 and "
                    + v.minor() + " (the minor of " + v + ")");
        }
        if (v.major() == 0 && lowestMinor != v.minor()) {
            throw new IllegalArgumentException("0." + v.minor() + " is compatible only with 0." + v.minor()
                    + " (before 1.0.0 every minor may break the wire): register 0." + lowestMinor
                    + " as a line of its own with and()");
        }
        if (v.isPreRelease() && lowestMinor != v.minor()) {
            throw new IllegalArgumentException("pre-release " + v + " is compatible only with itself");
        }
        return new Line(v, lowestMinor);
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!name.startsWith("/") || name.length() < 2 || name.endsWith("/")) {
            throw new IllegalArgumentException("a family name starts with '/' and does not end with one: " + name);
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("family name longer than " + MAX_NAME_BYTES + " bytes");
        }
        if (name.codePoints().anyMatch(cp -> Character.isWhitespace(cp) || Character.isISOControl(cp))) {
            throw new IllegalArgumentException("a family name has no spaces or control characters: " + name);
        }
        String last = name.substring(name.lastIndexOf('/') + 1);
        if (versionOf("", "/" + last).isPresent()) {
            throw new IllegalArgumentException("the family name ends in a version (" + last
                    + "): give the name without it, and the version apart");
        }
    }
}
