using System.Globalization;
using System.Text.Json.Serialization;

namespace UnIT.ML.Shift;

/// <summary>
/// The values an image's pixels span, from black (<see cref="Min"/>) to white (<see cref="Max"/>): [0, 1] for pixels
/// scaled by 1/255, [0, 255] for raw bytes. Image shifts fill with black, clip to the range and give noise and
/// brightness in fractions of its width, so one strength means the same change whatever the data's scale.
/// </summary>
/// <param name="Min">Black.</param>
/// <param name="Max">White; above <paramref name="Min"/>.</param>
public readonly record struct PixelRange(float Min, float Max)
{
    /// <summary>Pixels scaled to [0, 1], the default.</summary>
    public static PixelRange Unit => new(0f, 1f);

    /// <summary>White minus black.</summary>
    [JsonIgnore]
    public float Width => Max - Min;

    /// <summary>Whether <paramref name="value"/> lies in the range, ends included (NaN does not).</summary>
    public bool Contains(float value) => value >= Min && value <= Max;

    /// <summary>Why this is no range, or null: both ends finite, black below white, and their difference finite too.</summary>
    public string? Problem() =>
        float.IsFinite(Min) && float.IsFinite(Max) && Min < Max && float.IsFinite(Width) ? null
            : string.Create(CultureInfo.InvariantCulture, $"The pixel range [{Min}, {Max}] needs finite ends with black below white.");

    /// <summary>The range as the command line writes it, MIN:MAX.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Min}:{Max}");
}
