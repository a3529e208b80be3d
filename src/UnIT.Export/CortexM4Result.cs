namespace UnIT.Export;

/// <summary>One inference of a generated max78000 model on a Cortex-M4F in QEMU (see <see cref="CortexM4Run"/>).</summary>
/// <param name="Outputs">The model's outputs as the firmware computed them.</param>
/// <param name="Instructions">Instructions executed by the inference (QEMU -icount; to within 40), the node marks' own taken off. QEMU models no cycles.</param>
/// <param name="NodeInstructions">
/// Instructions of each node in graph order, from the marks the generated code calls before every node and at the end
/// (each to within 40; the few before the first node belong to none).
/// </param>
/// <param name="Log">The build's size report and QEMU's output.</param>
public sealed record CortexM4Result(float[] Outputs, long Instructions, IReadOnlyList<long> NodeInstructions, string Log);
