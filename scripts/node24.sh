#!/usr/bin/env bash
# The project runs on Node 24 (package.json engines, .nvmrc, the Dockerfile). Every entry point goes through this
# file, so a machine whose own node is older (or missing) still runs the README's two commands on a fresh clone:
#
#   source scripts/node24.sh            from our bash scripts: afterwards `node` on PATH is Node >= 24
#   bash scripts/node24.sh CMD ARGS...  from package.json scripts: runs CMD (jest, tsc, ts-node...) on Node >= 24
#
# When `node --version` is below 24, it fetches node-linux-<arch>@$BILLING_NODE_VERSION from the npm registry with
# `npm pack` (that package ships the official binary as bin/node and has no install script), checks the tarball
# against the sha512 pinned below, unpacks it into $BILLING_STACK_HOME/node-v<version>-linux-<arch> (the folder
# deploy/local/stack.sh keeps the Kafka jars in; default ~/.cache/billing-platform, .stack/ under .ci/run), checks
# that it runs, and puts its bin/ first on PATH. Later runs find it there and fetch nothing. The machine's npm keeps
# working: its shebang is `env node`, so it runs on the Node 24 now first on PATH.
#
# Why the npm registry and not nodejs.org or nvm: the npm registry is the one source every developer machine and CI
# here reaches. The pins move together: engines, .nvmrc, the Dockerfile's node:24 image, and this version
# (scripts/node-version.spec.ts checks they agree).

BILLING_NODE_MAJOR_MIN=24
BILLING_NODE_VERSION=24.22.3
# sha512 of node-linux-<arch>-24.22.3.tgz as the registry publishes it (dist.integrity, in hex).
BILLING_NODE_SHA512_X64=287b286fe16ff587ab013bd8ba331b8b226a9d10af2edadcaff79336a46a88e486a7dec43a244fd723f8efe9271a043fc677375d8f31ce45b9f3b76567336a44
BILLING_NODE_SHA512_ARM64=219c74279dbfd4d0f002c6368b2591f6794f218b98be24d67ad8e3f3e125bd8421dbe5d184b7c27e46c5105ff63b9bc623685c51bc8f34757e9f3df8d856c95f

billing_node24_log() { echo "node24: $*" >&2; }

# Major version of the node at $1, or nothing when it does not run.
billing_node24_major() { "$1" --version 2>/dev/null | sed -n 's/^v\([0-9][0-9]*\)\..*$/\1/p'; }

billing_node24_fetch() {
  local arch=$1 sha512=$2 dir=$3 home tmp tgz actual
  home=$(dirname "$dir")
  command -v npm >/dev/null || { billing_node24_log "npm not found: it is needed to fetch Node $BILLING_NODE_VERSION"; return 1; }
  mkdir -p "$home" || return 1
  tmp=$(mktemp -d "$home/node-fetch.XXXXXX") || return 1
  billing_node24_log "node on PATH is $(node --version 2>/dev/null || echo missing); fetching node-linux-$arch@$BILLING_NODE_VERSION from the npm registry into $dir"
  if ! (cd "$tmp" && npm pack --silent --no-audit --no-fund "node-linux-$arch@$BILLING_NODE_VERSION" >/dev/null </dev/null); then
    rm -rf "$tmp"
    billing_node24_log "npm pack node-linux-$arch@$BILLING_NODE_VERSION failed"
    return 1
  fi
  tgz=$tmp/node-linux-$arch-$BILLING_NODE_VERSION.tgz
  actual=$(sha512sum "$tgz" | cut -d ' ' -f 1)
  if [[ $actual != "$sha512" ]]; then
    rm -rf "$tmp"
    billing_node24_log "node-linux-$arch-$BILLING_NODE_VERSION.tgz has sha512 $actual, expected $sha512; not using it"
    return 1
  fi
  # Only the binary and its licence: the headers and docs in the package are for building addons, which we do not.
  if ! tar -xzf "$tgz" -C "$tmp" package/bin/node package/LICENSE ||
    [[ $("$tmp/package/bin/node" --version 2>/dev/null) != "v$BILLING_NODE_VERSION" ]]; then
    rm -rf "$tmp"
    billing_node24_log "the fetched node does not run here (needs glibc >= 2.28)"
    return 1
  fi
  # Atomic: another process fetching at the same time either wins the rename or finds a working copy.
  rm -rf "$dir.old"
  [[ -e $dir ]] && mv "$dir" "$dir.old"
  mv -T "$tmp/package" "$dir" 2>/dev/null || [[ -x $dir/bin/node ]] || { rm -rf "$tmp"; return 1; }
  rm -rf "$tmp" "$dir.old"
}

# Puts a Node >= 24 first on PATH, fetching it when the machine's is older; non-zero (with a reason) when it cannot.
billing_use_node24() {
  local major arch sha512 dir
  major=$(billing_node24_major node)
  if [[ -n $major ]] && ((major >= BILLING_NODE_MAJOR_MIN)); then return 0; fi

  case "$(uname -s)/$(uname -m)" in
    Linux/x86_64 | Linux/amd64) arch=x64 sha512=$BILLING_NODE_SHA512_X64 ;;
    Linux/aarch64 | Linux/arm64) arch=arm64 sha512=$BILLING_NODE_SHA512_ARM64 ;;
    *)
      billing_node24_log "node on PATH is $(node --version 2>/dev/null || echo missing) and $(uname -s)/$(uname -m) has no" \
        "pinned Node $BILLING_NODE_VERSION here: install Node $BILLING_NODE_MAJOR_MIN (e.g. nvm install, which reads .nvmrc)"
      return 1
      ;;
  esac
  dir=${BILLING_STACK_HOME:-$HOME/.cache/billing-platform}/node-v$BILLING_NODE_VERSION-linux-$arch
  if [[ $(billing_node24_major "$dir/bin/node") != "$BILLING_NODE_MAJOR_MIN" ]]; then
    billing_node24_fetch "$arch" "$sha512" "$dir" || return 1
  fi
  export PATH="$dir/bin:$PATH"
  hash -r
  # npm exports the node it was started with; tools that read these must see the same node as PATH.
  [[ -n ${NODE:-} ]] && export NODE="$dir/bin/node"
  [[ -n ${npm_node_execpath:-} ]] && export npm_node_execpath="$dir/bin/node"
  return 0
}

if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
  billing_use_node24 || return 1
else
  set -euo pipefail
  billing_use_node24 || exit 1
  (($# > 0)) || { echo "usage: bash scripts/node24.sh CMD [ARGS...]   or   source scripts/node24.sh" >&2; exit 2; }
  exec "$@"
fi
