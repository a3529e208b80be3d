namespace UnIT.ML.Shift;

/// <summary>A distribution shift <see cref="ImageShift"/> applies to images with pixels in a <see cref="PixelRange"/> ([0, 1] by default).</summary>
public enum ShiftKind
{
    /// <summary>Rotation about the image centre by the strength in degrees, clockwise or not at random; bilinear, black outside.</summary>
    Rotation,

    /// <summary>Additive Gaussian noise with the strength (a fraction of the pixel range) as standard deviation, clamped to the range.</summary>
    GaussianNoise,

    /// <summary>The strength (a fraction of the pixel range) added to every pixel, clamped to the range.</summary>
    Brightness,

    /// <summary>Contrast scaled by 1 - strength about each image's mean.</summary>
    Contrast,

    /// <summary>A black square of side strength x image height at a random place.</summary>
    Occlusion,
}
