using System.Globalization;
using UnIT.ML.Graph;

namespace UnIT.ML.Shift;

/// <summary>
/// Reproducible distribution shifts of image batches [N, C, H, W] with pixels in a known <see cref="PixelRange"/> ([0, 1]
/// unless told otherwise), for evaluating models calibrated on clean data (the paper's domain-shift section). The same kind, strength, seed and images always give
/// the same result: every random draw comes from one <see cref="Random"/> seeded with <c>seed</c>, in image order.
/// </summary>
public static class ImageShift
{
    /// <summary>The strengths of the three severities of each kind (light, medium, heavy), in that kind's unit.</summary>
    public static IReadOnlyList<double> DefaultStrengths(ShiftKind kind) => kind switch
    {
        ShiftKind.Rotation => [10, 20, 30],
        ShiftKind.GaussianNoise => [0.1, 0.2, 0.3],
        ShiftKind.Brightness => [0.1, 0.2, 0.3],
        ShiftKind.Contrast => [0.3, 0.5, 0.7],
        _ => [0.2, 0.3, 0.4],
    };

    /// <summary>Returns a shifted copy of <paramref name="images"/>.</summary>
    /// <param name="images">A batch [N, C, H, W].</param>
    /// <param name="kind">The shift.</param>
    /// <param name="strength">Degrees for rotation, the noise sigma or the brightness offset as fractions of the pixel range's width, the contrast reduction (0..1) or the occluder's side as a fraction of the height (0..1).</param>
    /// <param name="seed">Seeds every random draw.</param>
    /// <param name="pixels">The pixels' range (default [0, 1]): rotation and occlusion fill with its black, noise and brightness clip to it.</param>
    /// <exception cref="ArgumentException">The batch is not 4-D or has a value outside the pixel range, the range is no range, or the strength is not finite or outside its kind's range.</exception>
    public static Tensor Apply(Tensor images, ShiftKind kind, double strength, int seed, PixelRange? pixels = null)
    {
        PixelRange range = pixels ?? PixelRange.Unit;
        if (PixelProblem(images, range: range) is { } problem)
        {
            throw new ArgumentException(problem, nameof(images));
        }
        return ApplyInRange(images, kind, strength, seed, range);
    }

    /// <summary>
    /// <see cref="Apply"/> for a batch already known to lie in <paramref name="range"/>: a comparison checks its batch
    /// once, not once per shift (a delegate call per value each time).
    /// </summary>
    internal static Tensor ApplyInRange(Tensor images, ShiftKind kind, double strength, int seed, PixelRange range)
    {
        if (StrengthProblem(kind, strength) is { } bad)
        {
            throw new ArgumentOutOfRangeException(nameof(strength), strength, bad);
        }
        int n = images.Shape[0], c = images.Shape[1], h = images.Shape[2], w = images.Shape[3];
        float[] data = (float[])images.Data.Clone();
        var random = new Random(seed);
        int size = c * h * w;
        for (int i = 0; i < n; i++)
        {
            Span<float> image = data.AsSpan(i * size, size);
            switch (kind)
            {
                case ShiftKind.Rotation:
                    Rotate(image, c, h, w, (random.Next(2) == 0 ? -1 : 1) * strength * Math.PI / 180, range.Min);
                    break;
                case ShiftKind.GaussianNoise:
                    for (int k = 0; k < image.Length; k++)
                    {
                        // Box-Muller: one standard normal from two uniforms in (0, 1].
                        double z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                        image[k] = Math.Clamp(image[k] + (float)(strength * range.Width * z), range.Min, range.Max);
                    }
                    break;
                case ShiftKind.Brightness:
                    for (int k = 0; k < image.Length; k++)
                    {
                        image[k] = Math.Clamp(image[k] + (float)(strength * range.Width), range.Min, range.Max);
                    }
                    break;
                case ShiftKind.Contrast:
                    float mean = 0;
                    foreach (float v in image)
                    {
                        mean += v;
                    }
                    mean /= image.Length;
                    for (int k = 0; k < image.Length; k++)
                    {
                        image[k] = mean + (float)(1 - strength) * (image[k] - mean);
                    }
                    break;
                default:
                    int side = (int)Math.Round(strength * h);
                    int top = random.Next(h - Math.Min(side, h) + 1), left = random.Next(w - Math.Min(side, w) + 1);
                    for (int ch = 0; ch < c; ch++)
                    {
                        for (int y = top; y < Math.Min(h, top + side); y++)
                        {
                            image.Slice(ch * h * w + y * w + left, Math.Min(side, w - left)).Fill(range.Min);
                        }
                    }
                    break;
            }
        }
        return new Tensor(images.Shape, data);
    }

