namespace UnIT.Export;

/// <summary>C kernel text written once with <c>$TOKEN$</c> placeholders, from which the emitters fill their variants.</summary>
internal static class KernelTemplate
{
    /// <summary><paramref name="template"/> with each <c>$Token$</c> replaced by its text, in the order given.</summary>
    public static string Fill(string template, IEnumerable<(string Token, string Text)> tokens)
    {
        string text = template;
        foreach ((string token, string value) in tokens)
        {
            text = text.Replace("$" + token + "$", value, StringComparison.Ordinal);
        }
        return text;
    }
}
