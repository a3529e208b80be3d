#!/usr/bin/env bash
# The main job, end to end on the data shipped in this repository:
# inspect the Fashion-MNIST CNN, run it dense, then calibrate UnIT at p = 50 and evaluate it
# on the float32 host profile and on the MSP430 fixed-point profile.
set -euo pipefail
cd "$(dirname "$0")/.."
data=data/fashion-mnist
model=models/fashion_mnist_cnn.onnx
dotnet build -c Release src/UnIT.Cli -v quiet -nologo
run() { dotnet run -c Release --no-build --project src/UnIT.Cli -- "$@"; }

echo "== inspect: layers, shapes, parameters and MACs"
run inspect "$model"

echo "== predict: dense engine on 500 shipped test images"
run predict "$model" --images "$data/test-500-images-idx3-ubyte.gz" --labels "$data/test-500-labels-idx1-ubyte.gz"

for profile in float32 msp430; do
  echo "== evaluate: UnIT at p = 50, profile $profile, calibrated on 1,000 held-out training images"
  run evaluate "$model" \
    --images "$data/test-500-images-idx3-ubyte.gz" --labels "$data/test-500-labels-idx1-ubyte.gz" \
    --calibration-images "$data/train-55000-55999-images-idx3-ubyte.gz" \
    --percentile 50 --profile "$profile"
done
