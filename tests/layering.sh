#!/usr/bin/env bash
# The crate's import graph and its layering rules (ARCHITECTURE.md).
#
#   bash tests/layering.sh          check the rules; "N passed, M failed" last
#   bash tests/layering.sh --graph  also print every module -> module edge (crate:: imports)
#
# Rules checked:
#   1. no module of the core (everything but src/ffi/) imports from crate::ffi;
#   2. `unsafe` appears only in src/ffi/ and src/c_imports/ (the compiler enforces it too:
#      #![deny(unsafe_code)] in src/lib.rs, allowed only on those two modules);
#   3. only src/crypto/ and src/c_imports/ import the C-backed crates (aws-lc-rs, aws-lc-sys);
#   4. src/pki/ (production code) does not import crate::keys: keys owns loading;
#   5. src/pki/ and src/crypto/ know nothing of connections and handshakes (no crate::conn,
#      crate::handshake, crate::record imports).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pass=0 fail=0
check() { # name, offending lines (empty = pass)
    if [ -z "$2" ]; then
        pass=$((pass + 1)); echo "ok   $1"
    else
        fail=$((fail + 1)); echo "FAIL $1"; printf '%s\n' "$2" | sed 's/^/     /'
    fi
}
module_of() { # src/a/b.rs -> a::b (mod.rs and lib.rs collapse to their directory)
    local m=${1#src/}
    m=${m%.rs}; m=${m%/mod}
    [ "$m" = lib ] && m=crate
    echo "${m//\//::}"
}

if [ "${1:-}" = "--graph" ]; then
    find src -name '*.rs' | sort | while read -r f; do
        from=$(module_of "$f")
        grep -ohE 'crate::[a-z_]+(::[a-z_]+)?' "$f" | sed 's/^crate:://' | sort -u |
            while read -r to; do echo "$from -> $to"; done
    done
    echo
fi

check "core does not import from ffi" \
    "$(grep -rnE 'crate::ffi|super::ffi' src --include='*.rs' | grep -v '^src/ffi/')"
check "unsafe only in src/ffi and src/c_imports" \
    "$(grep -rnE '\bunsafe\b' src --include='*.rs' | grep -vE '^src/(ffi|c_imports)/' |
        grep -vE '^src/lib.rs:.*(deny|allow)\((unsafe_code|unsafe_op_in_unsafe_fn)\)|//')"
check "C-backed crates only in crypto and c_imports" \
    "$(grep -rnE '\baws_lc_(rs|sys)\b' src --include='*.rs' | grep -vE '^src/(crypto|c_imports)/')"
# (production code only: the part of each file before its #[cfg(test)] module)
check "pki does not import keys (keys owns loading)" \
    "$(for f in $(find src/pki -name '*.rs'); do
        awk -v f="$f" '/^#\[cfg\(test\)\]/ { exit } /crate::keys/ { print f ":" NR ": " $0 }' "$f"
    done)"
check "pki and crypto know no connection or handshake" \
    "$(grep -rnE 'crate::(conn|handshake|record|session_cache|client_sessions)\b' src/pki src/crypto --include='*.rs')"
echo "layering: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
