# Sourced by ./container, tests/run and the other scripts: finds JDK 25 and Maven, installs
# Debian packages on demand. Prints one line and exits when something cannot be had.

spore_die() { echo "container: error: $*" >&2; exit 1; }

# Sets JAVA_HOME to a JDK 25: SPORE_JAVA_HOME, then Temurin 25 under /usr/lib/jvm (SPORE_JVM_ROOT
# overrides that folder), then any other JDK 25 there.
spore_java() {
  local c root="${SPORE_JVM_ROOT:-/usr/lib/jvm}"
  for c in "${SPORE_JAVA_HOME:-}" "$root"/temurin-25* "$root"/*25*; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    # The JDK's release file names its version; starting a JVM to ask costs ~0.2 s per command.
    if { [ -f "$c/release" ] && grep -q '^JAVA_VERSION="25' "$c/release"; } \
       || { [ ! -f "$c/release" ] && "$c/bin/java" -version 2>&1 | head -1 | grep -q '"25'; }; then
      export JAVA_HOME="$c"; export PATH="$JAVA_HOME/bin:$PATH"; return 0
    fi
  done
  spore_die "no JDK 25 found under $root: install Temurin 25 there or set SPORE_JAVA_HOME to a JDK 25"
}

# Installs the Debian packages given whose status is not 'installed', saying which.
spore_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || spore_die "missing Debian packages: ${missing[*]}: run as root or 'apt-get install ${missing[*]}'"
  echo "container: installing Debian packages: ${missing[*]}" >&2
  if [ -z "${SPORE_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || spore_die "apt-get update failed: check the machine's package sources"
    export SPORE_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || spore_die "could not install ${missing[*]}: see apt-get's message above"
}

spore_maven() {
  command -v mvn >/dev/null 2>&1 || spore_packages maven
}

# npm packages for the interop tests, cached by content: `spore_npm_cache SRC BASE WHAT` installs
# SRC/package.json into BASE/<hash of package.json and node's version> (once, under a lock, built
# beside its place and renamed in), copies SRC's *.mjs scripts in from the checkout on every run
# (only node_modules is cached), and points BASE/current at it.
spore_npm_cache() {
  local src=$1 base=$2 what=$3 hash dir
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || spore_packages nodejs npm
  mkdir -p "$base"
  exec 9>"$base/.lock"
  flock 9
  hash=$( (cat "$src/package.json"; node --version) | sha256sum | cut -c1-16)
  dir="$base/$hash"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir.tmp"
    mkdir -p "$dir.tmp"
    cp "$src/package.json" "$dir.tmp/"
    echo "npm install of $what (cached afterwards in $dir)"
    (cd "$dir.tmp" && npm install --no-audit --no-fund --loglevel=error >"$base/.npm-log" 2>&1) \
      || { tail -30 "$base/.npm-log" >&2; spore_die "npm install of $what failed (log above)"; }
    touch "$dir.tmp/.complete"
    rm -rf "$dir"; mv "$dir.tmp" "$dir"
  fi
  find "$dir" -maxdepth 1 -name '*.mjs' -delete
  cp "$src"/*.mjs "$dir/"
  ln -sfn "$dir" "$base/current"
  exec 9>&-
  echo "$what ready in $base/current (node $(node --version))"
}
