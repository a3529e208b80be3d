namespace UnIT.ML.Evaluation;

/// <summary>Accuracy and macro-averaged F1 of predicted classes against labels.</summary>
public sealed record ClassificationMetrics(double Accuracy, double F1Macro, int Samples)
{
    /// <summary>Predicted class of a row that holds NaN: none, so it never counts as correct.</summary>
    public const int NoClass = -1;

    /// <summary>
    /// Index of the largest logit in each row of a [batch, classes] buffer (first one on ties), or
    /// <see cref="NoClass"/> for a row with a NaN logit, which predicts nothing.
    /// </summary>
    public static int[] ArgMax(ReadOnlySpan<float> logits, int classes)
    {
        var predictions = new int[logits.Length / classes];
        for (int r = 0; r < predictions.Length; r++)
        {
            ReadOnlySpan<float> row = logits.Slice(r * classes, classes);
            int best = float.IsNaN(row[0]) ? NoClass : 0;
            for (int c = 1; c < classes && best != NoClass; c++)
            {
                if (float.IsNaN(row[c]))
                {
                    best = NoClass;
                }
                else if (row[c] > row[best])
                {
                    best = c;
                }
            }
            predictions[r] = best;
        }
        return predictions;
    }

    /// <summary>Computes the metrics; F1 is averaged over every class that occurs in the labels or predictions.</summary>
    public static ClassificationMetrics Compute(IReadOnlyList<int> predictions, IReadOnlyList<int> labels)
    {
        if (predictions.Count != labels.Count)
        {
            throw new ArgumentException($"There are {predictions.Count} predictions but {labels.Count} labels.", nameof(labels));
        }
        if (labels.Count == 0)
        {
            throw new ArgumentException("No samples to score.", nameof(labels));
        }
        int classes = Math.Max(predictions.Max(), labels.Max()) + 1;
        var tp = new int[classes];
        var fp = new int[classes];
        var fn = new int[classes];
        int correct = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            if (predictions[i] == labels[i])
            {
                correct++;
                tp[labels[i]]++;
            }
            else
            {
                if (predictions[i] != NoClass)
                {
                    fp[predictions[i]]++;
                }
                fn[labels[i]]++;
            }
        }
        double f1Sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++)
        {
            if (tp[c] + fp[c] + fn[c] == 0)
            {
                continue;
            }
            present++;
            f1Sum += 2.0 * tp[c] / (2.0 * tp[c] + fp[c] + fn[c]);
        }
        return new ClassificationMetrics((double)correct / labels.Count, f1Sum / present, labels.Count);
    }
}
