#!/usr/bin/env bash
# Builds tools/train-resnet and runs it from the repository root, e.g.
#   bash tools/train-resnet/run.sh --out models/fashion_mnist_resnet.onnx --force
# TorchSharp-cpu 0.107's libLibTorchSharp.so was linked against GCC 13's libstdc++ and asks for
# GLIBCXX_3.4.32 for one symbol, std::ios_base_library_init. Where the system libstdc++ is older
# (Debian 12 has GCC 12's), this script marks that one requirement weak in the build output's copy
# and preloads a two-line stand-in for the symbol (ios_init_shim.cpp); elsewhere it changes nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
out="$here/bin/train"
dotnet build "$here/TrainResnet.csproj" -c Release -o "$out" -v q -nologo
native="$out/runtimes/linux-x64/native/libLibTorchSharp.so"
if [ "$(uname -s)" = Linux ] && ! ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF}' | head -1 \
        | xargs grep -q GLIBCXX_3.4.32; then
    python3 "$here/weaken_version.py" "$native" GLIBCXX_3.4.32
    g++ -O2 -shared -fPIC -o "$out/libios_init_shim.so" "$here/ios_init_shim.cpp"
    export LD_PRELOAD="$out/libios_init_shim.so${LD_PRELOAD:+:$LD_PRELOAD}"
fi
exec dotnet "$out/train-resnet.dll" "$@"
