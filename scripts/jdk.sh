# Sourced by ./p2pkit and scripts/test: finds a JDK of version 21 or newer and exports
# JAVA_HOME and PATH for it. The default `java` on many machines is older, so the PATH
# alone is not trusted. Order: $P2PKIT_JAVA_HOME, $JAVA_HOME, the `javac` on PATH, then the
# usual install folders, newest first.

p2pkit_read_major() {
    # Sets P2PKIT_MAJOR to the feature version of the JDK at $1, or to nothing when $1 is not a
    # JDK. Reads the JDK's release file with shell builtins: the launcher runs this on every
    # start, and each forked sed or subshell costs milliseconds (PERFORMANCE.md, process start).
    P2PKIT_MAJOR=""
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
    local v="" line
    if [ -f "$1/release" ]; then
        while IFS= read -r line || [ -n "$line" ]; do
            case $line in
                JAVA_VERSION=\"*) v=${line#JAVA_VERSION=\"}; v=${v%%\"*}; break ;;
            esac
        done < "$1/release"
    fi
    [ -n "$v" ] || v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -1)
    v=${v#1.}
    P2PKIT_MAJOR=${v%%[.+-]*}
}

p2pkit_jdk_major() {
    # Prints the feature version of the JDK at $1, or nothing when $1 is not a JDK.
    p2pkit_read_major "$1"
    echo "$P2PKIT_MAJOR"
}

p2pkit_find_jdk() {
    # Sets P2PKIT_JDK and P2PKIT_JDK_MAJOR (empty when no JDK is recent enough).
    local min=21 c best="" bestv=0
    P2PKIT_JDK="" P2PKIT_JDK_MAJOR=""
    # An explicitly chosen JDK that is recent enough wins; the javac on PATH is looked up only
    # when neither variable names one (readlink is a fork).
    for c in "${P2PKIT_JAVA_HOME:-}" "${JAVA_HOME:-}" javac-on-path; do
        if [ "$c" = javac-on-path ]; then
            command -v javac >/dev/null 2>&1 || continue
            c=$(readlink -f "$(command -v javac)")
            c=${c%/bin/javac}
        fi
        [ -n "$c" ] || continue
        p2pkit_read_major "$c"
        if [ -n "$P2PKIT_MAJOR" ] && [ "$P2PKIT_MAJOR" -ge "$min" ] 2>/dev/null; then
            P2PKIT_JDK=$c P2PKIT_JDK_MAJOR=$P2PKIT_MAJOR
            return 0
        fi
    done
    # Otherwise the newest JDK in the usual places.
    for c in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* \
             "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
             /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -d "$c" ] || continue
        p2pkit_read_major "$c"
        if [ -n "$P2PKIT_MAJOR" ] && [ "$P2PKIT_MAJOR" -ge "$min" ] 2>/dev/null && [ "$P2PKIT_MAJOR" -gt "$bestv" ]; then
            best=$c; bestv=$P2PKIT_MAJOR
        fi
    done
    if [ -n "$best" ]; then
        P2PKIT_JDK=$best P2PKIT_JDK_MAJOR=$bestv
    fi
}

p2pkit_find_jdk
if [ -z "$P2PKIT_JDK" ]; then
    echo "p2pkit: no JDK of version 21 or newer was found." >&2
    echo "  Looked at \$P2PKIT_JAVA_HOME, \$JAVA_HOME, the javac on PATH and /usr/lib/jvm, /opt/java, ~/.sdkman, ~/.jdks." >&2
    echo "  Install one (for example Temurin 21 or 25) and set JAVA_HOME to it." >&2
    exit 1
fi
export JAVA_HOME="$P2PKIT_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own libraries trip JDK 24+'s sun.misc.Unsafe warnings; they are noise, not our code.
if [ "$P2PKIT_JDK_MAJOR" -ge 24 ] 2>/dev/null; then
    case "${MAVEN_OPTS:-}" in
        *sun-misc-unsafe-memory-access*) ;;
        *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
    esac
fi

# The JVM option that puts the command's native libraries, as scripts/package unpacked them, first
# on java.library.path (then the JVM's own search path on Linux): Netty then loads them from there
# instead of unpacking them into /tmp at every start. Sets the array p2pkit_native (empty without them).
p2pkit_native_opts() { # ROOT
    p2pkit_native=()
    if compgen -G "$1/p2pkit-node/target/native/*.so" >/dev/null; then
        p2pkit_native=("-Djava.library.path=$1/p2pkit-node/target/native:/usr/java/packages/lib:/usr/lib64:/lib64:/lib:/usr/lib")
    fi
}
