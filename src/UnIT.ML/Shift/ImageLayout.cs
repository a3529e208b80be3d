using UnIT.ML.Graph;
using UnIT.ML.Kernels;

namespace UnIT.ML.Shift;

/// <summary>
/// Where a model's input keeps an image's channels, height and width. Image shifts work on [N, C, H, W]; a model exported
/// from a channels-last framework takes [N, H, W, C] and transposes it first, so its batches are turned into
/// [N, C, H, W] before shifting and back afterwards (shifting [N, H, W, C] as if it were [N, C, H, W] would rotate and
/// occlude H images of size W x C, without a sign of it).
/// </summary>
public static class ImageLayout
{
    /// <summary>
    /// The permutation that makes the model's input the [N, C, H, W] its convolutions read: that of the Transpose every
    /// reader of a 4-D input applies (an NHWC export's [0, 3, 1, 2]), also after a chain of elementwise steps in the
    /// input's own layout (a scale, an offset, an activation); null when the input is read as it is.
    /// </summary>
    public static int[]? InputPermutation(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Shape shape = graph.Input.Shape;
        if (shape.Rank != 4)
        {
            return null;
        }
        string value = graph.Input.Name;
        while (true)
        {
            Node[] readers = [.. graph.Nodes.Where(n => n.Inputs.Contains(value, StringComparer.Ordinal))];
            if (readers.Length > 0 && readers.All(r => r is TransposeNode t && t.Perm.SequenceEqual(((TransposeNode)readers[0]).Perm)))
            {
                return [.. ((TransposeNode)readers[0]).Perm];
            }
            // Normalization before the Transpose (Keras rescaling, say) keeps the input's layout: follow it.
            if (readers is [Node step] && step is ElementwiseNode or ActivationNode && graph.ShapeOf(step.Output).Equals(shape))
            {
                value = step.Output;
                continue;
            }
            return null;
        }
    }

    /// <summary>A batch in the model input's layout as images [N, C, H, W] (a copy when it is transposed, else the batch itself).</summary>
    /// <exception cref="ArgumentException">The batch's rank is not the model input's when the model transposes its input.</exception>
    public static Tensor ToImages(ModelGraph graph, Tensor modelInput)
    {
        ArgumentNullException.ThrowIfNull(modelInput);
        return InputPermutation(graph) is { } perm ? Permute(modelInput, perm) : modelInput;
    }

    /// <summary>Images [N, C, H, W] in the model input's layout: the inverse of <see cref="ToImages"/>.</summary>
    /// <exception cref="ArgumentException">The images are not 4-D when the model transposes its input.</exception>
    public static Tensor ToModelInput(ModelGraph graph, Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (InputPermutation(graph) is not { } perm)
        {
            return images;
        }
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            inverse[perm[i]] = i;
        }
        return Permute(images, inverse);
    }

    private static Tensor Permute(Tensor batch, int[] perm)
    {
        if (batch.Shape.Rank != perm.Length)
        {
            throw new ArgumentException($"The model transposes its input by [{string.Join(",", perm)}], which does not fit the batch {batch.Shape}.", nameof(batch));
        }
        var shape = new Shape(perm.Select(p => batch.Shape[p]).ToArray());
        var data = new float[batch.Data.Length];
        TransposeKernel.Run(perm, batch.Shape, shape, batch.Data, data);
        return new Tensor(shape, data);
    }
}
