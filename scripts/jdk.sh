# Sourced by ./p2pkit and scripts/test: finds a JDK of version 21 or newer and exports
# JAVA_HOME and PATH for it. The default `java` on many machines is older, so the PATH
# alone is not trusted. Order: $P2PKIT_JAVA_HOME, $JAVA_HOME, the `javac` on PATH, then the
# usual install folders, newest first.

p2pkit_jdk_major() {
    # Prints the feature version of the JDK at $1, or nothing when $1 is not a JDK.
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
    local v=""
    if [ -f "$1/release" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release")
    fi
    [ -n "$v" ] || v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -1)
    v=${v#1.}
    echo "${v%%[.+-]*}"
}

p2pkit_find_jdk() {
    local min=21 c m best="" bestv=0
    local candidates=()
    [ -n "${P2PKIT_JAVA_HOME:-}" ] && candidates+=("$P2PKIT_JAVA_HOME")
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    if command -v javac >/dev/null 2>&1; then
        c=$(readlink -f "$(command -v javac)")
        candidates+=("${c%/bin/javac}")
    fi
    # An explicitly chosen JDK that is recent enough wins.
    for c in "${candidates[@]}"; do
        m=$(p2pkit_jdk_major "$c")
        if [ -n "$m" ] && [ "$m" -ge "$min" ] 2>/dev/null; then
            echo "$c"; return 0
        fi
    done
    # Otherwise the newest JDK in the usual places.
    for c in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* \
             "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
             /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -d "$c" ] || continue
        m=$(p2pkit_jdk_major "$c")
        if [ -n "$m" ] && [ "$m" -ge "$min" ] 2>/dev/null && [ "$m" -gt "$bestv" ]; then
            best=$c; bestv=$m
        fi
    done
    [ -n "$best" ] && echo "$best"
}

P2PKIT_JDK=$(p2pkit_find_jdk)
if [ -z "$P2PKIT_JDK" ]; then
    echo "p2pkit: no JDK of version 21 or newer was found." >&2
    echo "  Looked at \$P2PKIT_JAVA_HOME, \$JAVA_HOME, the javac on PATH and /usr/lib/jvm, /opt/java, ~/.sdkman, ~/.jdks." >&2
    echo "  Install one (for example Temurin 21 or 25) and set JAVA_HOME to it." >&2
    exit 1
fi
export JAVA_HOME="$P2PKIT_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own libraries trip JDK 24+'s sun.misc.Unsafe warnings; they are noise, not our code.
if [ "$(p2pkit_jdk_major "$JAVA_HOME")" -ge 24 ] 2>/dev/null; then
    case "${MAVEN_OPTS:-}" in
        *sun-misc-unsafe-memory-access*) ;;
        *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
    esac
fi
