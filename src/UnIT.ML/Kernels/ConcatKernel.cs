using UnIT.ML.Graph.Ops;

namespace UnIT.ML.Kernels;

/// <summary>Concatenation of one sample's inputs along a non-batch axis.</summary>
internal static class ConcatKernel
{
    /// <summary>Copies, for each index of the axes before <paramref name="axis"/>, each input's block in turn.</summary>
    public static void Run(int axis, NodeRun run)
    {
        int outer = 1;
        for (int d = 1; d < axis; d++)
        {
            outer *= run.OutputShape[d];
        }
        int offset = 0;
        for (int o = 0; o < outer; o++)
        {
            foreach (float[] input in run.Inputs)
            {
                int block = input.Length / outer;
                Array.Copy(input, o * block, run.Output, offset, block);
                offset += block;
            }
        }
    }
}
