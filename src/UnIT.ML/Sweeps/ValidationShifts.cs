using UnIT.ML.Graph;

namespace UnIT.ML.Sweeps;

/// <summary>
/// Enlarges a validation set with copies of its images moved by one pixel (right, left, down, up; the border row or
/// column is repeated, so any background level stays), labels kept. Copy k of image i is sample i + k * N, so the
/// copies of one image can be told apart as a cluster when the drop's standard error is computed.
/// </summary>
internal static class ValidationShifts
{
    /// <summary>The most copies: one per direction.</summary>
    public const int MaxCopies = 4;

    /// <summary>The images followed by <paramref name="copies"/> shifted copies of them, and the labels to match.</summary>
    /// <exception cref="ArgumentException">The images are not a batch [N, C, H, W].</exception>
    public static (Tensor Images, int[] Labels) Add(Tensor images, IReadOnlyList<int> labels, int copies)
    {
        if (images.Shape.Rank != 4)
        {
            throw new ArgumentException($"Validation shifts need images [N, C, H, W]; got {images.Shape}.", nameof(images));
        }
        int n = images.Shape[0], planes = images.Shape[1], h = images.Shape[2], w = images.Shape[3];
        int size = planes * h * w;
        var data = new float[(copies + 1) * n * size];
        images.Data.AsSpan(0, n * size).CopyTo(data);
        (int Dy, int Dx)[] moves = [(0, 1), (0, -1), (1, 0), (-1, 0)];
        for (int k = 0; k < copies; k++)
        {
            (int dy, int dx) = moves[k];
            for (int i = 0; i < n; i++)
            {
                for (int p = 0; p < planes; p++)
                {
                    int from = (i * planes + p) * h * w, to = ((k + 1) * n + i) * size + p * h * w;
                    for (int y = 0; y < h; y++)
                    {
                        int sy = Math.Clamp(y - dy, 0, h - 1);
                        for (int x = 0; x < w; x++)
                        {
                            data[to + y * w + x] = images.Data[from + sy * w + Math.Clamp(x - dx, 0, w - 1)];
                        }
                    }
                }
            }
        }
        int[] all = Enumerable.Range(0, copies + 1).SelectMany(_ => labels).ToArray();
        return (new Tensor(new Shape([(copies + 1) * n, planes, h, w]), data), all);
    }
}
