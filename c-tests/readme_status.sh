#!/usr/bin/env bash
# readme_status.sh - keeps the README's function status table honest.
#
# The table ("## Function status" in README.md) has one row per function of ABI.md §3/§4,
# starting with the name in backticks: | `matrixSslOpen` | A | implemented |
# The last column starts with "implemented" for functions the library implements.
#
# Checks, against the staged shared library (nm -D):
#   1. every function marked implemented is exported;
#   2. every exported matrixSsl* / ps* / _ps* function has a row in the table.
# Prints FAIL lines and "readme_status: N passed, M failed"; exits 1 on failure.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
README="$ROOT/README.md"
SO="${MATRIXSSL_STAGE:-$ROOT/build/stage}/lib/libmatrixssl.so"
case "$SO" in /*) ;; *) SO="$ROOT/$SO" ;; esac

passed=0
failed=0
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

if [ ! -f "$README" ] || [ ! -f "$SO" ]; then
    echo "FAIL readme_status: need $README and $SO (run make)"
    echo "readme_status: 0 passed, 1 failed"
    exit 1
fi

# Table rows: "| `name` | ... | status |" -> "name<TAB>status"
rows=$(awk -F'|' '
    /^\| *`[A-Za-z_][A-Za-z0-9_]*` *\|/ {
        name = $2; gsub(/[ `]/, "", name)
        status = $(NF - 1); gsub(/^ +| +$/, "", status)
        print name "\t" status
    }' "$README")
if [ -z "$rows" ]; then
    echo "FAIL readme_status: no status table rows found in README.md"
    echo "readme_status: 0 passed, 1 failed"
    exit 1
fi
listed=$(printf '%s\n' "$rows" | cut -f1 | sort -u)
implemented=$(printf '%s\n' "$rows" | awk -F'\t' 'tolower($2) ~ /^implemented/ { print $1 }' | sort -u)
exported=$(nm -D --defined-only "$SO" | awk 'NF >= 3 && ($2 == "T" || $2 == "W") { print $3 }' | sort -u)

# 1. implemented => exported
while read -r f; do
    [ -n "$f" ] || continue
    if grep -qx "$f" <<<"$exported"; then
        passed=$((passed + 1))
    else
        fail "readme_status: $f is marked implemented but is not exported by $(basename "$SO")"
    fi
done <<<"$implemented"

# 2. exported API function => listed
while read -r f; do
    [ -n "$f" ] || continue
    case "$f" in
    matrixSsl* | ps* | _ps*) ;;
    *) continue ;;
    esac
    if grep -qx "$f" <<<"$listed"; then
        passed=$((passed + 1))
    else
        fail "readme_status: $f is exported but missing from the README status table"
    fi
done <<<"$exported"

echo "readme_status: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