    /// <summary>Why <paramref name="strength"/> is no strength of <paramref name="kind"/>, or null: every strength is finite and at least 0, a contrast reduction or an occluder's side also at most 1.</summary>
    /// <param name="kind">The shift.</param>
    /// <param name="strength">The strength in the kind's unit (see <see cref="Apply"/>).</param>
    public static string? StrengthProblem(ShiftKind kind, double strength)
    {
        if (!Enum.IsDefined(kind))
        {
            return $"{kind} is not a shift kind.";
        }
        bool fraction = kind is ShiftKind.Contrast or ShiftKind.Occlusion;
        return double.IsFinite(strength) && strength >= 0 && (!fraction || strength <= 1) ? null
            : string.Create(CultureInfo.InvariantCulture, $"Strength {strength} of {kind} must be finite, >= 0{(fraction ? " and <= 1" : "")}.");
    }

    /// <summary>
    /// Why <paramref name="images"/> cannot be shifted, or null: the batch must be [N, C, H, W] with every value in the
    /// pixel range, since rotation and occlusion fill with its black and noise and brightness clip to it; normalized data
    /// (e.g. mean 0) would be shifted wrongly without a sign of it.
    /// </summary>
    /// <param name="images">The batch.</param>
    /// <param name="firstSample">The number the message gives the batch's first image (its place in the data file).</param>
    /// <param name="range">The pixels' range (default [0, 1]).</param>
    public static string? PixelProblem(Tensor images, int firstSample = 0, PixelRange? range = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        PixelRange pixels = range ?? PixelRange.Unit;
        if (pixels.Problem() is { } bad)
        {
            return bad;
        }
        if (images.Shape.Rank != 4)
        {
            return $"Image shifts need a batch [N, C, H, W]; got {images.Shape}.";
        }
        // A value found means size > 0: an empty image holds none.
        int size = images.Shape[1] * images.Shape[2] * images.Shape[3];
        int outside = Array.FindIndex(images.Data, v => !pixels.Contains(v));
        if (outside < 0)
        {
            return null;
        }
        float value = images.Data[outside];
        // Raw bytes are the usual other scale: say how to declare it rather than only refusing.
        string hint = pixels == PixelRange.Unit && value > 1 && images.Data.All(v => v is >= 0 and <= 255)
            ? " Every value lies in [0, 255]: if these are raw pixel bytes, give the range 0:255 (`--pixel-range 0:255`, ShiftOptions.PixelRange)."
            : " Give the range the raw pixels use (`--pixel-range MIN:MAX`, ShiftOptions.PixelRange); a model that needs normalized input should normalize in its graph.";
        return string.Create(CultureInfo.InvariantCulture,
            $"Sample {firstSample + outside / size} has the value {value} at position {outside % size}: image shifts need pixels in [{pixels.Min}, {pixels.Max}] (rotation and occlusion fill with {pixels.Min}, noise and brightness clip to the range).{hint}");
    }

    /// <summary>Rotates every channel by <paramref name="radians"/> about the centre, sampling bilinearly; pixels from outside are <paramref name="black"/>.</summary>
    private static void Rotate(Span<float> image, int c, int h, int w, double radians, float black)
    {
        float[] source = image.ToArray();
        double cos = Math.Cos(radians), sin = Math.Sin(radians), cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
        for (int ch = 0; ch < c; ch++)
        {
            int plane = ch * h * w;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    // The inverse map: where this output pixel comes from.
                    double sx = cos * (x - cx) + sin * (y - cy) + cx, sy = -sin * (x - cx) + cos * (y - cy) + cy;
                    int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                    double fx = sx - x0, fy = sy - y0;
                    image[plane + y * w + x] = (float)(
                        (1 - fy) * ((1 - fx) * At(x0, y0) + fx * At(x0 + 1, y0)) + fy * ((1 - fx) * At(x0, y0 + 1) + fx * At(x0 + 1, y0 + 1)));
                }
            }

            double At(int x, int y) => x < 0 || y < 0 || x >= w || y >= h ? black : source[plane + y * w + x];
        }
    }
}
