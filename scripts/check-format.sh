#!/usr/bin/env bash
# Checks that every C++ file under src/, tests/ and bench/ is formatted as .clang-format says.
# Changes nothing: prints each file that differs (clang-format's own diagnostics) and exits 1.
# Usage: scripts/check-format.sh            (clang-format from PATH; CLANG_FORMAT=... to choose)
#        scripts/check-format.sh FILE...    (only these files)
# To fix: clang-format -i FILE...  (the whole tree: git ls-files 'src/*.[ch]pp' ... | xargs clang-format -i)
set -euo pipefail
cd "$(dirname "$0")/.."

cf=${CLANG_FORMAT:-}
if [ -z "$cf" ]; then
  for c in clang-format clang-format-14; do
    if command -v "$c" >/dev/null; then cf=$c; break; fi
  done
fi
if [ -z "$cf" ]; then
  echo "check-format: clang-format not found (Debian: apt-get install clang-format)" >&2
  exit 2
fi

if [ $# -gt 0 ]; then
  files=("$@")
else
  # Tracked and new (not ignored) files, so a file not yet added is checked too.
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- \
    'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp' | sort -u)
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "check-format: no files to check" >&2
  exit 2
fi

# --dry-run -Werror: changes nothing, exits non-zero and names the differences when a file is not
# formatted. The differences of the first few files are shown (all with CHECK_FORMAT_VERBOSE=1),
# then the list of every file that differs.
show=${CHECK_FORMAT_SHOW:-3}
[ "${CHECK_FORMAT_VERBOSE:-0}" = 1 ] && show=1000000
bad=()
for f in "${files[@]}"; do
  [ -f "$f" ] || continue  # deleted in the work tree but still in the index
  if ! out=$("$cf" --style=file --dry-run -Werror --ferror-limit=3 "$f" 2>&1); then
    [ ${#bad[@]} -lt "$show" ] && printf '%s\n' "$out"
    bad+=("$f")
  fi
done

if [ ${#bad[@]} -gt 0 ]; then
  echo "check-format: ${#bad[@]} of ${#files[@]} files are not formatted ($("$cf" --version | head -1)):"
  printf '  %s\n' "${bad[@]}"
  echo "check-format: fix with: clang-format -i FILE..."
  exit 1
fi
echo "check-format: all ${#files[@]} files formatted"
