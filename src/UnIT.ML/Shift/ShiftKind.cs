namespace UnIT.ML.Shift;

/// <summary>A distribution shift <see cref="ImageShift"/> applies to images with pixels in [0, 1].</summary>
public enum ShiftKind
{
    /// <summary>Rotation about the image centre by the strength in degrees, clockwise or not at random; bilinear, zeros outside.</summary>
    Rotation,

    /// <summary>Additive Gaussian noise with the strength as standard deviation, clamped to [0, 1].</summary>
    GaussianNoise,

    /// <summary>The strength added to every pixel, clamped to [0, 1].</summary>
    Brightness,

    /// <summary>Contrast scaled by 1 - strength about each image's mean.</summary>
    Contrast,

    /// <summary>A black square of side strength x image height at a random place.</summary>
    Occlusion,
}
